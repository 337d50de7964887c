//! Node.js binding of pexelize-identity.
//!
//! These are the native functions under the package's JS layer (`index.js`),
//! which checks argument types, rejects lone surrogates and builds the public
//! `Keyring` class. A keyring lives here in a per-thread table, and JS passes
//! its integer handle to plain functions: that is about 200 ns cheaper than
//! calling a method of a napi class. All cryptography stays in the core
//! crate. This file converts values and maps core errors to JS errors in one
//! place, [`code_and_message`].

mod convert;
mod fast;
mod registry;

use napi::bindgen_prelude::{Env, Error as NapiError, JsTypeError, Object, Status, Unknown};
use napi::{JsError, sys};
use napi_derive::napi;
use pexelize_identity::{Code, Error, KeyRole, Keyring, SecurityKey};

use crate::convert::with_bytes;

/// Returns the code and message that JS receives for a core error. Every error
/// that reaches JS, thrown or returned, goes through this function.
fn code_and_message(error: &Error) -> (&'static str, String) {
    (error.code().as_str(), error.to_string())
}

/// Throws a core error into JS, as a `TypeError` for a bad argument and as an
/// `Error` otherwise, with `.code` set. Returns the napi error that marks the
/// exception as pending for napi-rs.
fn throw(env: &Env, error: &Error) -> NapiError {
    // SAFETY: `env` wraps the environment of the current call.
    unsafe { throw_raw(env.raw(), error) };
    NapiError::from_status(Status::PendingException)
}

/// Throws a core error into JS; see [`throw`].
///
/// # Safety
///
/// `env` must be the environment of the current napi call.
pub(crate) unsafe fn throw_raw(env: sys::napi_env, error: &Error) {
    let (code, message) = code_and_message(error);
    let js_error = NapiError::new(code, message);
    // SAFETY: the caller passes the environment of the current call.
    unsafe {
        match error.code() {
            Code::InvalidArgument => JsTypeError::from(js_error).throw_into(env),
            _ => JsError::from(js_error).throw_into(env),
        }
    }
}

/// Throws the error for a panic caught at the boundary, so that a bug shows
/// as a JS exception rather than an aborted process.
///
/// # Safety
///
/// `env` must be the environment of the current napi call.
pub(crate) unsafe fn throw_panic(env: sys::napi_env) {
    let js_error = NapiError::new(
        Code::Internal.as_str(),
        "pexelize-identity panicked; please report this with the call that caused it",
    );
    // SAFETY: the caller passes the environment of the current call.
    unsafe { JsError::from(js_error).throw_into(env) }
}

/// Adds the hand-registered hot-path functions to the module's exports.
#[napi(module_exports)]
pub fn register_fast_functions(exports: Object<'_>) -> napi::Result<()> {
    fast::register(&exports)
}

/// A verification that did not succeed, as the JS layer reports it.
#[napi(object)]
pub struct Failure {
    /// `IDENTITY_VERIFICATION_FAILED`, `IDENTITY_SIGNATURE_EXPIRED` or
    /// `IDENTITY_MISSING`.
    pub code: String,
    /// The reason for the failure and, where it helps, the fix.
    pub message: String,
    /// A short stable name of the cause: the core's failure reason
    /// (`mismatch`, `non-ascii`, `whitespace`, `prefix`, `length`,
    /// `not-hex`), `expired`, or the missing part (`identity`, `userId`,
    /// `signature`).
    pub detail: Option<String>,
    /// The id of the key that made an expired signature.
    pub key_id: Option<String>,
}

impl Failure {
    fn from_error(error: &Error) -> Self {
        let (code, message) = code_and_message(error);
        let (detail, key_id) = match error {
            Error::VerificationFailed(reason) => (Some(reason.as_str()), None),
            Error::SignatureExpired { key_id } => (Some("expired"), Some(key_id.clone())),
            Error::IdentityMissing(part) => (Some(part.as_str()), None),
            _ => (None, None),
        };
        Self {
            code: code.to_owned(),
            message,
            detail: detail.map(str::to_owned),
            key_id,
        }
    }
}

/// One key of a keyring, without its secret.
#[napi(object)]
pub struct KeyInfo {
    /// The id reported when this key matches.
    pub id: String,
    /// `current`, `previous` or `retired`.
    pub role: String,
    /// End of a previous key's window, in epoch milliseconds.
    pub accept_until_ms: Option<f64>,
}

/// Verification counts of a keyring.
#[napi(object)]
pub struct NativeStats {
    /// Signatures that verified.
    pub valid: f64,
    /// Verifications that ended in `IDENTITY_VERIFICATION_FAILED`.
    pub failed: f64,
    /// Verifications that ended in `IDENTITY_SIGNATURE_EXPIRED`.
    pub expired: f64,
    /// Verifications that ended in `IDENTITY_MISSING`.
    pub missing: f64,
    /// Signatures produced by each key, in keyring order, as `[id, count]`.
    pub by_key: Vec<KeyCount>,
}

/// How many presented signatures one key produced.
#[napi(object)]
pub struct KeyCount {
    /// The key id.
    pub id: String,
    /// Signatures that this key produced, accepted or expired.
    pub count: f64,
}

/// Builds a security key from a string or `Uint8Array` secret, an optional id
/// and an optional end of window (epoch milliseconds or RFC 3339 text).
fn build_key(
    secret: &Unknown<'_>,
    what: &str,
    id: Option<String>,
    accept_until: Option<napi::Either<f64, String>>,
) -> Result<SecurityKey, Error> {
    let mut key = with_bytes(secret, what, SecurityKey::new)??;
    if let Some(id) = id {
        key = key.with_id(&id)?;
    }
    let what_until = format!("{what}.acceptUntil");
    match accept_until {
        Some(napi::Either::A(millis)) => {
            key = key.with_accept_until(pexelize_identity::from_unix_millis(millis, &what_until)?);
        }
        Some(napi::Either::B(text)) => {
            key = key.with_accept_until(pexelize_identity::parse_rfc3339(&text, &what_until)?);
        }
        None => {}
    }
    Ok(key)
}

/// Creates a keyring whose current key is `secret` and returns its handle.
#[napi(catch_unwind)]
pub fn keyring_new(
    env: Env,
    secret: Unknown<'_>,
    id: Option<String>,
    accept_until: Option<napi::Either<f64, String>>,
) -> napi::Result<u32> {
    build_key(&secret, "current", id, accept_until)
        .and_then(Keyring::new)
        .and_then(registry::insert)
        .map_err(|error| throw(&env, &error))
}

/// Drops a keyring, zeroing its keys. The JS layer calls it when a `Keyring`
/// is garbage collected; an unknown handle is ignored.
#[napi(catch_unwind)]
pub fn keyring_free(handle: u32) {
    registry::remove(handle);
}

/// Adds a previous key to a keyring; `what` names it in error messages.
#[napi(catch_unwind)]
pub fn keyring_add_previous(
    env: Env,
    handle: u32,
    what: String,
    secret: Unknown<'_>,
    id: Option<String>,
    accept_until: Option<napi::Either<f64, String>>,
) -> napi::Result<()> {
    build_key(&secret, &what, id, accept_until)
        .and_then(|key| registry::with_mut(handle, |keyring| keyring.add_previous(key)))
        .map_err(|error| throw(&env, &error))
}

/// Adds a retired key to a keyring; `what` names it in error messages.
#[napi(catch_unwind)]
pub fn keyring_add_retired(
    env: Env,
    handle: u32,
    what: String,
    secret: Unknown<'_>,
    id: Option<String>,
    accept_until: Option<napi::Either<f64, String>>,
) -> napi::Result<()> {
    build_key(&secret, &what, id, accept_until)
        .and_then(|key| registry::with_mut(handle, |keyring| keyring.add_retired(key)))
        .map_err(|error| throw(&env, &error))
}

/// Builds a keyring from the three environment values, which the JS layer
/// reads from its `env` argument; an unset variable is `undefined`. Returns
/// the keyring's handle.
#[napi(catch_unwind)]
pub fn keyring_from_values(
    env: Env,
    current: Option<String>,
    previous: Option<String>,
    previous_until: Option<String>,
) -> napi::Result<u32> {
    pexelize_identity::keyring_from_lookup(|name| match name {
        pexelize_identity::ENV_SECURITY_KEY => current.clone(),
        pexelize_identity::ENV_SECURITY_KEY_PREVIOUS => previous.clone(),
        pexelize_identity::ENV_SECURITY_KEY_PREVIOUS_UNTIL => previous_until.clone(),
        _ => None,
    })
    .and_then(registry::insert)
    .map_err(|error| throw(&env, &error))
}

/// Returns every key of a keyring, current first, without secrets.
#[napi(catch_unwind)]
pub fn keyring_keys(env: Env, handle: u32) -> napi::Result<Vec<KeyInfo>> {
    registry::with(handle, key_infos).map_err(|error| throw(&env, &error))
}

fn key_infos(keyring: &Keyring) -> Vec<KeyInfo> {
    keyring
        .keys()
        .map(|(key, role)| KeyInfo {
            id: key.id().unwrap_or_default().to_owned(),
            role: match role {
                KeyRole::Current => "current",
                KeyRole::Previous => "previous",
                KeyRole::Retired => "retired",
            }
            .to_owned(),
            accept_until_ms: key.accept_until().map(epoch_millis),
        })
        .collect()
}

fn epoch_millis(time: std::time::SystemTime) -> f64 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64() * 1000.0,
        Err(before) => -before.duration().as_secs_f64() * 1000.0,
    }
}

/// Returns the verification counts of a keyring.
#[napi(catch_unwind)]
pub fn keyring_stats(env: Env, handle: u32) -> napi::Result<NativeStats> {
    registry::with(handle, native_stats).map_err(|error| throw(&env, &error))
}

/// Counts an identity that the JS layer rejected before calling the addon
/// (`missing` is true for an absent part, false for a failed one), so that
/// `stats()` covers every identity presented.
#[napi(catch_unwind)]
pub fn keyring_record_rejection(env: Env, handle: u32, missing: bool) -> napi::Result<()> {
    let code = if missing {
        Code::IdentityMissing
    } else {
        Code::VerificationFailed
    };
    registry::with(handle, |keyring| keyring.record_rejection(code))
        .map_err(|error| throw(&env, &error))
}

fn native_stats(keyring: &Keyring) -> NativeStats {
    let stats = keyring.stats();
    // Counts stay exact as f64 up to 2^53, far beyond any process lifetime.
    #[allow(clippy::cast_precision_loss)]
    NativeStats {
        valid: stats.valid as f64,
        failed: stats.failed as f64,
        expired: stats.expired as f64,
        missing: stats.missing as f64,
        by_key: stats
            .by_key
            .into_iter()
            .map(|(id, count)| KeyCount {
                id,
                count: count as f64,
            })
            .collect(),
    }
}

/// Verifies a signature under a one-off key. Only a bad key throws: every
/// identity outcome other than valid returns `false`.
#[napi(catch_unwind)]
pub fn verify_once(
    env: Env,
    user_id: Unknown<'_>,
    signature: Unknown<'_>,
    key: Unknown<'_>,
) -> napi::Result<bool> {
    let key = with_bytes(&key, "securityKey", SecurityKey::new)
        .and_then(|inner| inner)
        .and_then(Keyring::new)
        .map_err(|error| throw(&env, &error))?;
    let outcome = with_bytes(&user_id, "userId", |user_id| {
        with_bytes(&signature, "signature", |signature| {
            key.verify(user_id, signature).is_ok()
        })
    });
    Ok(matches!(outcome, Ok(Ok(true))))
}

/// Generates a new security key: 64 lowercase hex characters from 32 bytes
/// of the operating system's CSPRNG.
#[napi(catch_unwind)]
pub fn generate_security_key(env: Env) -> napi::Result<String> {
    pexelize_identity::generate_security_key().map_err(|error| throw(&env, &error))
}

/// Returns the position of the key with id `key_id` in [`keyring_keys`]
/// order; ids are unique within a keyring.
pub(crate) fn key_index(keyring: &Keyring, key_id: &str) -> u32 {
    let position = keyring.keys().position(|(key, _)| key.id() == Some(key_id));
    position
        .and_then(|position| u32::try_from(position).ok())
        .unwrap_or(u32::MAX)
}
