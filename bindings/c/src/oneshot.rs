//! One-shot functions that take the key on every call, and key generation.

use std::ffi::c_char;

use pexelize_identity::{SIGNATURE_HEX_LEN, generate_identity_signature, generate_security_key};

use crate::boundary::*;
use crate::status::pexelize_status::*;
use crate::status::*;

/// Signs `user_id` with `key`: writes the lowercase hex HMAC-SHA256 and a
/// NUL terminator to `out`.
///
/// `out` must have room for `PEXELIZE_SIGNATURE_BUFFER_LEN` bytes. The
/// library cannot check the size of a buffer, so a shorter one is a bug of
/// the caller. `out` is written only when the call returns `PEXELIZE_OK`.
/// The user ID is used as raw bytes and may contain NUL bytes. An empty user
/// ID is signed too, although verifying it always gives
/// `PEXELIZE_IDENTITY_MISSING`.
///
/// NULL: `key` or `user_id` may be NULL only with a length of 0, which means
/// an empty key or user ID. `out` must not be NULL.
///
/// Returns:
/// - `PEXELIZE_OK` when `out` contains the signature.
/// - `PEXELIZE_INVALID_ARGUMENT` when the key is empty, `out` is NULL, or
///   `key` or `user_id` is NULL with a non-zero length.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `key` and `user_id` point to `key_len` and `user_id_len`
/// readable bytes; `out` has room for `PEXELIZE_SIGNATURE_BUFFER_LEN` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_generate_identity_signature(
    key: *const u8,
    key_len: usize,
    user_id: *const u8,
    user_id_len: usize,
    out: *mut c_char,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees `key_len` readable bytes at `key`.
        let key = unsafe { byte_slice(key, key_len) }?;
        // SAFETY: the caller guarantees `user_id_len` readable bytes at `user_id`.
        let user_id = unsafe { byte_slice(user_id, user_id_len) }?;
        if out.is_null() {
            return Err(PEXELIZE_INVALID_ARGUMENT);
        }

        let signature =
            generate_identity_signature(user_id, key).map_err(|error| status_of(&error))?;

        // SAFETY: `out` is not NULL and the caller guarantees room for the 64
        // characters and the terminator.
        unsafe { write_c_string(signature.as_bytes(), out) };
        Ok(())
    })
}

/// Verifies that `signature` is the HMAC-SHA256 of `user_id` under `key`.
///
/// Exactly `signature_len` bytes of `signature` are read, so it need not be
/// NUL-terminated. They must be 64 hex characters in lowercase or uppercase,
/// and a NUL counted in `signature_len` makes them invalid. Anything else
/// (whitespace, a `0x` prefix, 63 or 65 characters, non-ASCII bytes) fails.
/// The comparison runs in constant time.
///
/// NULL: `key`, `user_id` and `signature` may be NULL only with a length of
/// 0, which means an empty key, user ID or signature.
///
/// Returns:
/// - `PEXELIZE_OK` when the signature is valid.
/// - `PEXELIZE_IDENTITY_VERIFICATION_FAILED` when it is not 64 hex
///   characters or does not match.
/// - `PEXELIZE_IDENTITY_MISSING` when the user ID or the signature is empty.
/// - `PEXELIZE_INVALID_ARGUMENT` when the key is empty, or a pointer is NULL
///   with a non-zero length.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `key`, `user_id` and `signature` point to `key_len`,
/// `user_id_len` and `signature_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_verify(
    key: *const u8,
    key_len: usize,
    user_id: *const u8,
    user_id_len: usize,
    signature: *const c_char,
    signature_len: usize,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees `key_len` readable bytes at `key`.
        let key = unsafe { byte_slice(key, key_len) }?;
        // SAFETY: the caller guarantees `user_id_len` readable bytes at `user_id`.
        let user_id = unsafe { byte_slice(user_id, user_id_len) }?;
        // SAFETY: the caller guarantees `signature_len` readable bytes at `signature`.
        let signature = unsafe { byte_slice(signature.cast::<u8>(), signature_len) }?;

        pexelize_identity::verify(user_id, signature, key).map_err(|error| status_of(&error))
    })
}

/// Generates a new security key: 32 random bytes from the operating system's
/// CSPRNG, written to `out` as 64 lowercase hex characters and a NUL. The
/// hex text itself is the key, so pass those 64 bytes as `key`.
///
/// `out` must have room for `PEXELIZE_SIGNATURE_BUFFER_LEN` bytes and is
/// written only on `PEXELIZE_OK`.
///
/// NULL: `out` must not be NULL.
///
/// Returns:
/// - `PEXELIZE_OK` when `out` contains the key.
/// - `PEXELIZE_INVALID_ARGUMENT` when `out` is NULL.
/// - `PEXELIZE_INTERNAL_ERROR` when the random number generator failed.
///
/// # Safety
///
/// Non-NULL `out` has room for `PEXELIZE_SIGNATURE_BUFFER_LEN` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_generate_security_key(out: *mut c_char) -> pexelize_status {
    run(|| {
        if out.is_null() {
            return Err(PEXELIZE_INVALID_ARGUMENT);
        }

        let key = generate_security_key().map_err(|error| status_of(&error))?;
        if key.len() != SIGNATURE_HEX_LEN {
            return Err(PEXELIZE_INTERNAL_ERROR);
        }

        // SAFETY: `out` is not NULL, the caller guarantees room for
        // PEXELIZE_SIGNATURE_BUFFER_LEN bytes, and the key is 64 bytes long.
        unsafe { write_c_string(key.as_bytes(), out) };
        Ok(())
    })
}
