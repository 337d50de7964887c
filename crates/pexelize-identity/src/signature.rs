//! The hex form of signatures: encoding, and the shape check that runs before
//! anything is decoded or compared.

use crate::error::{Error, FailureReason, MissingPart};
use crate::key::MAC_LEN;

/// Length of a signature in hex characters.
pub const SIGNATURE_HEX_LEN: usize = 2 * MAC_LEN;

/// A signature as 64 lowercase hex ASCII bytes; no allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HexSignature([u8; SIGNATURE_HEX_LEN]);

impl HexSignature {
    /// Returns the signature as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only encode_hex builds a HexSignature, and it writes ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Returns the signature as ASCII bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; SIGNATURE_HEX_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for HexSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HexSignature(..)")
    }
}

pub(crate) fn encode_hex(bytes: &[u8; MAC_LEN]) -> HexSignature {
    let mut out = [0u8; SIGNATURE_HEX_LEN];
    // The output buffer is exactly twice the input, so encoding cannot fail.
    let _ = const_hex::encode_to_slice(bytes, &mut out);
    HexSignature(out)
}

/// Checks that `signature` is exactly 64 ASCII hex characters (either case)
/// and decodes it. The signature is public, so these checks may branch on it.
pub(crate) fn decode_signature(signature: &[u8]) -> Result<[u8; MAC_LEN], Error> {
    let fail = |reason| Err(Error::VerificationFailed(reason));
    if signature.is_empty() {
        return Err(Error::IdentityMissing(MissingPart::Signature));
    }
    if !signature.is_ascii() {
        return fail(FailureReason::NonAscii);
    }
    // The two scans below read every byte instead of stopping at the first
    // match, so the compiler can vectorise them. The signature is public,
    // so only their cost matters, not their timing.
    if signature
        .iter()
        .fold(false, |found, byte| found | byte.is_ascii_whitespace())
    {
        return fail(FailureReason::Whitespace);
    }
    if signature.starts_with(b"0x") || signature.starts_with(b"0X") {
        return fail(FailureReason::HexPrefix);
    }
    if signature.len() != SIGNATURE_HEX_LEN {
        return fail(FailureReason::Length(signature.len()));
    }
    if !signature
        .iter()
        .fold(true, |all_hex, byte| all_hex & byte.is_ascii_hexdigit())
    {
        return fail(FailureReason::NotHex);
    }

    let mut decoded = [0u8; MAC_LEN];
    const_hex::decode_to_slice(signature, &mut decoded)
        .map_err(|_| Error::VerificationFailed(FailureReason::NotHex))?;
    Ok(decoded)
}
