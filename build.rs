//! Rebuild when the embedded assets change (include_dir alone does not tell cargo), and on
//! Windows embed the program icon in gongkai.exe.
fn main() {
    println!("cargo:rerun-if-changed=assets");
    #[cfg(windows)]
    {
        let mut res = winresource::WindowsResource::new();
        res.set_icon("assets/icons/gongkai.ico");
        if let Err(e) = res.compile() {
            println!("cargo:warning=程序图标未能嵌入：{e}");
        }
    }
}
