//! The `gongkai` binary: parses arguments and hands over to the library.

use clap::Parser;

// mimalloc: scoring and auditing allocate many small strings; measured in benches/perf.rs
// (1,000 自评表 score + audit: 58 ms with the system allocator, 41 ms with mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = gongkai::cli::Cli::parse();
    let code = gongkai::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
