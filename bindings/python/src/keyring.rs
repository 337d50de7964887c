//! The `SecurityKey`, `Keyring` and `VerificationResult` classes.

use std::borrow::Cow;
use std::time::SystemTime;

use pexelize_identity::{
    ENV_SECURITY_KEY, ENV_SECURITY_KEY_PREVIOUS, ENV_SECURITY_KEY_PREVIOUS_UNTIL, Error,
    FailureReason, KeyRole, Keyring, MissingPart, SecurityKey,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString};

use crate::convert::{
    KEYRING_KEY_TYPES, Rejected, SECRET_TYPES, detach_if_long, key_bytes, signature_bytes,
    system_time, type_name, user_id_bytes,
};
use crate::errors::{Failure, classify, core_error};

/// A security key with an optional id and, for a previous key, the end of
/// its window. Neither `repr` nor any message shows the secret.
#[pyclass(frozen, module = "pexelize_identity", name = "SecurityKey")]
pub struct PySecurityKey {
    inner: SecurityKey,
    accept_until: Option<Py<PyAny>>,
}

#[pymethods]
impl PySecurityKey {
    #[new]
    #[pyo3(signature = (secret, *, id = None, accept_until = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        id: Option<&Bound<'_, PyAny>>,
        accept_until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = SecurityKey::new(key_bytes(secret, "secret", SECRET_TYPES)?.as_slice())
            .map_err(core_error)?;
        if let Some(id) = id.filter(|value| !value.is_none()) {
            inner = inner.with_id(&key_id(id)?).map_err(core_error)?;
        }
        let accept_until = accept_until.filter(|value| !value.is_none());
        if let Some(until) = accept_until {
            inner = inner.with_accept_until(system_time(until, "accept_until")?);
        }
        Ok(Self {
            inner,
            accept_until: accept_until.map(|until| until.clone().unbind()),
        })
    }

    /// The id that verification reports when this key matches, or None for
    /// the default id of its role in a keyring.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id()
    }

    /// The end of the key's window as given, or None.
    #[getter]
    fn accept_until(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.accept_until.as_ref().map(|until| until.clone_ref(py))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let id = match self.inner.id() {
            Some(id) => PyString::new(py, id).repr()?.to_string(),
            None => "None".to_owned(),
        };
        let until = match &self.accept_until {
            Some(until) => until.bind(py).repr()?.to_string(),
            None => "None".to_owned(),
        };
        Ok(format!(
            "SecurityKey(id={id}, accept_until={until}, secret=...)"
        ))
    }
}

/// The outcome of `Keyring.verify`: truthy exactly when the signature is
/// valid. Immutable.
#[pyclass(frozen, module = "pexelize_identity", name = "VerificationResult")]
pub struct VerificationResult {
    /// True when the signature was made with an accepted key.
    #[pyo3(get)]
    valid: bool,
    /// The id of the key that made the signature: the matching key when
    /// valid, the retired or expired key for `IDENTITY_SIGNATURE_EXPIRED`.
    #[pyo3(get)]
    key_id: Option<String>,
    /// None when valid, otherwise the identity error code.
    #[pyo3(get)]
    code: Option<&'static str>,
    /// None when valid, otherwise a sentence for logs and developers.
    #[pyo3(get)]
    message: Option<String>,
    /// None when valid, otherwise a short stable name of the cause.
    #[pyo3(get)]
    detail: Option<&'static str>,
}

impl VerificationResult {
    fn from_failure(failure: Failure) -> Self {
        Self {
            valid: false,
            key_id: failure.key_id,
            code: Some(failure.code.as_str()),
            message: Some(failure.message),
            detail: failure.detail,
        }
    }
}

#[pymethods]
impl VerificationResult {
    fn __bool__(&self) -> bool {
        self.valid
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = |value: Option<&str>| -> PyResult<String> {
            match value {
                Some(value) => Ok(PyString::new(py, value).repr()?.to_string()),
                None => Ok("None".to_owned()),
            }
        };
        if self.valid {
            Ok(format!(
                "VerificationResult(valid=True, key_id={})",
                text(self.key_id.as_deref())?
            ))
        } else {
            Ok(format!(
                "VerificationResult(valid=False, code={}, detail={})",
                text(self.code)?,
                text(self.detail)?
            ))
        }
    }
}

/// The keys an application signs and verifies identities with: one current
/// key, previous keys accepted until their window ends, and retired keys
/// whose signatures are reported as expired. Safe to share across threads.
#[pyclass(frozen, module = "pexelize_identity", name = "Keyring")]
pub struct PyKeyring {
    inner: Keyring,
    /// One immutable valid result per key, in keyring order, so a valid
    /// verification allocates nothing.
    valid_results: Vec<(String, Py<VerificationResult>)>,
    /// Whether any previous key has a window. Without one the outcome does
    /// not depend on the time, so a call without `now` skips reading the
    /// clock.
    has_window: bool,
}

#[pymethods]
impl PyKeyring {
    #[new]
    #[pyo3(
        signature = (current, previous = None, retired = None),
        text_signature = "(current, previous=(), retired=())"
    )]
    fn new(
        py: Python<'_>,
        current: &Bound<'_, PyAny>,
        previous: Option<&Bound<'_, PyAny>>,
        retired: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut keyring = Keyring::new(security_key(current, "current")?).map_err(core_error)?;
        for key in keys(previous, "previous")? {
            keyring.add_previous(key).map_err(core_error)?;
        }
        for key in keys(retired, "retired")? {
            keyring.add_retired(key).map_err(core_error)?;
        }
        Self::from_core(py, keyring)
    }

    /// Sign a user ID with the current key and return the hex signature.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        user_id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        let user_id =
            user_id_bytes(user_id).map_err(|rejected| rejected.into_sign_error("user_id"))?;
        let user_id = user_id.as_slice();
        let signature = detach_if_long(py, user_id.len(), || self.inner.sign_hex(user_id));
        Ok(PyString::new(py, signature.as_str()))
    }

    /// Verify an identity; never raises because of what it contains.
    #[pyo3(signature = (user_id, signature, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        user_id: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<VerificationResult>> {
        match self.check(py, user_id, signature, now)? {
            Ok(index) => Ok(self.valid_results[index].1.clone_ref(py)),
            Err(failure) => Py::new(py, VerificationResult::from_failure(failure)),
        }
    }

    /// Verify an identity and return the id of the matching key, or raise
    /// the `IdentityError` subclass of the outcome.
    #[pyo3(signature = (user_id, signature, *, now = None))]
    fn assert_valid(
        &self,
        py: Python<'_>,
        user_id: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        match self.check(py, user_id, signature, now)? {
            Ok(index) => Ok(self.valid_results[index].0.clone()),
            Err(failure) => Err(failure.into_exception(py)),
        }
    }

    /// Return the verification counts since the keyring was built: by
    /// outcome, and under `by_key` the signatures each key produced.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.inner.stats();
        let failed = stats.failed;
        let missing = stats.missing;
        let by_key = PyDict::new(py);
        for (id, count) in stats.by_key {
            by_key.set_item(id, count)?;
        }
        let result = PyDict::new(py);
        result.set_item("valid", stats.valid)?;
        result.set_item("failed", failed)?;
        result.set_item("expired", stats.expired)?;
        result.set_item("missing", missing)?;
        result.set_item("by_key", by_key)?;
        Ok(result)
    }

    /// The key ids in keyring order, the current key first.
    #[getter]
    fn key_ids(&self) -> Vec<String> {
        self.valid_results
            .iter()
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut current = String::new();
        let mut previous = Vec::new();
        let mut retired = Vec::new();
        for (key, role) in self.inner.keys() {
            let id = PyString::new(py, key.id().unwrap_or_default())
                .repr()?
                .to_string();
            match role {
                KeyRole::Current => current = id,
                KeyRole::Previous => previous.push(id),
                KeyRole::Retired => retired.push(id),
            }
        }
        Ok(format!(
            "Keyring(current={current}, previous=[{}], retired=[{}])",
            previous.join(", "),
            retired.join(", ")
        ))
    }
}

impl PyKeyring {
    fn from_core(py: Python<'_>, keyring: Keyring) -> PyResult<Self> {
        let has_window = keyring.has_window();
        let mut valid_results = Vec::new();
        for (key, _) in keyring.keys() {
            let id = key.id().unwrap_or_default().to_owned();
            let result = Py::new(
                py,
                VerificationResult {
                    valid: true,
                    key_id: Some(id.clone()),
                    code: None,
                    message: None,
                    detail: None,
                },
            )?;
            valid_results.push((id, result));
        }
        Ok(Self {
            inner: keyring,
            valid_results,
            has_window,
        })
    }

    /// Runs one verification and returns the index of the matching key, or
    /// the failure. Raises only for a bad `now`.
    fn check(
        &self,
        py: Python<'_>,
        user_id: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Result<usize, Failure>> {
        let now = match now {
            Some(now) if !now.is_none() => system_time(now, "now")?,
            _ if self.has_window => SystemTime::now(),
            _ => SystemTime::UNIX_EPOCH,
        };
        let user_id = match user_id_bytes(user_id) {
            Ok(bytes) => bytes,
            Err(rejected) => return Ok(Err(self.reject(rejected, Part::UserId))),
        };
        let signature = match signature_bytes(signature) {
            Ok(bytes) => bytes,
            Err(rejected) => return Ok(Err(self.reject(rejected, Part::Signature))),
        };
        let (user_id_slice, signature_slice) = (user_id.as_slice(), signature.as_slice());
        let outcome = detach_if_long(py, user_id_slice.len(), || {
            self.inner.verify_at(user_id_slice, signature_slice, now)
        });
        match outcome {
            Ok(verified) => {
                let index = self
                    .valid_results
                    .iter()
                    .position(|(id, _)| id == verified.key_id)
                    .unwrap_or_default();
                Ok(Ok(index))
            }
            Err(error) => classify(error).map(Err),
        }
    }

    /// Turns a value that could not be read into the failure it stands for,
    /// and counts it.
    fn reject(&self, rejected: Rejected, part: Part) -> Failure {
        let failure = match (rejected, part) {
            (Rejected::Missing, Part::UserId) => {
                identity_failure(Error::IdentityMissing(MissingPart::UserId))
            }
            (Rejected::Missing, Part::Signature) => {
                identity_failure(Error::IdentityMissing(MissingPart::Signature))
            }
            (Rejected::WrongType(name), Part::UserId) => Failure::verification_failed(
                format!("user ID has type {name}; expected str, bytes or int"),
                "type",
            ),
            (Rejected::WrongType(name), Part::Signature) => Failure::verification_failed(
                format!(
                    "identity signature has type {name}; expected 64 hex characters as str or bytes"
                ),
                "type",
            ),
            (Rejected::LoneSurrogate, Part::UserId) => Failure::verification_failed(
                "user ID contains a lone surrogate, so it is not valid Unicode text".to_owned(),
                "lone-surrogate",
            ),
            // A surrogate is outside ASCII, which is what the core reports
            // for any non-ASCII signature.
            (Rejected::LoneSurrogate, Part::Signature) => {
                identity_failure(Error::VerificationFailed(FailureReason::NonAscii))
            }
            (Rejected::TooLarge(limit), _) => Failure::verification_failed(
                format!(
                    "user ID is an int with more than {} digits, the interpreter's limit \
                     for converting an int to str",
                    crate::convert::digit_limit_text(limit)
                ),
                "too-large",
            ),
            (Rejected::Raised(error), part) => {
                let name = match part {
                    Part::UserId => "user ID",
                    Part::Signature => "identity signature",
                };
                let reason = Python::attach(|py| error.value(py).to_string());
                Failure::verification_failed(format!("{name} could not be read: {reason}"), "type")
            }
        };
        self.inner.record_rejection(failure.code);
        failure
    }
}

#[derive(Clone, Copy)]
enum Part {
    UserId,
    Signature,
}

fn identity_failure(error: Error) -> Failure {
    // Identity errors always classify as failures; the fallback keeps a
    // configuration error from ever surfacing from verify.
    classify(error).unwrap_or_else(|_| Failure::verification_failed(String::new(), "mismatch"))
}

/// Reads the `id` argument of `SecurityKey`: a str of well-formed text.
fn key_id(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let Ok(text) = value.cast::<PyString>() else {
        return Err(PyTypeError::new_err(format!(
            "id must be a str or None, got {}",
            type_name(value)
        )));
    };
    text.to_cow().map(Cow::into_owned).map_err(|_| {
        PyValueError::new_err(
            "id contains a lone surrogate, so it is not valid Unicode text; \
             pass well-formed text",
        )
    })
}

/// Reads one key argument: a SecurityKey, or the secret as str or bytes.
fn security_key(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<SecurityKey> {
    if let Ok(key) = value.cast::<PySecurityKey>() {
        return Ok(key.get().inner.clone());
    }
    SecurityKey::new(key_bytes(value, argument, KEYRING_KEY_TYPES)?.as_slice()).map_err(core_error)
}

/// Reads `previous` or `retired`: nothing, one key, or an iterable of keys.
fn keys(value: Option<&Bound<'_, PyAny>>, argument: &str) -> PyResult<Vec<SecurityKey>> {
    let Some(value) = value.filter(|value| !value.is_none()) else {
        return Ok(Vec::new());
    };
    let single = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.is_instance_of::<PyByteArray>()
        || value.is_instance_of::<PyMemoryView>()
        || value.is_instance_of::<PySecurityKey>();
    if single {
        return Ok(vec![security_key(value, argument)?]);
    }
    let items = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{argument} must be a key or an iterable of keys (str, bytes or SecurityKey), got {}",
            type_name(value)
        ))
    })?;
    let mut keys = Vec::new();
    for (position, item) in items.enumerate() {
        keys.push(security_key(&item?, &format!("{argument}[{position}]"))?);
    }
    Ok(keys)
}

/// Build a Keyring from `PEXELIZE_SECURITY_KEY`, `PEXELIZE_SECURITY_KEY_PREVIOUS`
/// and `PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL` (RFC 3339) in `environ`, by
/// default `os.environ`.
#[pyfunction]
#[pyo3(signature = (environ = None))]
pub fn keyring_from_env(py: Python<'_>, environ: Option<&Bound<'_, PyAny>>) -> PyResult<PyKeyring> {
    let environ = match environ {
        Some(environ) if !environ.is_none() => {
            crate::check_environ(environ)?;
            environ.clone()
        }
        _ => py.import("os")?.getattr("environ")?,
    };
    let mut values = Vec::new();
    for name in [
        ENV_SECURITY_KEY,
        ENV_SECURITY_KEY_PREVIOUS,
        ENV_SECURITY_KEY_PREVIOUS_UNTIL,
    ] {
        values.push((name, crate::read_environment_value(&environ, name)?));
    }
    let keyring = pexelize_identity::keyring_from_lookup(|name| {
        values
            .iter()
            .find(|(candidate, _)| *candidate == name)
            .and_then(|(_, value)| value.clone())
    })
    .map_err(core_error)?;
    PyKeyring::from_core(py, keyring)
}
