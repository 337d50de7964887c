//! The C API of pexelize-identity.
//!
//! Every export converts C arguments to Rust types, calls the core crate and
//! maps its `Error` to a [`pexelize_status`] through `status::status_of`. No
//! panic crosses the boundary: each export runs inside `catch_unwind` and returns
//! `PEXELIZE_INTERNAL_ERROR` (or a fixed string) when the body panics. Output
//! pointers are written only when the call succeeds, except the rejection
//! detail of `pexelize_keyring_verify_detail`.
//!
//! The header `include/pexelize_identity.h` is generated from these modules
//! by cbindgen, so the doc comments of the exports are the C documentation.

#![allow(non_camel_case_types)]

mod boundary;
mod keyring;
mod oneshot;
mod stats;
mod status;

pub use keyring::*;
pub use oneshot::*;
pub use stats::*;
pub use status::*;

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, c_uint};

    use pexelize_identity::{Code, Error, FailureReason, MissingPart};

    use super::*;
    use crate::boundary::run;
    use crate::status::detail_of;
    use crate::status::pexelize_status::*;

    #[test]
    fn guard_turns_panic_into_internal_error() {
        let status = run(|| panic!("simulated bug"));
        assert_eq!(status, PEXELIZE_INTERNAL_ERROR);
    }

    #[test]
    fn details_match_core_names() {
        let reasons = [
            FailureReason::Mismatch,
            FailureReason::NonAscii,
            FailureReason::Whitespace,
            FailureReason::HexPrefix,
            FailureReason::Length(63),
            FailureReason::NotHex,
        ];
        for reason in reasons {
            let detail = detail_of(&Error::VerificationFailed(reason));
            assert_eq!(
                detail.and_then(|text| text.to_str().ok()),
                Some(reason.as_str())
            );
        }
        for part in [
            MissingPart::Identity,
            MissingPart::UserId,
            MissingPart::Signature,
        ] {
            let detail = detail_of(&Error::IdentityMissing(part));
            assert_eq!(
                detail.and_then(|text| text.to_str().ok()),
                Some(part.as_str())
            );
        }
        assert_eq!(detail_of(&Error::RandomUnavailable), None);
    }

    #[test]
    fn status_codes_match_core_codes() {
        let cases = [
            (
                Code::VerificationFailed,
                PEXELIZE_IDENTITY_VERIFICATION_FAILED,
            ),
            (Code::SignatureExpired, PEXELIZE_IDENTITY_SIGNATURE_EXPIRED),
            (Code::IdentityMissing, PEXELIZE_IDENTITY_MISSING),
            (Code::InvalidArgument, PEXELIZE_INVALID_ARGUMENT),
            (Code::Internal, PEXELIZE_INTERNAL_ERROR),
        ];
        for (code, status) in cases {
            // SAFETY: pexelize_status_code returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(pexelize_status_code(status as c_uint)) };
            assert_eq!(text.to_str(), Ok(code.as_str()));
        }
    }
}
