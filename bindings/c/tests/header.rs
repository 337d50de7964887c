//! Fails when cbindgen's output differs from the checked-in header, so the
//! header cannot drift from the sources in `src/`. Run with `UPDATE_HEADER=1` to
//! rewrite the header after changing the API.

#![allow(clippy::expect_used)]

use std::path::PathBuf;

#[test]
fn header_matches_cbindgen_output() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml should parse");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen should parse src/lib.rs");
    let mut generated = Vec::new();
    bindings.write(&mut generated);

    let header_path = crate_dir.join("include/pexelize_identity.h");
    if std::env::var_os("UPDATE_HEADER").is_some_and(|value| value == "1") {
        std::fs::write(&header_path, &generated).expect("header should be writable");
        return;
    }
    let checked_in = std::fs::read(&header_path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/pexelize_identity.h differs from cbindgen's output; run \
         `UPDATE_HEADER=1 cargo test -p pexelize-identity-c --test header` \
         and commit the result\n--- generated ---\n{}",
        String::from_utf8_lossy(&generated)
    );
}
