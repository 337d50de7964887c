//! Status codes: the enum that C code receives, the mapping from core
//! errors, and the strings that name each status and rejection detail.

use std::ffi::{CStr, c_char, c_uint};

use pexelize_identity::{Code, Error, FailureReason, MissingPart, SIGNATURE_HEX_LEN};

use crate::boundary::*;

/// Size in bytes of the buffer that receives a signature or a generated key:
/// 64 lowercase hex characters and a terminating NUL.
pub const PEXELIZE_SIGNATURE_BUFFER_LEN: usize = 65;

// A literal above, so that cbindgen writes the number into the header.
const _: () = assert!(PEXELIZE_SIGNATURE_BUFFER_LEN == SIGNATURE_HEX_LEN + 1);

/// Result of every call that can fail. The numbers are fixed and never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum pexelize_status {
    /// The call succeeded.
    PEXELIZE_OK = 0,
    /// No accepted key produces the signature, or the signature is not
    /// exactly 64 ASCII hex characters.
    PEXELIZE_IDENTITY_VERIFICATION_FAILED = 1,
    /// The signature was made with a retired key, or with a previous key whose
    /// window has ended.
    PEXELIZE_IDENTITY_SIGNATURE_EXPIRED = 2,
    /// The user ID or the signature is empty.
    PEXELIZE_IDENTITY_MISSING = 3,
    /// A bad argument: a NULL pointer with a non-zero length, a NULL output
    /// pointer, an empty key, an invalid key id or an out-of-range time.
    PEXELIZE_INVALID_ARGUMENT = 4,
    /// The library failed internally: the operating system's random number
    /// generator failed, or a bug was caught before it could cross into C.
    PEXELIZE_INTERNAL_ERROR = 5,
}

use pexelize_status::{
    PEXELIZE_IDENTITY_MISSING, PEXELIZE_IDENTITY_SIGNATURE_EXPIRED,
    PEXELIZE_IDENTITY_VERIFICATION_FAILED, PEXELIZE_INTERNAL_ERROR, PEXELIZE_INVALID_ARGUMENT,
};

/// A status as C passes it in. The header shows it as `pexelize_status`,
/// but a C caller may pass any number, and a Rust enum containing a number
/// outside its variants is undefined behaviour, so the value arrives as an
/// integer of the same size.
pub type StatusValue = c_uint;

/// Maps a core error to its status; the one place where that mapping lives.
pub(crate) fn status_of(error: &Error) -> pexelize_status {
    match error.code() {
        Code::VerificationFailed => PEXELIZE_IDENTITY_VERIFICATION_FAILED,
        Code::SignatureExpired => PEXELIZE_IDENTITY_SIGNATURE_EXPIRED,
        Code::IdentityMissing => PEXELIZE_IDENTITY_MISSING,
        Code::InvalidArgument => PEXELIZE_INVALID_ARGUMENT,
        _ => PEXELIZE_INTERNAL_ERROR,
    }
}

/// Returns the code string of `status`: `"OK"`,
/// `"IDENTITY_VERIFICATION_FAILED"`, `"IDENTITY_SIGNATURE_EXPIRED"`,
/// `"IDENTITY_MISSING"`, `"INVALID_ARGUMENT"` or `"INTERNAL_ERROR"`, and
/// `"UNKNOWN_STATUS"` for a number that is not a `pexelize_status`.
///
/// The string is static and NUL-terminated; never NULL, never to be freed.
#[unsafe(no_mangle)]
pub extern "C" fn pexelize_status_code(status: StatusValue) -> *const c_char {
    guard(c"INTERNAL_ERROR".as_ptr(), || {
        let code = match status {
            0 => c"OK",
            1 => c"IDENTITY_VERIFICATION_FAILED",
            2 => c"IDENTITY_SIGNATURE_EXPIRED",
            3 => c"IDENTITY_MISSING",
            4 => c"INVALID_ARGUMENT",
            5 => c"INTERNAL_ERROR",
            _ => c"UNKNOWN_STATUS",
        };
        code.as_ptr()
    })
}

/// Names why an identity was rejected, or returns `None` for an error that
/// is not about the identity.
pub(crate) fn detail_of(error: &Error) -> Option<&'static CStr> {
    let text = match error {
        Error::VerificationFailed(reason) => match reason {
            FailureReason::Mismatch => c"mismatch",
            FailureReason::NonAscii => c"non-ascii",
            FailureReason::Whitespace => c"whitespace",
            FailureReason::HexPrefix => c"prefix",
            FailureReason::Length(_) => c"length",
            FailureReason::NotHex => c"not-hex",
            _ => c"other",
        },
        Error::SignatureExpired { .. } => c"expired",
        Error::IdentityMissing(part) => match part {
            MissingPart::Identity => c"identity",
            MissingPart::UserId => c"userId",
            MissingPart::Signature => c"signature",
            _ => c"other",
        },
        _ => return None,
    };
    Some(text)
}
