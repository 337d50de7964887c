//! Reading JS strings and byte arrays without the default conversions.
//!
//! napi-rs converts a `String` argument with two calls and a heap allocation.
//! Short user IDs and signatures are read here into a stack buffer in one
//! `napi_get_value_string_utf8` call, and a `Uint8Array` is borrowed in
//! place, which keeps a sign or verify call a few hundred nanoseconds long.

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::{JsValue, Unknown};
use napi::sys;
use pexelize_identity::{Error, HexSignature, SIGNATURE_HEX_LEN};

/// Size of the stack buffer for strings. A string whose UTF-8 form may not
/// fit (with the NUL that napi writes) is read again into a heap buffer.
const STACK_BUFFER_LEN: usize = 256;

/// Maximum length of one character in UTF-8. A truncated read can stop this
/// many bytes short of the buffer end, because napi never splits a character.
const MAX_UTF8_CHAR_LEN: usize = 4;

/// A JS value of the current call with its environment.
#[derive(Clone, Copy)]
pub struct RawValue {
    env: sys::napi_env,
    value: sys::napi_value,
}

impl RawValue {
    /// Pairs a value with its environment.
    ///
    /// # Safety
    ///
    /// `env` must be the environment of the current napi call and `value` a
    /// value of that call, and the pair must not outlive the call.
    pub unsafe fn new(env: sys::napi_env, value: sys::napi_value) -> Self {
        Self { env, value }
    }

    /// Returns the environment of the call.
    pub fn env(self) -> sys::napi_env {
        self.env
    }

    /// Returns the value.
    pub fn raw(self) -> sys::napi_value {
        self.value
    }
}

impl From<&Unknown<'_>> for RawValue {
    fn from(value: &Unknown<'_>) -> Self {
        Self {
            env: value.value().env,
            value: value.raw(),
        }
    }
}

/// Calls `f` with the bytes of `value`: the UTF-8 form of a string, or the
/// contents of a `Uint8Array`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `what` when `value` is neither. The JS
/// layer checks types first and names the type received, so this only
/// guards against a caller that bypasses it.
pub fn with_bytes<R>(
    value: impl Into<RawValue>,
    what: &str,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, Error> {
    // Reading as a string first saves a napi_typeof call on the common path;
    // napi reports a non-string without throwing.
    with_string_bytes(value.into(), what, f)
}

fn not_bytes(what: &str) -> Error {
    Error::InvalidArgument(format!("{what} must be a string or a Uint8Array"))
}

fn with_string_bytes<R>(raw: RawValue, what: &str, f: impl FnOnce(&[u8]) -> R) -> Result<R, Error> {
    let mut stack = [0u8; STACK_BUFFER_LEN];
    let mut length = 0usize;
    // SAFETY: the buffer pointer and its size describe `stack`, and napi
    // writes at most `STACK_BUFFER_LEN` bytes into it, NUL included.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            raw.env,
            raw.value,
            stack.as_mut_ptr().cast(),
            STACK_BUFFER_LEN,
            &mut length,
        )
    };
    if status == sys::Status::napi_string_expected {
        // SAFETY: `f` runs, and the slice is dropped, before this returns.
        return match unsafe { uint8_array(raw) } {
            Some(bytes) => Ok(f(bytes)),
            None => Err(not_bytes(what)),
        };
    }
    if status != sys::Status::napi_ok {
        return Err(not_bytes(what));
    }
    if length + MAX_UTF8_CHAR_LEN < STACK_BUFFER_LEN {
        return Ok(f(&stack[..length]));
    }

    // The string may have been cut short: ask for its full length, then read
    // it into a heap buffer of that size.
    // SAFETY: with a null buffer, napi writes only the length to `length`.
    let status = unsafe {
        sys::napi_get_value_string_utf8(raw.env, raw.value, ptr::null_mut(), 0, &mut length)
    };
    if status != sys::Status::napi_ok {
        return Err(not_bytes(what));
    }
    let mut heap = vec![0u8; length + 1];
    // SAFETY: `heap` has room for `length + 1` bytes: the string and a NUL.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            raw.env,
            raw.value,
            heap.as_mut_ptr().cast(),
            heap.len(),
            &mut length,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(not_bytes(what));
    }
    Ok(f(&heap[..length]))
}

/// Borrows the contents of `raw` when it is a `Uint8Array`.
///
/// # Safety
///
/// The caller must not use the slice after the current napi call returns.
unsafe fn uint8_array<'a>(raw: RawValue) -> Option<&'a [u8]> {
    let mut is_typed_array = false;
    // SAFETY: `raw` comes from the current call, the out-pointer is valid.
    let status = unsafe { sys::napi_is_typedarray(raw.env, raw.value, &mut is_typed_array) };
    if status != sys::Status::napi_ok || !is_typed_array {
        return None;
    }

    let mut array_type = sys::TypedarrayType::int8_array;
    let mut length = 0usize;
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: `raw` is a typed array, checked above; napi accepts null for
    // the array buffer and offset outputs, which are not needed.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            raw.env,
            raw.value,
            &mut array_type,
            &mut length,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok || array_type != sys::TypedarrayType::uint8_array {
        return None;
    }
    if length == 0 || data.is_null() {
        return Some(&[]);
    }

    // SAFETY: napi returns the data pointer already moved by the view's byte
    // offset, and `length` is the element count of a one-byte element type.
    // The argument keeps the array alive for the rest of the call, and
    // nothing in this synchronous call can run JS that would detach it. The
    // callers use the slice only within that call.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), length) })
}

/// Creates a JS string from a hex signature.
///
/// # Errors
///
/// A napi error when the string cannot be created, such as while the
/// environment shuts down.
///
/// # Safety
///
/// `env` must be the environment of the current napi call.
pub unsafe fn hex_to_js(
    env: sys::napi_env,
    signature: &HexSignature,
) -> napi::Result<sys::napi_value> {
    let mut result = ptr::null_mut();
    let bytes = signature.as_bytes();
    // SAFETY: `bytes` is 64 ASCII hex digits, which are valid Latin-1,
    // and the length passed is their exact count.
    let status = unsafe {
        sys::napi_create_string_latin1(
            env,
            bytes.as_ptr().cast(),
            SIGNATURE_HEX_LEN as isize,
            &mut result,
        )
    };
    if status == sys::Status::napi_ok {
        Ok(result)
    } else {
        Err(napi::Error::from_reason(
            "could not create the signature string",
        ))
    }
}
