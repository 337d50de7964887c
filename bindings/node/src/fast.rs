//! Sign and verify as raw Node-API callbacks.
//!
//! A `#[napi]` function with arguments opens a napi-rs borrow-tracking scope
//! on every call (napi-rs 3.16: a mutex-guarded `Arc` allocation and a
//! thread-local push), which measured about 65 ns per call here, a quarter
//! of a keyring sign. These three functions are the hot path of a server, so
//! they are registered by hand. Each still catches panics, as
//! `#[napi(catch_unwind)]` would, and maps core errors through
//! [`crate::throw`]. They borrow no napi-rs objects, so skipping the
//! tracking cannot let a borrow conflict go unnoticed.

use std::ffi::CStr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::time::SystemTime;

use napi::bindgen_prelude::{JsValue, Object, ToNapiValue};
use napi::sys;
use pexelize_identity::{Error, Keyring};

use crate::convert::{RawValue, hex_to_js, with_bytes};
use crate::{Failure, key_index, registry, throw_panic, throw_raw};

/// Maximum number of arguments of these functions.
const MAX_ARGS: usize = 4;

/// Registers the functions on the module's exports.
// NOTE: napi-rs generates declarations only for `#[napi]` items, so these three
// functions are missing from native.d.ts; index.d.ts declares the public API.
pub fn register(exports: &Object<'_>) -> napi::Result<()> {
    let functions: [(&CStr, sys::napi_callback); 3] = [
        (c"keyringSign", Some(keyring_sign)),
        (c"keyringVerify", Some(keyring_verify)),
        (c"signOnce", Some(sign_once)),
    ];
    let env = exports.value().env;
    for (name, callback) in functions {
        let mut function = ptr::null_mut();
        // SAFETY: `env` is the environment loading the module, `name` is a
        // NUL-terminated string, and `callback` is a valid napi callback.
        let status = unsafe {
            sys::napi_create_function(
                env,
                name.as_ptr(),
                name.count_bytes() as isize,
                callback,
                ptr::null_mut(),
                &mut function,
            )
        };
        check(status, "could not create a native function")?;
        // SAFETY: as above; `exports` is the module's exports object.
        let status =
            unsafe { sys::napi_set_named_property(env, exports.raw(), name.as_ptr(), function) };
        check(status, "could not export a native function")?;
    }
    Ok(())
}

fn check(status: sys::napi_status, message: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason(message))
    }
}

/// The outcome of a callback body: a value, a core error to throw, or a
/// napi failure (an exception may already be pending).
enum Outcome {
    Value(sys::napi_value),
    Core(Error),
    Napi,
}

/// Runs a callback body with its arguments, catches a panic, and turns the
/// outcome into a return value or a pending exception.
///
/// # Safety
///
/// `env` and `info` must be those of the current napi call.
unsafe fn run(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(&[RawValue; MAX_ARGS]) -> Outcome,
) -> sys::napi_value {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut argc = MAX_ARGS;
        let mut argv = [ptr::null_mut(); MAX_ARGS];
        // SAFETY: `argv` has room for `argc` values; missing arguments are
        // filled with `undefined` by napi.
        let status = unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                argv.as_mut_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if status != sys::Status::napi_ok {
            return Outcome::Napi;
        }
        // SAFETY: the values are this call's arguments.
        let args = argv.map(|value| unsafe { RawValue::new(env, value) });
        body(&args)
    }));
    match outcome {
        Ok(Outcome::Value(value)) => value,
        Ok(Outcome::Core(error)) => {
            // SAFETY: `env` is the environment of this call.
            unsafe { throw_raw(env, &error) };
            ptr::null_mut()
        }
        Ok(Outcome::Napi) => ptr::null_mut(),
        Err(_) => {
            // SAFETY: `env` is the environment of this call.
            unsafe { throw_panic(env) };
            ptr::null_mut()
        }
    }
}

/// Reads a keyring handle made by `keyringNew` or `keyringFromValues`.
fn handle_of(handle: RawValue) -> Result<u32, Error> {
    let mut value = 0u32;
    // SAFETY: `handle` is an argument of the current call.
    let status = unsafe { sys::napi_get_value_uint32(handle.env(), handle.raw(), &mut value) };
    if status == sys::Status::napi_ok {
        Ok(value)
    } else {
        Err(Error::InvalidArgument(
            "keyring handle must be the number that keyringNew returned".to_owned(),
        ))
    }
}

fn value_or_napi(result: napi::Result<sys::napi_value>) -> Outcome {
    result.map_or(Outcome::Napi, Outcome::Value)
}

/// `keyringSign(handle, userId)`: the hex signature of a well-formed string
/// or `Uint8Array` user ID under the current key.
unsafe extern "C" fn keyring_sign(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: napi calls this with the environment and info of the call.
    unsafe {
        run(env, info, |[handle, user_id, ..]| {
            let signature = handle_of(*handle).and_then(|handle| {
                registry::with(handle, |keyring| {
                    with_bytes(*user_id, "userId", |bytes| keyring.sign_hex(bytes))
                })
            });
            match signature.and_then(|inner| inner) {
                // SAFETY: `env` is the environment of this call.
                Ok(signature) => value_or_napi(hex_to_js(env, &signature)),
                Err(error) => Outcome::Core(error),
            }
        })
    }
}

/// `signOnce(userId, key)`: the hex signature under a one-off key.
unsafe extern "C" fn sign_once(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: napi calls this with the environment and info of the call.
    unsafe {
        run(env, info, |[user_id, key, ..]| {
            let signature = with_bytes(*key, "securityKey", |key| {
                with_bytes(*user_id, "userId", |user_id| {
                    pexelize_identity::generate_identity_signature(user_id, key)
                })
            });
            match signature.and_then(|inner| inner).and_then(|inner| inner) {
                // SAFETY: `env` is the environment of this call.
                Ok(signature) => value_or_napi(hex_to_js(env, &signature)),
                Err(error) => Outcome::Core(error),
            }
        })
    }
}

/// `keyringVerify(handle, userId, signature, nowMs)`: the index of the
/// matching key in `keyringKeys` order, or a `{ code, message }` failure.
/// `nowMs` is epoch milliseconds, the system clock when `undefined`. A user
/// ID or signature of a type other than string or `Uint8Array` fails
/// verification: the JS layer passes only those types, or `''` for an absent
/// part.
unsafe extern "C" fn keyring_verify(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: napi calls this with the environment and info of the call.
    unsafe {
        run(env, info, |[handle, user_id, signature, now_ms]| {
            let handle = match handle_of(*handle) {
                Ok(handle) => handle,
                Err(error) => return Outcome::Core(error),
            };
            let checked = registry::with(handle, |keyring| {
                // A bad clock is a configuration error, thrown rather than returned.
                let now = clock(keyring, *now_ms).map_err(Thrown)?;
                let outcome = with_bytes(*user_id, "userId", |user_id| {
                    with_bytes(*signature, "signature", |signature| {
                        keyring
                            .verify_at(user_id, signature, now)
                            .map(|verified| key_index(keyring, verified.key_id))
                    })
                });
                Ok(outcome.and_then(|inner| inner).and_then(|inner| inner))
            });
            let outcome = match checked {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(Thrown(error))) | Err(error) => return Outcome::Core(error),
            };
            match outcome {
                Ok(index) => {
                    let mut result = ptr::null_mut();
                    // SAFETY: `env` is the environment of this call.
                    let status = sys::napi_create_uint32(env, index, &mut result);
                    value_or_napi(check(status, "could not create a number").map(|()| result))
                }
                // SAFETY: `env` is the environment of this call.
                Err(error) => {
                    value_or_napi(Failure::to_napi_value(env, Failure::from_error(&error)))
                }
            }
        })
    }
}

/// An error to throw, as opposed to a verification failure to return.
struct Thrown(Error);

/// Reads the optional clock argument: `undefined`, or epoch milliseconds.
/// Without an argument, the system clock is read only when a previous key
/// has a window, because no other outcome depends on the time.
fn clock(keyring: &Keyring, now_ms: RawValue) -> Result<SystemTime, Error> {
    let mut value_type = sys::ValueType::napi_undefined;
    // SAFETY: `now_ms` is an argument of the current call.
    let status = unsafe { sys::napi_typeof(now_ms.env(), now_ms.raw(), &mut value_type) };
    if status == sys::Status::napi_ok && value_type == sys::ValueType::napi_undefined {
        return Ok(if keyring.has_window() {
            SystemTime::now()
        } else {
            SystemTime::UNIX_EPOCH
        });
    }
    let mut millis = f64::NAN;
    if status == sys::Status::napi_ok && value_type == sys::ValueType::napi_number {
        // SAFETY: as above; the value is a number.
        unsafe { sys::napi_get_value_double(now_ms.env(), now_ms.raw(), &mut millis) };
    }
    pexelize_identity::from_unix_millis(millis, "options.now")
}
