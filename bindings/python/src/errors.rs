//! The one mapping from the core's `Error` to Python: identity outcomes
//! become a [`Failure`] (a result field or an `IdentityError` subclass), and
//! configuration errors become `ValueError` or `OSError`.

use pexelize_identity::{Code, Error};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// A verification that did not succeed, in the fields exposed to Python.
pub struct Failure {
    /// `IDENTITY_VERIFICATION_FAILED`, `IDENTITY_SIGNATURE_EXPIRED` or
    /// `IDENTITY_MISSING`.
    pub code: Code,
    pub message: String,
    /// A short stable name of the cause: the failure reason (`mismatch`,
    /// `length`, `type`, `too-large` and so on), `expired`, or the missing
    /// part (`userId`, `signature`).
    pub detail: Option<&'static str>,
    /// The id of the key that made an expired signature.
    pub key_id: Option<String>,
}

impl Failure {
    /// Builds a failed verification for an identity part that the binding
    /// rejects before calling the core, such as a user ID of type float.
    pub fn verification_failed(message: String, detail: &'static str) -> Self {
        Self {
            code: Code::VerificationFailed,
            message,
            detail: Some(detail),
            key_id: None,
        }
    }

    /// Converts the failure into the `IdentityError` subclass of its code.
    pub fn into_exception(self, py: Python<'_>) -> PyErr {
        match raise_failure(py, self) {
            Ok(error) | Err(error) => error,
        }
    }
}

/// Splits a core error into an identity failure or, for configuration
/// errors, the exception to raise.
pub fn classify(error: Error) -> Result<Failure, PyErr> {
    let message = error.to_string();
    let code = error.code();
    let (detail, key_id) = match error {
        Error::VerificationFailed(reason) => (Some(reason.as_str()), None),
        Error::SignatureExpired { key_id } => (Some("expired"), Some(key_id)),
        Error::IdentityMissing(part) => (Some(part.as_str()), None),
        Error::InvalidArgument(_) => return Err(PyValueError::new_err(message)),
        Error::RandomUnavailable => return Err(PyOSError::new_err(message)),
        _ => return Err(PyRuntimeError::new_err(message)),
    };
    Ok(Failure {
        code,
        message,
        detail,
        key_id,
    })
}

/// Converts any core error into the Python exception for it.
pub fn core_error(error: Error) -> PyErr {
    match classify(error) {
        Ok(failure) => Python::attach(|py| failure.into_exception(py)),
        Err(error) => error,
    }
}

static VERIFICATION_FAILED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SIGNATURE_EXPIRED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static IDENTITY_MISSING: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const EXCEPTIONS_MODULE: &str = "pexelize_identity.exceptions";

fn raise_failure(py: Python<'_>, failure: Failure) -> PyResult<PyErr> {
    let class = match failure.code {
        Code::SignatureExpired => {
            SIGNATURE_EXPIRED.import(py, EXCEPTIONS_MODULE, "IdentitySignatureExpired")?
        }
        Code::IdentityMissing => {
            IDENTITY_MISSING.import(py, EXCEPTIONS_MODULE, "IdentityMissing")?
        }
        _ => VERIFICATION_FAILED.import(py, EXCEPTIONS_MODULE, "IdentityVerificationFailed")?,
    };
    let keywords = PyDict::new(py);
    keywords.set_item("detail", failure.detail)?;
    keywords.set_item("key_id", failure.key_id)?;
    let instance = class.call((failure.message,), Some(&keywords))?;
    Ok(PyErr::from_value(instance))
}
