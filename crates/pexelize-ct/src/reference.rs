//! A naive HMAC-SHA256, written out from RFC 2104 section 2, as the oracle for
//! the fuzz properties. It shares only SHA-256 with the core, not the `hmac`
//! crate that the core's signatures go through.

use sha2::{Digest, Sha256};

/// SHA-256 block size in bytes.
const BLOCK: usize = 64;

/// Returns HMAC-SHA256(`key`, `message`).
#[must_use]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // A key longer than one block is replaced by its hash, then every key is
    // padded with zeros to one block.
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }

    let inner_pad: Vec<u8> = block.iter().map(|byte| byte ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|byte| byte ^ 0x5c).collect();

    let mut inner = Sha256::new();
    inner.update(&inner_pad);
    inner.update(message);
    let inner_hash = inner.finalize();

    let mut outer = Sha256::new();
    outer.update(&outer_pad);
    outer.update(inner_hash);
    outer.finalize().into()
}

/// Returns HMAC-SHA256(`key`, `message`) as 64 lowercase hex characters.
#[must_use]
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use std::fmt::Write;

    hmac_sha256(key, message)
        .iter()
        .fold(String::with_capacity(64), |mut text, byte| {
            let _ = write!(text, "{byte:02x}");
            text
        })
}
