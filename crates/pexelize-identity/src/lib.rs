//! Identity signatures for Pexelize.
//!
//! A server signs a user ID with its security key, as lowercase hex
//! HMAC-SHA256, and hands `{ userId, signature }` to the editor. This crate
//! signs, verifies in constant time, and rotates keys with a [`Keyring`]. It
//! is the core of the Node, Python and C packages, which only convert types
//! and map [`Error`] codes.
//!
//! ```
//! use pexelize_identity::{Keyring, SecurityKey};
//!
//! let keyring = Keyring::new(SecurityKey::new(b"my-security-key")?)?;
//! let signature = keyring.sign(b"user_123");
//! assert_eq!(keyring.verify(b"user_123", signature.as_bytes())?.key_id, "current");
//! # Ok::<(), pexelize_identity::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod clock;
mod env;
mod error;
mod key;
mod keyring;
mod signature;

pub use clock::{from_unix_millis, from_unix_seconds, parse_rfc3339};
pub use env::{
    ENV_SECURITY_KEY, ENV_SECURITY_KEY_PREVIOUS, ENV_SECURITY_KEY_PREVIOUS_UNTIL, keyring_from_env,
    keyring_from_lookup,
};
pub use error::{Code, Error, FailureReason, MissingPart};
pub use key::{MAC_LEN, MAX_KEY_ID_LEN, SecurityKey, generate_security_key};
pub use keyring::{KeyRole, Keyring, KeyringStats, Verified};
pub use signature::{HexSignature, SIGNATURE_HEX_LEN};

/// Signs `user_id` with `key` and returns the lowercase hex signature, as
/// `crypto.createHmac('sha256', key).update(userId).digest('hex')` does.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `key` is empty.
pub fn generate_identity_signature(user_id: &[u8], key: &[u8]) -> Result<HexSignature, Error> {
    Ok(SecurityKey::new(key)?.sign_hex(user_id))
}

/// Verifies `signature` for `user_id` under the one key `key`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `key` is empty; otherwise the identity
/// errors of [`Keyring::verify_at`] except the expired one.
pub fn verify(user_id: &[u8], signature: &[u8], key: &[u8]) -> Result<(), Error> {
    // NOTE: this builds a one-key keyring (an allocation and a default id) on
    // every call, which a direct comparison would skip. It stays on the
    // keyring path because the memcheck test's allowed reports match that
    // path's inlined frames, and a new path needs its own allowances.
    let keyring = Keyring::new(SecurityKey::new(key)?)?;
    keyring.verify(user_id, signature).map(|_| ())
}
