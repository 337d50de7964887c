//! Security keys with a precomputed HMAC key schedule.

use std::fmt;
use std::time::SystemTime;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::Error;
use crate::signature::{HexSignature, encode_hex};

/// Length in bytes of an HMAC-SHA256 tag.
pub const MAC_LEN: usize = 32;

/// Longest accepted key id, in bytes.
pub const MAX_KEY_ID_LEN: usize = 128;

/// A security key, ready to sign and verify.
///
/// The HMAC key schedule (the SHA-256 states after the inner and outer padded
/// key) is computed once in [`SecurityKey::new`], so each signature costs two
/// SHA-256 compressions for a user ID of up to 55 bytes. The raw key is not
/// kept. The schedule, which is as secret as the key, is zeroed on drop, and
/// `Debug` shows only the id and the window.
#[derive(Clone)]
pub struct SecurityKey {
    mac: Hmac<Sha256>,
    id: Option<String>,
    accept_until: Option<SystemTime>,
}

impl SecurityKey {
    /// Creates a key from its secret bytes; a string key is used as its UTF-8
    /// bytes, exactly as `crypto.createHmac` and Python's `hmac` use it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `secret` is empty.
    pub fn new(secret: &[u8]) -> Result<Self, Error> {
        if secret.is_empty() {
            return Err(Error::invalid_argument(
                "security key must not be empty; pass the security key from your dashboard",
            ));
        }
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .map_err(|_| Error::invalid_argument("security key was rejected by HMAC-SHA256"))?;
        Ok(Self {
            mac,
            id: None,
            accept_until: None,
        })
    }

    /// Sets the id that verification reports when this key matches.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `id` is empty, longer than
    /// [`MAX_KEY_ID_LEN`] bytes, or contains a control character.
    pub fn with_id(mut self, id: &str) -> Result<Self, Error> {
        validate_key_id(id)?;
        self.id = Some(id.to_owned());
        Ok(self)
    }

    /// Sets the end of this key's window when it is a previous key of a
    /// [`crate::Keyring`]: it is accepted while the clock is before `until`.
    #[must_use]
    pub fn with_accept_until(mut self, until: SystemTime) -> Self {
        self.accept_until = Some(until);
        self
    }

    /// Returns the id set with [`SecurityKey::with_id`], if any.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Returns the end of the key's window, if any.
    #[must_use]
    pub fn accept_until(&self) -> Option<SystemTime> {
        self.accept_until
    }

    /// Signs a user ID and returns the lowercase hex signature as ASCII bytes.
    #[must_use]
    pub fn sign_hex(&self, user_id: &[u8]) -> HexSignature {
        let mut mac = self.compute_mac(user_id);
        let hex = encode_hex(&mac);
        mac.zeroize();
        hex
    }

    /// Signs a user ID and returns the lowercase hex signature.
    #[must_use]
    pub fn sign(&self, user_id: &[u8]) -> String {
        self.sign_hex(user_id).as_str().to_owned()
    }

    /// Computes the raw HMAC-SHA256 tag of `user_id`. The caller must zero it
    /// after use, since it is a valid signature.
    pub(crate) fn compute_mac(&self, user_id: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = self.mac.clone();
        mac.update(user_id);
        mac.finalize().into_bytes().into()
    }

    pub(crate) fn set_default_id(&mut self, id: String) {
        if self.id.is_none() {
            self.id = Some(id);
        }
    }

    pub(crate) fn clear_accept_until(&mut self) {
        self.accept_until = None;
    }
}

impl fmt::Debug for SecurityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecurityKey")
            .field("id", &self.id)
            .field("accept_until", &self.accept_until)
            .finish_non_exhaustive()
    }
}

fn validate_key_id(id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::invalid_argument(
            "key id must not be empty; omit it to use the default id",
        ));
    }
    if id.len() > MAX_KEY_ID_LEN {
        return Err(Error::invalid_argument(format!(
            "key id is {} bytes long; use at most {MAX_KEY_ID_LEN}",
            id.len()
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            "key id contains a control character; use printable text",
        ));
    }
    Ok(())
}

/// Generates a new security key: 32 random bytes from the operating system's
/// CSPRNG, returned as 64 lowercase hex characters. The hex text itself is the
/// key, as the dashboard's keys are.
///
/// # Errors
///
/// [`Error::RandomUnavailable`] when the operating system's generator fails.
pub fn generate_security_key() -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| Error::RandomUnavailable)?;
    let key = encode_hex(&bytes).as_str().to_owned();
    bytes.zeroize();
    Ok(key)
}
