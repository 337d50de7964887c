//! Property tests: a signature round-trips, and any one-byte change fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::UNIX_EPOCH;

use pexelize_identity::{Code, Keyring, SecurityKey};
use proptest::prelude::*;

fn keyring(secret: &[u8]) -> Keyring {
    Keyring::new(SecurityKey::new(secret).unwrap()).unwrap()
}

proptest! {
    #[test]
    fn sign_then_verify_round_trips(
        secret in proptest::collection::vec(any::<u8>(), 1..200),
        user_id in proptest::collection::vec(any::<u8>(), 1..300),
    ) {
        let keyring = keyring(&secret);
        let signature = keyring.sign(&user_id);
        prop_assert_eq!(signature.len(), 64);
        let verified = keyring.verify_at(&user_id, signature.as_bytes(), UNIX_EPOCH);
        prop_assert!(verified.is_ok());
    }

    #[test]
    fn changed_user_id_byte_fails(
        secret in proptest::collection::vec(any::<u8>(), 1..100),
        user_id in proptest::collection::vec(any::<u8>(), 1..100),
        position in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let keyring = keyring(&secret);
        let signature = keyring.sign(&user_id);
        let mut changed = user_id.clone();
        let index = position.index(changed.len());
        changed[index] = changed[index].wrapping_add(delta);
        let error = keyring.verify_at(&changed, signature.as_bytes(), UNIX_EPOCH).unwrap_err();
        prop_assert_eq!(error.code(), Code::VerificationFailed);
    }

    #[test]
    fn changed_signature_byte_fails(
        secret in proptest::collection::vec(any::<u8>(), 1..100),
        user_id in proptest::collection::vec(any::<u8>(), 1..100),
        position in 0usize..64,
        replacement in any::<u8>(),
    ) {
        let keyring = keyring(&secret);
        let mut signature = keyring.sign(&user_id).into_bytes();
        let original = signature[position];
        // Upper and lower case of the same digit are the same signature.
        prop_assume!(!replacement.eq_ignore_ascii_case(&original));
        signature[position] = replacement;
        let error = keyring.verify_at(&user_id, &signature, UNIX_EPOCH).unwrap_err();
        prop_assert_eq!(error.code(), Code::VerificationFailed);
    }
}
