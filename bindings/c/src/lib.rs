//! The C API of pexelize-identity.
//!
//! Every export converts C arguments to Rust types, calls the core crate and
//! maps its [`Error`] to a [`pexelize_status`] through [`status_of`]. No panic
//! crosses the boundary: each export runs inside [`catch_unwind`] and returns
//! `PEXELIZE_INTERNAL_ERROR` (or a fixed string) when the body panics. Output
//! pointers are written only when the call succeeds, except the rejection
//! detail of `pexelize_keyring_verify_detail`.
//!
//! The header `include/pexelize_identity.h` is generated from this file by
//! cbindgen, so the doc comments of the exports are the C documentation.

#![allow(non_camel_case_types)]

use std::ffi::{CStr, CString, c_char, c_uint};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::time::SystemTime;

use pexelize_identity::{
    Code, Error, FailureReason, Keyring, MissingPart, SIGNATURE_HEX_LEN, SecurityKey,
    from_unix_seconds, generate_identity_signature, generate_security_key,
};

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
    PEXELIZE_OK,
};

/// A status as C passes it in. The header shows it as `pexelize_status`,
/// but a C caller may pass any number, and a Rust enum containing a number
/// outside its variants is undefined behaviour, so the value arrives as an
/// integer of the same size.
pub type StatusValue = c_uint;

/// A set of keys to sign and verify identities with: one current key, any
/// number of previous keys accepted until their window ends, and retired keys
/// whose signatures are reported as expired.
pub struct pexelize_keyring {
    keyring: Keyring,
    /// NUL-terminated copies of the key ids, in keyring order. Each `CString`
    /// keeps its heap buffer when the vector grows, so a `matched_key_id`
    /// pointer stays valid until the keyring is freed.
    key_ids: Vec<CString>,
}

/// Maps a core error to its status; the one place where that mapping lives.
fn status_of(error: &Error) -> pexelize_status {
    match error.code() {
        Code::VerificationFailed => PEXELIZE_IDENTITY_VERIFICATION_FAILED,
        Code::SignatureExpired => PEXELIZE_IDENTITY_SIGNATURE_EXPIRED,
        Code::IdentityMissing => PEXELIZE_IDENTITY_MISSING,
        Code::InvalidArgument => PEXELIZE_INVALID_ARGUMENT,
        _ => PEXELIZE_INTERNAL_ERROR,
    }
}

/// Runs `body`, turning a panic into `on_panic` so that no unwind reaches C.
fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Runs a fallible `body` inside [`guard`] and returns its status.
fn run(body: impl FnOnce() -> Result<(), pexelize_status>) -> pexelize_status {
    guard(PEXELIZE_INTERNAL_ERROR, || match body() {
        Ok(()) => PEXELIZE_OK,
        Err(status) => status,
    })
}

/// Views `len` bytes at `data` as a slice. NULL with length 0 is the empty
/// slice; NULL with any other length is `PEXELIZE_INVALID_ARGUMENT`.
///
/// # Safety
///
/// When `data` is not NULL it must point to `len` readable bytes that stay
/// unchanged for `'a`.
unsafe fn byte_slice<'a>(data: *const u8, len: usize) -> Result<&'a [u8], pexelize_status> {
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(PEXELIZE_INVALID_ARGUMENT)
        };
    }
    if len > isize::MAX as usize {
        return Err(PEXELIZE_INVALID_ARGUMENT);
    }
    // SAFETY: `data` is not NULL, the caller guarantees `len` readable bytes
    // behind it, and `len` fits in `isize` as `from_raw_parts` requires.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Reads an optional key id: NULL means "use the default id".
///
/// # Safety
///
/// When `key_id` is not NULL it must point to a NUL-terminated string.
unsafe fn optional_key_id<'a>(key_id: *const c_char) -> Result<Option<&'a str>, pexelize_status> {
    if key_id.is_null() {
        return Ok(None);
    }
    // SAFETY: `key_id` is not NULL and the caller guarantees a NUL terminator.
    let text = unsafe { CStr::from_ptr(key_id) };
    text.to_str()
        .map(Some)
        .map_err(|_| PEXELIZE_INVALID_ARGUMENT)
}

/// Builds a key from C arguments, with its id when one is given.
///
/// # Safety
///
/// As [`byte_slice`] for `key`/`key_len` and [`optional_key_id`] for `key_id`.
unsafe fn security_key(
    key: *const u8,
    key_len: usize,
    key_id: *const c_char,
) -> Result<SecurityKey, pexelize_status> {
    // SAFETY: forwarded from this function's own contract.
    let secret = unsafe { byte_slice(key, key_len) }?;
    // SAFETY: forwarded from this function's own contract.
    let id = unsafe { optional_key_id(key_id) }?;

    let key = SecurityKey::new(secret).map_err(|error| status_of(&error))?;
    match id {
        Some(id) => key.with_id(id).map_err(|error| status_of(&error)),
        None => Ok(key),
    }
}

/// Converts seconds since the Unix epoch; 0 means `default`.
fn unix_time(
    seconds: i64,
    name: &str,
    default: impl FnOnce() -> Option<SystemTime>,
) -> Result<Option<SystemTime>, pexelize_status> {
    if seconds == 0 {
        return Ok(default());
    }
    from_unix_seconds(seconds, name)
        .map(Some)
        .map_err(|error| status_of(&error))
}

/// Copies `text` and a NUL terminator to `out`.
///
/// # Safety
///
/// `out` must not be NULL and must have room for `text.len() + 1` bytes.
unsafe fn write_c_string(text: &[u8], out: *mut c_char) {
    // SAFETY: the caller guarantees room for the text and its terminator,
    // and a buffer of the caller's cannot overlap a Rust value.
    unsafe {
        ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), text.len());
        out.add(text.len()).write(0);
    }
}

/// Adds the id of the key that was pushed last to `ring.key_ids`.
fn remember_last_key_id(ring: &mut pexelize_keyring) -> Result<(), pexelize_status> {
    let id = ring
        .keyring
        .keys()
        .last()
        .and_then(|(key, _)| key.id())
        .unwrap_or_default();
    // Key ids contain no control character, NUL included, so this cannot fail.
    let id = CString::new(id).map_err(|_| PEXELIZE_INTERNAL_ERROR)?;
    ring.key_ids.push(id);
    Ok(())
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

/// Creates a keyring whose current key is `key`, and stores it in `*out`.
///
/// `key_id` is the NUL-terminated UTF-8 id that verification reports when
/// this key matches: 1 to 128 bytes with no control character. NULL gives
/// the default id `"current"`. The key bytes are copied into the keyring's
/// precomputed HMAC state, so the caller may wipe `key` after the call.
/// Free the keyring with `pexelize_keyring_free`.
///
/// NULL: `key` may be NULL only with `key_len` 0, which is an empty key.
/// `key_id` may be NULL. `out` must not be NULL. `*out` is written only on
/// `PEXELIZE_OK`.
///
/// Returns:
/// - `PEXELIZE_OK` when `*out` contains the new keyring.
/// - `PEXELIZE_INVALID_ARGUMENT` when the key is empty, `key_id` is empty,
///   too long, not UTF-8 or contains a control character, `out` is NULL, or
///   `key` is NULL with a non-zero length.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `key` points to `key_len` readable bytes, non-NULL `key_id` to a
/// NUL-terminated string, and non-NULL `out` to writable storage for a
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_new(
    key: *const u8,
    key_len: usize,
    key_id: *const c_char,
    out: *mut *mut pexelize_keyring,
) -> pexelize_status {
    run(|| {
        // SAFETY: forwarded from this function's contract on `key` and `key_id`.
        let current = unsafe { security_key(key, key_len, key_id) }?;
        if out.is_null() {
            return Err(PEXELIZE_INVALID_ARGUMENT);
        }

        let keyring = Keyring::new(current).map_err(|error| status_of(&error))?;
        let mut ring = pexelize_keyring {
            keyring,
            key_ids: Vec::new(),
        };
        remember_last_key_id(&mut ring)?;

        // SAFETY: `out` is not NULL and the caller guarantees it is writable.
        unsafe { out.write(Box::into_raw(Box::new(ring))) };
        Ok(())
    })
}

/// Adds a previous key to `ring`: it verifies signatures until
/// `accept_until_unix` (seconds since the Unix epoch, exclusive), or forever
/// when `accept_until_unix` is 0. After that, its signatures give
/// `PEXELIZE_IDENTITY_SIGNATURE_EXPIRED`.
///
/// `key_id` is as in `pexelize_keyring_new`; NULL gives the default id
/// `"previous"`, then `"previous-2"` and so on.
///
/// Not thread-safe: no other call may use `ring` at the same time.
///
/// NULL: `ring` must not be NULL. `key` may be NULL only with `key_len` 0,
/// which is an empty key. `key_id` may be NULL.
///
/// Returns:
/// - `PEXELIZE_OK` when the key was added.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` is NULL, the key is empty, the
///   id is invalid or already used in `ring`, `accept_until_unix` is out of
///   the platform's clock range (every `int64_t` fits on Linux), or `key` is
///   NULL with a non-zero length. `ring` is then unchanged.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// `key` and `key_id` are as in `pexelize_keyring_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_add_previous(
    ring: *mut pexelize_keyring,
    key: *const u8,
    key_len: usize,
    key_id: *const c_char,
    accept_until_unix: i64,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring and no concurrent use.
        let ring = unsafe { ring.as_mut() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        // SAFETY: forwarded from this function's contract on `key` and `key_id`.
        let mut previous = unsafe { security_key(key, key_len, key_id) }?;
        if let Some(until) = unix_time(accept_until_unix, "accept_until_unix", || None)? {
            previous = previous.with_accept_until(until);
        }

        ring.keyring
            .add_previous(previous)
            .map_err(|error| status_of(&error))?;
        remember_last_key_id(ring)
    })
}

/// Adds a retired key to `ring`: it verifies nothing, but a signature it made
/// gives `PEXELIZE_IDENTITY_SIGNATURE_EXPIRED` in place of
/// `PEXELIZE_IDENTITY_VERIFICATION_FAILED`.
///
/// `key_id` is as in `pexelize_keyring_new`; NULL gives the default id
/// `"retired"`, then `"retired-2"` and so on.
///
/// Not thread-safe: no other call may use `ring` at the same time.
///
/// NULL: `ring` must not be NULL. `key` may be NULL only with `key_len` 0,
/// which is an empty key. `key_id` may be NULL.
///
/// Returns:
/// - `PEXELIZE_OK` when the key was added.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` is NULL, the key is empty, the
///   id is invalid or already used in `ring`, or `key` is NULL with a
///   non-zero length. `ring` is then unchanged.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// As `pexelize_keyring_add_previous`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_add_retired(
    ring: *mut pexelize_keyring,
    key: *const u8,
    key_len: usize,
    key_id: *const c_char,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring and no concurrent use.
        let ring = unsafe { ring.as_mut() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        // SAFETY: forwarded from this function's contract on `key` and `key_id`.
        let retired = unsafe { security_key(key, key_len, key_id) }?;

        ring.keyring
            .add_retired(retired)
            .map_err(|error| status_of(&error))?;
        remember_last_key_id(ring)
    })
}

/// Signs `user_id` with the current key of `ring`; `out` receives the
/// signature as in `pexelize_generate_identity_signature`, whose buffer
/// contract applies.
///
/// Thread-safe: many threads may sign and verify with one keyring at once.
///
/// NULL: `ring` and `out` must not be NULL. `user_id` may be NULL only with
/// `user_id_len` 0, which is an empty user ID.
///
/// Returns:
/// - `PEXELIZE_OK` when `out` contains the signature.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` or `out` is NULL, or `user_id`
///   is NULL with a non-zero length.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// non-NULL `user_id` points to `user_id_len` readable bytes; `out` has room
/// for `PEXELIZE_SIGNATURE_BUFFER_LEN` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_sign(
    ring: *const pexelize_keyring,
    user_id: *const u8,
    user_id_len: usize,
    out: *mut c_char,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring; signing only reads it.
        let ring = unsafe { ring.as_ref() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        // SAFETY: the caller guarantees `user_id_len` readable bytes at `user_id`.
        let user_id = unsafe { byte_slice(user_id, user_id_len) }?;
        if out.is_null() {
            return Err(PEXELIZE_INVALID_ARGUMENT);
        }

        let signature = ring.keyring.sign_hex(user_id);

        // SAFETY: `out` is not NULL and the caller guarantees room for the 64
        // characters and the terminator.
        unsafe { write_c_string(signature.as_bytes(), out) };
        Ok(())
    })
}

/// Verifies `signature` for `user_id` against every key of `ring`, in
/// constant time; `signature` is as in `pexelize_verify`.
///
/// `now_unix` is the clock, in seconds since the Unix epoch, that decides
/// whether a previous key's window has ended; 0 means the system clock.
/// When the call returns `PEXELIZE_OK` and `matched_key_id` is not NULL,
/// `*matched_key_id` receives the NUL-terminated id of the key that matched.
/// That string belongs to `ring` and stays valid until
/// `pexelize_keyring_free`. On any other status `*matched_key_id` is left
/// unchanged.
///
/// Thread-safe: many threads may sign and verify with one keyring at once.
/// The keyring counts outcomes with atomic counters.
///
/// NULL: `ring` must not be NULL. `user_id` and `signature` may be NULL only
/// with a length of 0, which means empty. `matched_key_id` may be NULL.
///
/// Returns:
/// - `PEXELIZE_OK` when a current key, or a previous key inside its window,
///   made the signature.
/// - `PEXELIZE_IDENTITY_VERIFICATION_FAILED` when the signature is not 64
///   hex characters or no key of `ring` made it.
/// - `PEXELIZE_IDENTITY_SIGNATURE_EXPIRED` when a retired key made it, or a
///   previous key whose window ended at or before `now_unix`.
/// - `PEXELIZE_IDENTITY_MISSING` when the user ID or the signature is empty.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` is NULL, a pointer is NULL with
///   a non-zero length, or `now_unix` is out of the platform's clock range
///   (every `int64_t` fits on Linux).
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// non-NULL `user_id` and `signature` point to `user_id_len` and
/// `signature_len` readable bytes; non-NULL `matched_key_id` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_verify(
    ring: *const pexelize_keyring,
    user_id: *const u8,
    user_id_len: usize,
    signature: *const c_char,
    signature_len: usize,
    now_unix: i64,
    matched_key_id: *mut *const c_char,
) -> pexelize_status {
    // SAFETY: forwarded from this function's contract, which is the same as
    // `pexelize_keyring_verify_detail`'s with a NULL `detail`.
    unsafe {
        pexelize_keyring_verify_detail(
            ring,
            user_id,
            user_id_len,
            signature,
            signature_len,
            now_unix,
            matched_key_id,
            ptr::null_mut(),
        )
    }
}

/// Verifies as `pexelize_keyring_verify` does, and also names why an
/// identity was rejected, for logs and metrics.
///
/// When the call returns `PEXELIZE_IDENTITY_VERIFICATION_FAILED`,
/// `PEXELIZE_IDENTITY_SIGNATURE_EXPIRED` or `PEXELIZE_IDENTITY_MISSING` and
/// `detail` is not NULL, `*detail` receives a static NUL-terminated string:
/// - for a failed signature, `"mismatch"` (well formed, but no key made it),
///   `"non-ascii"`, `"whitespace"`, `"prefix"` (starts with `0x`),
///   `"length"` (not 64 characters) or `"not-hex"`;
/// - for an expired one, `"expired"`;
/// - for a missing part, `"userId"` or `"signature"`.
///
/// On any other status `*detail` is left unchanged. The detail never
/// contains key material or the signature.
///
/// Thread-safe, with the same NULL rules and statuses as
/// `pexelize_keyring_verify`; `detail` may be NULL.
///
/// # Safety
///
/// As `pexelize_keyring_verify`; non-NULL `detail` is writable.
#[allow(clippy::too_many_arguments)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_verify_detail(
    ring: *const pexelize_keyring,
    user_id: *const u8,
    user_id_len: usize,
    signature: *const c_char,
    signature_len: usize,
    now_unix: i64,
    matched_key_id: *mut *const c_char,
    detail: *mut *const c_char,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring; verifying only reads
        // it, apart from atomic counters.
        let ring = unsafe { ring.as_ref() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        // SAFETY: the caller guarantees `user_id_len` readable bytes at `user_id`.
        let user_id = unsafe { byte_slice(user_id, user_id_len) }?;
        // SAFETY: the caller guarantees `signature_len` readable bytes at `signature`.
        let signature = unsafe { byte_slice(signature.cast::<u8>(), signature_len) }?;
        let now = unix_time(now_unix, "now_unix", || Some(SystemTime::now()))?
            .ok_or(PEXELIZE_INTERNAL_ERROR)?;

        let verified = ring
            .keyring
            .verify_at(user_id, signature, now)
            .map_err(|error| {
                if let Some(text) = detail_of(&error).filter(|_| !detail.is_null()) {
                    // SAFETY: `detail` is not NULL and the caller guarantees
                    // it is writable; the text is static.
                    unsafe { detail.write(text.as_ptr()) };
                }
                status_of(&error)
            })?;
        let id = ring
            .key_ids
            .iter()
            .find(|id| id.to_bytes() == verified.key_id.as_bytes())
            .ok_or(PEXELIZE_INTERNAL_ERROR)?;

        if !matched_key_id.is_null() {
            // SAFETY: `matched_key_id` is not NULL and the caller guarantees
            // it is writable; the id lives in `ring`.
            unsafe { matched_key_id.write(id.as_ptr()) };
        }
        Ok(())
    })
}

/// Names why an identity was rejected, or returns `None` for an error that
/// is not about the identity.
fn detail_of(error: &Error) -> Option<&'static CStr> {
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

/// Verification counts of a keyring since it was built, by outcome.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct pexelize_keyring_stats {
    /// Verifications that returned `PEXELIZE_OK`.
    pub valid: u64,
    /// Verifications that returned `PEXELIZE_IDENTITY_VERIFICATION_FAILED`.
    pub failed: u64,
    /// Verifications that returned `PEXELIZE_IDENTITY_SIGNATURE_EXPIRED`.
    pub expired: u64,
    /// Verifications that returned `PEXELIZE_IDENTITY_MISSING`.
    pub missing: u64,
    /// Number of keys in the keyring; valid indexes for
    /// `pexelize_keyring_get_key_stats` are 0 to `key_count - 1`.
    pub key_count: usize,
}

/// Copies the verification counts of `ring` to `*out`, so an operator can
/// see how many identities failed or expired.
///
/// Calls that returned `PEXELIZE_INVALID_ARGUMENT` or
/// `PEXELIZE_INTERNAL_ERROR` before verifying are not counted.
///
/// Thread-safe: it may run while other threads verify. Each counter is read
/// atomically, but the counters are not read at one instant, so under
/// concurrent verification they may be a few verifications apart.
///
/// NULL: `ring` and `out` must not be NULL. `*out` is written only on
/// `PEXELIZE_OK`.
///
/// Returns:
/// - `PEXELIZE_OK` when `*out` contains the counts.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` or `out` is NULL.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// non-NULL `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_get_stats(
    ring: *const pexelize_keyring,
    out: *mut pexelize_keyring_stats,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring; reading stats only
        // loads atomic counters.
        let ring = unsafe { ring.as_ref() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        if out.is_null() {
            return Err(PEXELIZE_INVALID_ARGUMENT);
        }

        let stats = ring.keyring.stats();
        let counts = pexelize_keyring_stats {
            valid: stats.valid,
            failed: stats.failed,
            expired: stats.expired,
            missing: stats.missing,
            key_count: stats.by_key.len(),
        };

        // SAFETY: `out` is not NULL and the caller guarantees it is writable.
        unsafe { out.write(counts) };
        Ok(())
    })
}

/// Reports the key at `index` of `ring` (0 is the current key, then the
/// others in the order they were added): its id and how many signatures it
/// produced, whether they were accepted or expired. A previous key whose
/// count stops growing is no longer presented and can be retired.
///
/// `*key_id` receives a NUL-terminated string that belongs to `ring` and
/// stays valid until `pexelize_keyring_free`.
///
/// Thread-safe: it may run while other threads verify.
///
/// NULL: `ring` must not be NULL. `key_id` and `matches` may be NULL, and
/// that output is then skipped. Outputs are written only on `PEXELIZE_OK`.
///
/// Returns:
/// - `PEXELIZE_OK` when the outputs contain the key's id and count.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` is NULL or `index` is not below
///   `key_count` of `pexelize_keyring_get_stats`.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// non-NULL `key_id` and `matches` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_get_key_stats(
    ring: *const pexelize_keyring,
    index: usize,
    key_id: *mut *const c_char,
    matches: *mut u64,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring; reading stats only
        // loads atomic counters.
        let ring = unsafe { ring.as_ref() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;

        let stats = ring.keyring.stats();
        let (id, count) = stats.by_key.get(index).ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        let c_id = ring
            .key_ids
            .get(index)
            .filter(|c_id| c_id.to_bytes() == id.as_bytes())
            .ok_or(PEXELIZE_INTERNAL_ERROR)?;

        if !key_id.is_null() {
            // SAFETY: `key_id` is not NULL and the caller guarantees it is
            // writable; the id lives in `ring`.
            unsafe { key_id.write(c_id.as_ptr()) };
        }
        if !matches.is_null() {
            // SAFETY: `matches` is not NULL and the caller guarantees it is
            // writable.
            unsafe { matches.write(*count) };
        }
        Ok(())
    })
}

/// Frees `ring` and zeroes its key material. NULL is a no-op.
///
/// Not thread-safe: no other call may use `ring` at the same time or after.
/// Every `matched_key_id` string of `ring` becomes invalid.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is freed only once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_free(ring: *mut pexelize_keyring) {
    guard((), || {
        if !ring.is_null() {
            // SAFETY: `ring` came from `Box::into_raw` in `pexelize_keyring_new`
            // and the caller frees it only once.
            drop(unsafe { Box::from_raw(ring) });
        }
    });
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

#[cfg(test)]
mod tests {
    use super::*;

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
