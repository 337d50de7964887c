//! Checks the fuzz oracle against published HMAC-SHA256 vectors, so that a
//! property failure points at the core and not at the oracle.

#![allow(clippy::expect_used)]

use std::path::PathBuf;

use pexelize_ct::reference::hmac_sha256_hex;
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

fn hex(value: &Value, field: &str) -> Vec<u8> {
    let text = value[field]
        .as_str()
        .unwrap_or_else(|| panic!("missing hex field {field}"));
    (0..text.len())
        .step_by(2)
        .map(|index| {
            u8::from_str_radix(&text[index..index + 2], 16)
                .unwrap_or_else(|error| panic!("{field} is not hex: {error}"))
        })
        .collect()
}

#[test]
fn reference_matches_rfc4231() {
    let vectors = load("rfc4231_hmac_sha256.json");
    let tests = vectors["tests"].as_array().expect("tests array");
    assert!(!tests.is_empty());
    for test in tests {
        let mac = test["mac"].as_str().expect("mac field");
        let computed = hmac_sha256_hex(&hex(test, "key"), &hex(test, "data"));
        if test["truncated"].as_bool() == Some(true) {
            assert!(computed.starts_with(mac), "case {}", test["case"]);
        } else {
            assert_eq!(computed, mac, "case {}", test["case"]);
        }
    }
}

#[test]
fn reference_matches_wycheproof() {
    let vectors = load("hmac_sha256_test.json");
    let mut checked = 0;
    for group in vectors["testGroups"].as_array().expect("testGroups array") {
        let tag_bytes = group["tagSize"].as_u64().expect("tagSize") as usize / 8;
        for test in group["tests"].as_array().expect("tests array") {
            let tag = test["tag"].as_str().expect("tag field");
            let computed = hmac_sha256_hex(&hex(test, "key"), &hex(test, "msg"));
            let matches = computed[..2 * tag_bytes] == *tag && tag.len() == 2 * tag_bytes;
            let valid = test["result"] == "valid";
            assert_eq!(matches, valid, "tcId {}", test["tcId"]);
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} Wycheproof cases read");
}
