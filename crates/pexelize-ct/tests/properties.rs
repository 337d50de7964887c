//! Runs the fuzz properties on random and hand-picked inputs, and replays
//! every input saved under tests/regressions/<target>/, so `cargo test` checks
//! what the fuzzer checks.

#![allow(clippy::expect_used)]

use std::path::PathBuf;

use arbitrary::{Arbitrary, Unstructured};
use pexelize_ct::Rng;
use pexelize_ct::properties::{
    EnvInput, KeySpec, KeyringInput, VerifyInput, check_env, check_keyring, check_verify,
};

/// Feeds `count` random byte strings of up to 1 KiB through `check`, decoded
/// the way libFuzzer input is decoded.
fn sweep<T: for<'a> Arbitrary<'a>>(count: usize, seed: u64, check: impl Fn(&T)) {
    let mut rng = Rng::from_seed(seed);
    let mut bytes = vec![0u8; 1024];
    for _ in 0..count {
        let length = (rng.next_u64() % 1024) as usize;
        rng.fill(&mut bytes[..length]);
        if let Ok(input) = T::arbitrary_take_rest(Unstructured::new(&bytes[..length])) {
            check(&input);
        }
    }
}

#[test]
fn verify_properties_hold_on_random_input() {
    sweep::<VerifyInput>(5000, 1, check_verify);
}

#[test]
fn keyring_properties_hold_on_random_input() {
    sweep::<KeyringInput>(3000, 2, check_keyring);
}

#[test]
fn env_properties_hold_on_random_input() {
    sweep::<EnvInput>(3000, 3, check_env);
}

#[test]
fn verify_properties_hold_on_chosen_input() {
    let signature = b"0000000000000000000000000000000000000000000000000000000000000000";
    let accented = "\u{e9}".repeat(32);
    let cases: [(&[u8], &[u8], &[u8]); 6] = [
        (b"k", b"user_123", signature),
        (b"", b"user_123", signature),
        (b"k", b"", signature),
        (&[0u8; 200], b"user\0id", b" 00"),
        (b"key", &[0xff; 70], b"0x00"),
        (b"key", "caf\u{e9}".as_bytes(), accented.as_bytes()),
    ];
    for (key, user_id, signature) in cases {
        for change_at in [0, 31, 63, 255] {
            check_verify(&VerifyInput {
                key: key.to_vec(),
                user_id: user_id.to_vec(),
                signature: signature.to_vec(),
                change_at,
                change_by: change_at,
            });
        }
    }
}

fn key(secret: &[u8], id: Option<&str>, role: u8, until_seconds: Option<i64>) -> KeySpec {
    KeySpec {
        secret: secret.to_vec(),
        id: id.map(str::to_owned),
        role,
        until_seconds,
    }
}

#[test]
fn keyring_properties_hold_on_chosen_input() {
    let keyrings = [
        vec![key(b"a", None, 0, None), key(b"b", None, 0, Some(1_000))],
        vec![
            key(b"a", None, 0, None),
            key(b"b", None, 0, Some(3_000)),
            key(b"c", None, 0, None),
            key(b"d", None, 1, None),
            key(b"e", None, 1, None),
        ],
        // Rejected: a current key with a window, then a duplicate id, a
        // retired key with a window, an empty secret and a bad id.
        vec![
            key(b"a", None, 0, Some(5)),
            key(b"a", None, 0, None),
            key(b"b", Some("current"), 0, None),
            key(b"c", None, 1, Some(5)),
            key(b"", None, 0, None),
            key(b"d", Some("bad\nid"), 0, None),
            key(b"e", Some(""), 0, None),
            key(b"f", Some(&"x".repeat(129)), 0, None),
        ],
        // The same secret twice: the first key in keyring order wins.
        vec![
            key(b"same", None, 0, None),
            key(b"same", Some("twin"), 1, None),
        ],
        vec![key(b"k", None, 0, None), key(b"k\0\0", None, 0, Some(10))],
        vec![key(b"a", None, 0, None), key(b"b", None, 0, Some(i64::MAX))],
    ];
    for keys in keyrings {
        for now_seconds in [0, 999, 1_000, 2_999, 3_000, i64::MIN, i64::MAX] {
            for user_id in [&b"user_123"[..], b""] {
                check_keyring(&KeyringInput {
                    keys: keys
                        .iter()
                        .map(|spec| {
                            key(
                                &spec.secret,
                                spec.id.as_deref(),
                                spec.role,
                                spec.until_seconds,
                            )
                        })
                        .collect(),
                    now_seconds,
                    user_id: user_id.to_vec(),
                    change_at: 7,
                });
            }
        }
    }
}

#[test]
fn env_properties_hold_on_chosen_input() {
    let some = |text: &str| Some(text.to_owned());
    let cases = [
        (some("current-key"), None, None),
        (None, None, None),
        (some(""), None, None),
        (some("current-key\n"), None, None),
        (some(" current-key"), None, None),
        (some("current-key"), some("previous-key"), None),
        (
            some("current-key"),
            some("previous-key"),
            some("2026-06-01T00:00:00Z"),
        ),
        (
            some("current-key"),
            some("previous-key"),
            some("2026-06-01"),
        ),
        (some("current-key"), some("previous-key"), some("")),
        (some("current-key"), None, some("2026-06-01T00:00:00Z")),
        (some("current-key"), some("previous-key\t"), None),
        (some("same-key"), some("same-key"), None),
        // HMAC pads a short key with zero bytes, so these two keys sign alike.
        (
            some("same-key"),
            some("same-key\0"),
            some("2026-06-01T00:00:00Z"),
        ),
        (
            some("current-key"),
            some("previous-key"),
            some("9999-12-31T23:59:59Z"),
        ),
        (
            some("current-key"),
            some("previous-key"),
            some("0000-01-01T00:00:00+23:59"),
        ),
    ];
    for (current, previous, until) in cases {
        for now_seconds in [0, 1_780_272_000, 1_780_272_001, i64::MAX] {
            check_env(&EnvInput {
                current: current.clone(),
                previous: previous.clone(),
                until: until.clone(),
                now_seconds,
                user_id: b"user_123".to_vec(),
            });
        }
    }
}

/// Replays every saved fuzz input of `target`. A file there is an input that
/// once made the target fail; it stays as a regression test.
fn replay<T: for<'a> Arbitrary<'a>>(target: &str, check: impl Fn(&T)) -> usize {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&directory) else {
        return 0;
    };
    let mut replayed = 0;
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let input = T::arbitrary_take_rest(Unstructured::new(&bytes))
            .unwrap_or_else(|error| panic!("{} does not decode: {error}", path.display()));
        check(&input);
        replayed += 1;
    }
    replayed
}

#[test]
fn saved_fuzz_inputs_still_pass() {
    replay::<VerifyInput>("verify", check_verify);
    replay::<KeyringInput>("keyring", check_keyring);
    let env_inputs = replay::<EnvInput>("env", check_env);
    assert!(env_inputs >= 1, "the saved env inputs were not found");
}
