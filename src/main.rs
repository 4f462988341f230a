//! The `gongkai` binary: parses arguments and hands over to the library.

use clap::Parser;

fn main() {
    let cli = gongkai::cli::Cli::parse();
    let code = gongkai::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
