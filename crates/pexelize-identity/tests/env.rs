//! The environment loader: variable names, windows and configuration errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use pexelize_identity::{Code, Keyring, SecurityKey, keyring_from_lookup};

fn load(variables: &[(&str, &str)]) -> Result<Keyring, pexelize_identity::Error> {
    let map: HashMap<String, String> = variables
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    keyring_from_lookup(|name| map.get(name).cloned())
}

fn error_message(variables: &[(&str, &str)]) -> String {
    let error = load(variables).unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    error.to_string()
}

#[test]
fn current_key_only() {
    let keyring = load(&[("PEXELIZE_SECURITY_KEY", "secret-one")]).unwrap();
    let expected = SecurityKey::new(b"secret-one").unwrap().sign(b"user");
    assert_eq!(keyring.sign(b"user"), expected);
    assert_eq!(keyring.keys().count(), 1);
}

#[test]
fn previous_key_with_window() {
    let keyring = load(&[
        ("PEXELIZE_SECURITY_KEY", "secret-two"),
        ("PEXELIZE_SECURITY_KEY_PREVIOUS", "secret-one"),
        (
            "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL",
            "2026-06-01T00:00:00Z",
        ),
    ])
    .unwrap();
    let old = SecurityKey::new(b"secret-one").unwrap().sign(b"user");
    let end = UNIX_EPOCH + Duration::from_secs(1_780_272_000);
    let before = keyring.verify_at(b"user", old.as_bytes(), end - Duration::from_secs(1));
    assert_eq!(before.unwrap().key_id, "previous");
    let after = keyring.verify_at(b"user", old.as_bytes(), end).unwrap_err();
    assert_eq!(after.code(), Code::SignatureExpired);
}

#[test]
fn missing_key_names_variable() {
    let message = error_message(&[]);
    assert!(
        message.contains("PEXELIZE_SECURITY_KEY is not set"),
        "{message}"
    );
}

#[test]
fn empty_variables_name_variable() {
    let message = error_message(&[("PEXELIZE_SECURITY_KEY", "")]);
    assert!(
        message.contains("PEXELIZE_SECURITY_KEY is set but empty"),
        "{message}"
    );
    let message = error_message(&[
        ("PEXELIZE_SECURITY_KEY", "k"),
        ("PEXELIZE_SECURITY_KEY_PREVIOUS", ""),
    ]);
    assert!(
        message.contains("PEXELIZE_SECURITY_KEY_PREVIOUS is set but empty"),
        "{message}"
    );
}

#[test]
fn whitespace_rejected_without_value() {
    for value in [
        "canary-key\n",
        " canary-key",
        "canary-key\t",
        "\r\ncanary-key",
        "\u{feff}canary-key",
        "canary-key\u{200b}",
        "canary-key\u{a0}",
    ] {
        let message = error_message(&[("PEXELIZE_SECURITY_KEY", value)]);
        assert!(message.contains("PEXELIZE_SECURITY_KEY has leading or trailing whitespace"));
        assert!(!message.contains("canary"), "{message}");
    }
    let message = error_message(&[
        ("PEXELIZE_SECURITY_KEY", "k"),
        ("PEXELIZE_SECURITY_KEY_PREVIOUS", "canary-old\n"),
    ]);
    assert!(
        message.contains("PEXELIZE_SECURITY_KEY_PREVIOUS has leading"),
        "{message}"
    );
    assert!(!message.contains("canary"), "{message}");
}

#[test]
fn invalid_window_rejected() {
    for until in [
        "tomorrow",
        "2026-06-01",
        "2026-06-01 00:00:00",
        "2026-13-01T00:00:00Z",
    ] {
        let message = error_message(&[
            ("PEXELIZE_SECURITY_KEY", "k"),
            ("PEXELIZE_SECURITY_KEY_PREVIOUS", "old"),
            ("PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL", until),
        ]);
        assert!(
            message.contains("PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL is not an RFC 3339"),
            "{message}"
        );
    }
}

#[test]
fn window_without_previous_rejected() {
    let message = error_message(&[
        ("PEXELIZE_SECURITY_KEY", "k"),
        (
            "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL",
            "2026-06-01T00:00:00Z",
        ),
    ]);
    assert!(message.contains("set both or neither"), "{message}");
}

#[test]
fn window_with_offset_is_honoured() {
    let keyring = load(&[
        ("PEXELIZE_SECURITY_KEY", "new"),
        ("PEXELIZE_SECURITY_KEY_PREVIOUS", "old"),
        (
            "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL",
            "2026-06-01T02:00:00+02:00",
        ),
    ])
    .unwrap();
    let (previous, _) = keyring.keys().nth(1).unwrap();
    let expected = UNIX_EPOCH + Duration::from_secs(1_780_272_000);
    assert_eq!(previous.accept_until(), Some(expected));
}
