//! The native module `pexelize_identity._native`. It converts Python values
//! to bytes and times, calls the core crate, and maps its errors; all
//! cryptography stays in the core. The public API is re-exported by the
//! `pexelize_identity` package, which also defines the exception classes.

mod convert;
mod errors;
mod keyring;

use pexelize_identity::{ENV_SECURITY_KEY, SecurityKey};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::{SECRET_TYPES, detach_if_long, key_bytes, type_name, user_id_bytes};
use crate::errors::{classify, core_error};
use crate::keyring::{PyKeyring, PySecurityKey, VerificationResult, keyring_from_env};

/// Sign a user ID with one key and return the lowercase hex HMAC-SHA256.
///
/// `security_key=None` reads `PEXELIZE_SECURITY_KEY` from `os.environ`.
#[pyfunction]
#[pyo3(signature = (user_id, security_key = None))]
fn generate_identity_signature<'py>(
    py: Python<'py>,
    user_id: &Bound<'py, PyAny>,
    security_key: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyString>> {
    let user_id = user_id_bytes(user_id).map_err(|rejected| rejected.into_sign_error("user_id"))?;
    let signature = match security_key {
        Some(key) if !key.is_none() => {
            let key = key_bytes(key, "security_key", SECRET_TYPES)?;
            let (user_id, key) = (user_id.as_slice(), key.as_slice());
            detach_if_long(py, user_id.len(), || {
                pexelize_identity::generate_identity_signature(user_id, key)
            })
            .map_err(core_error)?
        }
        _ => {
            let key = environment_key(py)?;
            let user_id = user_id.as_slice();
            detach_if_long(py, user_id.len(), || key.sign_hex(user_id))
        }
    };
    Ok(PyString::new(py, signature.as_str()))
}

/// Return whether `signature` is the HMAC of `user_id` under one key.
///
/// Never raises because of the identity; a bad key or an unset
/// `PEXELIZE_SECURITY_KEY` raises.
#[pyfunction]
#[pyo3(signature = (user_id, signature, security_key = None))]
fn verify(
    py: Python<'_>,
    user_id: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
    security_key: Option<&Bound<'_, PyAny>>,
) -> PyResult<bool> {
    let key = match security_key {
        Some(key) if !key.is_none() => {
            SecurityKey::new(key_bytes(key, "security_key", SECRET_TYPES)?.as_slice())
                .map_err(core_error)?
        }
        _ => environment_key(py)?,
    };
    let (Ok(user_id), Ok(signature)) =
        (user_id_bytes(user_id), convert::signature_bytes(signature))
    else {
        return Ok(false);
    };
    let keyring = pexelize_identity::Keyring::new(key).map_err(core_error)?;
    match keyring.verify(user_id.as_slice(), signature.as_slice()) {
        Ok(_) => Ok(true),
        Err(error) => classify(error).map(|_| false),
    }
}

/// Return a new security key: 32 random bytes from the operating system,
/// as 64 lowercase hex characters.
#[pyfunction]
fn generate_security_key() -> PyResult<String> {
    pexelize_identity::generate_security_key().map_err(core_error)
}

/// Reads the current key from `os.environ` with the checks of the
/// environment loader: set, not empty, no surrounding whitespace.
fn environment_key(py: Python<'_>) -> PyResult<SecurityKey> {
    let environ = py.import("os")?.getattr("environ")?;
    let value = read_environment_value(&environ, ENV_SECURITY_KEY)?;
    let keyring = pexelize_identity::keyring_from_lookup(|name| {
        (name == ENV_SECURITY_KEY).then(|| value.clone()).flatten()
    })
    .map_err(core_error)?;
    Ok(keyring.current().clone())
}

/// Reads one variable from an environment mapping; `None` when unset.
///
/// A value that is not UTF-8 raises `ValueError` without the value: on
/// POSIX `os.environ` decodes such bytes to lone surrogates (the
/// surrogateescape handler), and the `UnicodeEncodeError` of encoding them
/// would quote the key.
fn read_environment_value(environ: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<String>> {
    let value = environ.call_method1("get", (name,))?;
    if value.is_none() {
        return Ok(None);
    }
    let Ok(text) = value.cast::<PyString>() else {
        return Err(PyTypeError::new_err(format!(
            "environment variable {name} must be a str, got {}",
            type_name(&value)
        )));
    };
    match text.to_cow() {
        Ok(text) => Ok(Some(text.into_owned())),
        Err(_) => Err(PyValueError::new_err(format!(
            "environment variable {name} is not valid UTF-8; set it to the key \
             as UTF-8 text, such as the hex from generate_security_key()"
        ))),
    }
}

/// Checks that `environ` is a mapping, as `os.environ` and a dict are, so
/// that a wrong argument raises `TypeError` naming it instead of an
/// `AttributeError` about `get`.
fn check_environ(environ: &Bound<'_, PyAny>) -> PyResult<()> {
    let mapping = environ.py().import("collections.abc")?.getattr("Mapping")?;
    if environ.is_instance(&mapping)? {
        return Ok(());
    }
    Err(PyTypeError::new_err(format!(
        "environ must be a mapping of variable names to str values, \
         such as os.environ or a dict, got {}",
        type_name(environ)
    )))
}

/// The native half of the `pexelize_identity` package.
#[pymodule]
#[pyo3(name = "_native")]
fn native_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<PySecurityKey>()?;
    module.add_class::<PyKeyring>()?;
    module.add_class::<VerificationResult>()?;
    module.add_function(wrap_pyfunction!(generate_identity_signature, module)?)?;
    module.add_function(wrap_pyfunction!(verify, module)?)?;
    module.add_function(wrap_pyfunction!(generate_security_key, module)?)?;
    module.add_function(wrap_pyfunction!(keyring_from_env, module)?)?;
    Ok(())
}
