//! Gives the shared library an soname, so that programs linked against
//! `libpexelize_identity.so` record `libpexelize_identity.so.0` and keep
//! working across compatible upgrades.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpexelize_identity.so.0");
    }
}
