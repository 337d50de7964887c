//! Helpers shared by the integration tests: reading the vector files.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

pub fn load_vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

pub fn hex_field(value: &Value, field: &str) -> Vec<u8> {
    let text = value[field]
        .as_str()
        .unwrap_or_else(|| panic!("missing hex field {field}"));
    const_hex::decode(text).unwrap_or_else(|error| panic!("field {field} is not hex: {error}"))
}

pub fn str_field<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("missing text field {field}"))
}
