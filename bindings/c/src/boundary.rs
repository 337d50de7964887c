//! The panic boundary and the conversions of C arguments shared by every
//! export.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::time::SystemTime;

use pexelize_identity::{SecurityKey, from_unix_seconds};

use crate::status::pexelize_status::*;
use crate::status::*;

/// Runs `body`, turning a panic into `on_panic` so that no unwind reaches C.
pub(crate) fn guard<T>(on_panic: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Runs a fallible `body` inside [`guard`] and returns its status.
pub(crate) fn run(body: impl FnOnce() -> Result<(), pexelize_status>) -> pexelize_status {
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
pub(crate) unsafe fn byte_slice<'a>(
    data: *const u8,
    len: usize,
) -> Result<&'a [u8], pexelize_status> {
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
pub(crate) unsafe fn optional_key_id<'a>(
    key_id: *const c_char,
) -> Result<Option<&'a str>, pexelize_status> {
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
pub(crate) unsafe fn security_key(
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
pub(crate) fn unix_time(
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
pub(crate) unsafe fn write_c_string(text: &[u8], out: *mut c_char) {
    // SAFETY: the caller guarantees room for the text and its terminator,
    // and a buffer of the caller's cannot overlap a Rust value.
    unsafe {
        ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), text.len());
        out.add(text.len()).write(0);
    }
}
