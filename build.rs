//! Rebuild when the embedded assets change (include_dir alone does not tell cargo).
fn main() {
    println!("cargo:rerun-if-changed=assets");
}
