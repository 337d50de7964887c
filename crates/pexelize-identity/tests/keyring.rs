//! Keyring behaviour: rotation windows, outcome codes, key ids and counts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pexelize_identity::{
    Code, Error, FailureReason, KeyRole, Keyring, MissingPart, SecurityKey, generate_security_key,
};

const USER: &[u8] = b"user_123";

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn rotated_keyring() -> Keyring {
    let mut keyring = Keyring::new(SecurityKey::new(b"new-key").unwrap()).unwrap();
    let previous = SecurityKey::new(b"old-key")
        .unwrap()
        .with_accept_until(at(1_000));
    keyring.add_previous(previous).unwrap();
    keyring
        .add_retired(SecurityKey::new(b"older-key").unwrap())
        .unwrap();
    keyring
}

fn sign_with(secret: &[u8]) -> String {
    SecurityKey::new(secret).unwrap().sign(USER)
}

#[test]
fn current_key_is_valid() {
    let keyring = rotated_keyring();
    let signature = keyring.sign(USER);
    let verified = keyring
        .verify_at(USER, signature.as_bytes(), at(0))
        .unwrap();
    assert_eq!(verified.key_id, "current");
    assert_eq!(verified.role, KeyRole::Current);
}

#[test]
fn previous_key_valid_until_window_ends() {
    let keyring = rotated_keyring();
    let old = sign_with(b"old-key");
    let inside = keyring.verify_at(USER, old.as_bytes(), at(999)).unwrap();
    assert_eq!(inside.key_id, "previous");
    let at_end = keyring
        .verify_at(USER, old.as_bytes(), at(1_000))
        .unwrap_err();
    assert_eq!(
        at_end,
        Error::SignatureExpired {
            key_id: "previous".into()
        }
    );
}

#[test]
fn previous_key_without_window_stays_valid() {
    let mut keyring = Keyring::new(SecurityKey::new(b"new-key").unwrap()).unwrap();
    keyring
        .add_previous(SecurityKey::new(b"old-key").unwrap())
        .unwrap();
    let old = sign_with(b"old-key");
    let far_future = at(u64::from(u32::MAX) * 4);
    assert!(keyring.verify_at(USER, old.as_bytes(), far_future).is_ok());
}

#[test]
fn retired_key_is_expired() {
    let keyring = rotated_keyring();
    let older = sign_with(b"older-key");
    let error = keyring
        .verify_at(USER, older.as_bytes(), at(0))
        .unwrap_err();
    assert_eq!(error.code(), Code::SignatureExpired);
    assert_eq!(error.code().as_str(), "IDENTITY_SIGNATURE_EXPIRED");
}

#[test]
fn unknown_key_fails() {
    let keyring = rotated_keyring();
    let stranger = sign_with(b"someone-else");
    let error = keyring
        .verify_at(USER, stranger.as_bytes(), at(0))
        .unwrap_err();
    assert_eq!(error, Error::VerificationFailed(FailureReason::Mismatch));
    assert_eq!(error.code().as_str(), "IDENTITY_VERIFICATION_FAILED");
}

#[test]
fn uppercase_signature_is_valid() {
    let keyring = rotated_keyring();
    let upper = keyring.sign(USER).to_uppercase();
    assert!(keyring.verify_at(USER, upper.as_bytes(), at(0)).is_ok());
}

#[test]
fn malformed_signatures_fail_with_reason() {
    let keyring = rotated_keyring();
    let good = keyring.sign(USER);
    let cases: Vec<(String, FailureReason)> = vec![
        (good[..63].to_owned(), FailureReason::Length(63)),
        (format!("{good}0"), FailureReason::Length(65)),
        (format!("{}\n", &good[..63]), FailureReason::Whitespace),
        (format!("0x{}", &good[..62]), FailureReason::HexPrefix),
        (format!("z{}", &good[1..]), FailureReason::NotHex),
        (format!("é{}", &good[2..]), FailureReason::NonAscii),
    ];
    for (signature, reason) in cases {
        let error = keyring
            .verify_at(USER, signature.as_bytes(), at(0))
            .unwrap_err();
        assert_eq!(error, Error::VerificationFailed(reason), "{signature:?}");
    }
}

#[test]
fn empty_parts_are_missing() {
    let keyring = rotated_keyring();
    let good = keyring.sign(USER);
    let no_user = keyring.verify_at(b"", good.as_bytes(), at(0)).unwrap_err();
    assert_eq!(no_user, Error::IdentityMissing(MissingPart::UserId));
    let no_signature = keyring.verify_at(USER, b"", at(0)).unwrap_err();
    assert_eq!(no_signature, Error::IdentityMissing(MissingPart::Signature));
    assert_eq!(no_signature.code().as_str(), "IDENTITY_MISSING");
}

#[test]
fn stats_count_outcomes_and_keys() {
    let keyring = rotated_keyring();
    let current = keyring.sign(USER);
    let old = sign_with(b"old-key");
    let older = sign_with(b"older-key");
    keyring.verify_at(USER, current.as_bytes(), at(0)).unwrap();
    keyring.verify_at(USER, current.as_bytes(), at(0)).unwrap();
    keyring.verify_at(USER, old.as_bytes(), at(0)).unwrap();
    keyring
        .verify_at(USER, old.as_bytes(), at(2_000))
        .unwrap_err();
    keyring
        .verify_at(USER, older.as_bytes(), at(0))
        .unwrap_err();
    keyring.verify_at(USER, b"0000", at(0)).unwrap_err();
    keyring
        .verify_at(b"", current.as_bytes(), at(0))
        .unwrap_err();

    let stats = keyring.stats();
    assert_eq!(stats.valid, 3);
    assert_eq!(stats.expired, 2);
    assert_eq!(stats.failed, 1);
    assert_eq!(stats.missing, 1);
    let by_key: Vec<(&str, u64)> = stats
        .by_key
        .iter()
        .map(|(id, n)| (id.as_str(), *n))
        .collect();
    assert_eq!(
        by_key,
        vec![("current", 2), ("previous", 2), ("retired", 1)]
    );
}

#[test]
fn recorded_rejections_join_stats() {
    let keyring = rotated_keyring();
    keyring.record_rejection(Code::IdentityMissing);
    keyring.record_rejection(Code::VerificationFailed);
    keyring.record_rejection(Code::VerificationFailed);
    let stats = keyring.stats();
    assert_eq!(stats.missing, 1);
    assert_eq!(stats.failed, 2);
    assert_eq!(stats.valid, 0);
    assert!(stats.by_key.iter().all(|(_, count)| *count == 0));
}

#[test]
fn stats_are_exact_across_threads() {
    let keyring = rotated_keyring();
    let signature = keyring.sign(USER);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..1_000 {
                    keyring
                        .verify_at(USER, signature.as_bytes(), at(0))
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(keyring.stats().valid, 4_000);
}

#[test]
fn default_and_custom_key_ids() {
    let mut keyring = Keyring::new(SecurityKey::new(b"a").unwrap()).unwrap();
    keyring
        .add_previous(SecurityKey::new(b"b").unwrap())
        .unwrap();
    keyring
        .add_previous(SecurityKey::new(b"c").unwrap())
        .unwrap();
    keyring
        .add_retired(SecurityKey::new(b"d").unwrap().with_id("2024-q1").unwrap())
        .unwrap();
    let ids: Vec<&str> = keyring.keys().map(|(key, _)| key.id().unwrap()).collect();
    assert_eq!(ids, ["current", "previous", "previous-2", "2024-q1"]);
    let matched = keyring
        .verify_at(USER, sign_with(b"c").as_bytes(), at(0))
        .unwrap();
    assert_eq!(matched.key_id, "previous-2");
}

#[test]
fn duplicate_key_id_rejected() {
    let mut keyring = Keyring::new(SecurityKey::new(b"a").unwrap()).unwrap();
    let error = keyring
        .add_previous(SecurityKey::new(b"b").unwrap().with_id("current").unwrap())
        .unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert!(
        error.to_string().contains("\"current\" is used twice"),
        "{error}"
    );
}

#[test]
fn invalid_key_ids_rejected() {
    let key = || SecurityKey::new(b"a").unwrap();
    assert_eq!(key().with_id("").unwrap_err().code(), Code::InvalidArgument);
    assert_eq!(
        key().with_id("a\nb").unwrap_err().code(),
        Code::InvalidArgument
    );
    assert_eq!(
        key().with_id(&"x".repeat(129)).unwrap_err().code(),
        Code::InvalidArgument
    );
    assert!(key().with_id(&"x".repeat(128)).is_ok());
}

#[test]
fn windows_only_on_previous_keys() {
    let windowed = || SecurityKey::new(b"a").unwrap().with_accept_until(at(5));
    assert_eq!(
        Keyring::new(windowed()).unwrap_err().code(),
        Code::InvalidArgument
    );
    let mut keyring = Keyring::new(SecurityKey::new(b"b").unwrap()).unwrap();
    assert_eq!(
        keyring.add_retired(windowed()).unwrap_err().code(),
        Code::InvalidArgument
    );
}

#[test]
fn empty_key_rejected() {
    let error = SecurityKey::new(b"").unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert!(error.to_string().contains("must not be empty"));
}

#[test]
fn debug_output_hides_key() {
    let secret = "canary-3f9a1c-do-not-print";
    let keyring = Keyring::new(SecurityKey::new(secret.as_bytes()).unwrap()).unwrap();
    let printed = format!("{keyring:?} {:?}", keyring.current());
    assert!(!printed.contains(secret), "{printed}");
    assert!(!printed.contains(&const_hex::encode(secret)), "{printed}");
    assert!(printed.contains("current"), "{printed}");
}

#[test]
fn generated_keys_are_random_hex() {
    let first = generate_security_key().unwrap();
    let second = generate_security_key().unwrap();
    assert_eq!(first.len(), 64);
    assert!(
        first
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    );
    assert_ne!(first, second);
}

#[test]
fn keyring_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Keyring>();
    assert_send_sync::<SecurityKey>();
}
