//! The opaque keyring: building, signing, verifying and freeing it.

use std::ffi::{CString, c_char};
use std::ptr;
use std::time::SystemTime;

use pexelize_identity::Keyring;

use crate::boundary::*;
use crate::status::pexelize_status::*;
use crate::status::*;

/// A set of keys to sign and verify identities with: one current key, any
/// number of previous keys accepted until their window ends, and retired keys
/// whose signatures are reported as expired.
pub struct pexelize_keyring {
    pub(crate) keyring: Keyring,
    /// NUL-terminated copies of the key ids, in keyring order. Each `CString`
    /// keeps its heap buffer when the vector grows, so a `matched_key_id`
    /// pointer stays valid until the keyring is freed.
    pub(crate) key_ids: Vec<CString>,
}

/// Adds the id of the key that was pushed last to `ring.key_ids`.
pub(crate) fn remember_last_key_id(ring: &mut pexelize_keyring) -> Result<(), pexelize_status> {
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
