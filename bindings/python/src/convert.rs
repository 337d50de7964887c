//! Conversions from Python objects to the byte strings and times the core
//! takes. Signing and configuration raise on bad input; the verify forms
//! return a [`Rejected`] so that a bad identity becomes a result, not an
//! exception.

use std::ffi::c_char;
use std::time::{Duration, SystemTime};

use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView, PyString, PyType};

use crate::errors::core_error;

/// Length from which hashing a user ID releases the GIL. Below it, hashing
/// costs less than releasing and taking back the GIL (an estimate: 16 KiB
/// hash in about 10 us, a GIL round trip takes well under 1 us).
const DETACH_MIN_LEN: usize = 16 * 1024;

/// Runs `work` with the GIL released when the input is long enough for other
/// threads to gain from it. The inputs it reads are immutable (str, bytes)
/// or copies, so no Python code can change them meanwhile.
pub fn detach_if_long<T, F>(py: Python<'_>, input_len: usize, work: F) -> T
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    if input_len >= DETACH_MIN_LEN {
        py.detach(work)
    } else {
        work()
    }
}

/// Bytes of a user ID, a key or a signature: borrowed from an immutable
/// Python object when possible, copied otherwise.
pub enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
    /// Decimal digits of an `i64`, written without an allocation.
    Integer {
        digits: [u8; 20],
        len: usize,
    },
}

impl Bytes<'_> {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Self::Borrowed(bytes) => bytes,
            Self::Owned(bytes) => bytes,
            Self::Integer { digits, len } => &digits[..*len],
        }
    }
}

/// The reason a value could not be read as a user ID or a signature.
pub enum Rejected {
    /// The value is `None`.
    Missing,
    /// The value's type is not accepted; the string is the type's name.
    WrongType(String),
    /// The value is a `str` that contains a lone surrogate.
    LoneSurrogate,
    /// The value is an int with more digits than the interpreter converts
    /// to str; the limit is `sys.get_int_max_str_digits()` when known.
    TooLarge(Option<i64>),
    /// Python raised while converting the value, for example when a
    /// memoryview cannot be copied.
    Raised(PyErr),
}

impl Rejected {
    /// Converts the rejection into the exception that signing raises.
    pub fn into_sign_error(self, argument: &str) -> PyErr {
        match self {
            Self::Missing => PyTypeError::new_err(format!(
                "{argument} must be str, bytes, bytearray, memoryview or int, got NoneType"
            )),
            Self::WrongType(name) => PyTypeError::new_err(format!(
                "{argument} must be str, bytes, bytearray, memoryview or int, got {name}"
            )),
            Self::LoneSurrogate => PyValueError::new_err(format!(
                "{argument} contains a lone surrogate, so it is not valid Unicode text; \
                 pass well-formed text or bytes"
            )),
            Self::TooLarge(limit) => PyValueError::new_err(format!(
                "{argument} is an int with more than {} digits, the interpreter's limit for \
                 converting an int to str; pass it as a str, or raise the limit with \
                 sys.set_int_max_str_digits()",
                digit_limit_text(limit)
            )),
            Self::Raised(error) => error,
        }
    }
}

/// Returns the digit limit for messages, or a description when unknown.
pub fn digit_limit_text(limit: Option<i64>) -> String {
    limit.map_or_else(
        || "sys.get_int_max_str_digits()".to_owned(),
        |limit| limit.to_string(),
    )
}

unsafe extern "C" {
    // Part of the stable ABI only from Python 3.10, but exported by every
    // CPython 3 build with this signature, so an abi3-py39 module may call
    // it. It returns a pointer to the UTF-8 form that the str object caches
    // and owns, which saves an allocation and a copy per call.
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut ffi::PyObject,
        size: *mut ffi::Py_ssize_t,
    ) -> *const c_char;
}

/// Returns the UTF-8 bytes of a `str`. A lone surrogate, which UTF-8 cannot
/// encode, gives [`Rejected::LoneSurrogate`], and its `UnicodeEncodeError` is
/// dropped because that exception contains the whole text, which may be a key.
fn str_utf8<'a>(text: &'a Bound<'_, PyString>) -> Result<&'a [u8], Rejected> {
    let mut size: ffi::Py_ssize_t = 0;
    // SAFETY: `text` is a live str object, and the attached `Bound` proves
    // this thread holds the GIL. The returned buffer is owned by the str
    // and lives as long as it does, which outlives the borrow of `text`.
    let data = unsafe { PyUnicode_AsUTF8AndSize(text.as_ptr(), &raw mut size) };
    if data.is_null() {
        let py = text.py();
        let error = PyErr::fetch(py);
        if error.is_instance_of::<PyUnicodeEncodeError>(py) {
            return Err(Rejected::LoneSurrogate);
        }
        return Err(Rejected::Raised(error));
    }
    let len = usize::try_from(size).unwrap_or_default();
    // SAFETY: CPython guarantees `data` points to `size` initialised bytes.
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
}

/// Reads a user ID: str (UTF-8), bytes, bytearray, memoryview or an int that
/// is not a bool (its base-10 text).
pub fn user_id_bytes<'a>(value: &'a Bound<'_, PyAny>) -> Result<Bytes<'a>, Rejected> {
    if let Ok(text) = value.cast::<PyString>() {
        return str_utf8(text).map(Bytes::Borrowed);
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Bytes::Borrowed(bytes.as_bytes()));
    }
    if value.is_instance_of::<PyInt>() {
        return integer_bytes(value);
    }
    buffer_bytes(value)
}

/// Reads a signature for verifying: str or a bytes-like object of ASCII
/// text. An int is not a signature.
pub fn signature_bytes<'a>(value: &'a Bound<'_, PyAny>) -> Result<Bytes<'a>, Rejected> {
    if let Ok(text) = value.cast::<PyString>() {
        return str_utf8(text).map(Bytes::Borrowed);
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Bytes::Borrowed(bytes.as_bytes()));
    }
    buffer_bytes(value)
}

/// The types a one-key function and `SecurityKey` accept as a secret.
pub const SECRET_TYPES: &str = "str, bytes, bytearray or memoryview";

/// The types a `Keyring` accepts for each key.
pub const KEYRING_KEY_TYPES: &str = "str, bytes, bytearray, memoryview or SecurityKey";

/// Reads a security key: str (UTF-8), bytes, bytearray or memoryview.
/// `expected` lists the accepted types for the `TypeError` message.
pub fn key_bytes<'a>(
    value: &'a Bound<'_, PyAny>,
    argument: &str,
    expected: &str,
) -> PyResult<Bytes<'a>> {
    if let Ok(text) = value.cast::<PyString>() {
        return str_utf8(text)
            .map(Bytes::Borrowed)
            .map_err(|rejected| match rejected {
                Rejected::Raised(error) => error,
                _ => PyValueError::new_err(format!(
                    "{argument} contains a lone surrogate, so it is not valid Unicode text; \
                     pass the key as well-formed text or bytes"
                )),
            });
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Bytes::Borrowed(bytes.as_bytes()));
    }
    buffer_bytes(value).map_err(|rejected| match rejected {
        Rejected::Raised(error) => error,
        _ => PyTypeError::new_err(format!(
            "{argument} must be {expected}, got {}",
            type_name(value)
        )),
    })
}

fn integer_bytes<'a>(value: &'a Bound<'_, PyAny>) -> Result<Bytes<'a>, Rejected> {
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(Rejected::WrongType("bool".to_owned()));
    }
    if let Ok(number) = value.extract::<i64>() {
        let mut digits = [0u8; 20];
        let len = write_decimal(number, &mut digits);
        return Ok(Bytes::Integer { digits, len });
    }
    // A big int, or an int subclass whose str() could be anything (an
    // IntEnum prints its name): int() gives the plain int, then str() its
    // canonical base-10 text. str() of a plain int raises ValueError only
    // past the interpreter's digit limit (4300 digits by default, since
    // Python 3.11 and the 3.9 and 3.10 security releases).
    // NOTE: Node signs a bigint of any size, so an int past this limit
    // signs there and raises ValueError here (detail too-large on verify).
    let py = value.py();
    let plain = py
        .get_type::<PyInt>()
        .call1((value,))
        .map_err(Rejected::Raised)?;
    let text = plain.str().map_err(|error| {
        if error.is_instance_of::<PyValueError>(py) {
            Rejected::TooLarge(int_digit_limit(py))
        } else {
            Rejected::Raised(error)
        }
    })?;
    let bytes = str_utf8(&text)?;
    Ok(Bytes::Owned(bytes.to_vec()))
}

/// Returns `sys.get_int_max_str_digits()`, or None where Python has no
/// such function.
fn int_digit_limit(py: Python<'_>) -> Option<i64> {
    let sys = py.import("sys").ok()?;
    let limit = sys.getattr("get_int_max_str_digits").ok()?.call0().ok()?;
    limit.extract().ok()
}

/// Writes the base-10 text of `number` into `out` and returns its length.
fn write_decimal(number: i64, out: &mut [u8; 20]) -> usize {
    let mut reversed = [0u8; 20];
    let mut magnitude = number.unsigned_abs();
    let mut count = 0;
    loop {
        // magnitude % 10 is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (magnitude % 10) as u8;
        reversed[count] = b'0' + digit;
        count += 1;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    let mut len = 0;
    if number < 0 {
        out[0] = b'-';
        len = 1;
    }
    for digit in reversed[..count].iter().rev() {
        out[len] = *digit;
        len += 1;
    }
    len
}

fn buffer_bytes<'a>(value: &'a Bound<'_, PyAny>) -> Result<Bytes<'a>, Rejected> {
    if value.is_none() {
        return Err(Rejected::Missing);
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(Bytes::Owned(array.to_vec()));
    }
    if value.is_instance_of::<PyMemoryView>() {
        // The buffer protocol is outside the stable ABI before Python 3.11,
        // so the view is copied through tobytes(), as hmac.new would read it.
        let copied = value.call_method0("tobytes").map_err(Rejected::Raised)?;
        let bytes = copied
            .cast_into::<PyBytes>()
            .map_err(|error| Rejected::Raised(PyErr::from(error)))?;
        return Ok(Bytes::Owned(bytes.as_bytes().to_vec()));
    }
    Err(Rejected::WrongType(type_name(value)))
}

/// Returns the name of the value's type, for error messages.
pub fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |name| name.to_string())
}

static DATETIME_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNIX_EPOCH_UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a timezone-aware `datetime` to a `SystemTime`, exact to the
/// microsecond. `argument` names the parameter in error messages.
pub fn system_time(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<SystemTime> {
    let py = value.py();

    let datetime_type = DATETIME_TYPE.import(py, "datetime", "datetime")?;
    if !value.is_instance(datetime_type)? {
        return Err(PyTypeError::new_err(format!(
            "{argument} must be a timezone-aware datetime, got {}",
            type_name(value)
        )));
    }
    if value.call_method0("utcoffset")?.is_none() {
        return Err(PyValueError::new_err(format!(
            "{argument} is a naive datetime; pass a timezone-aware one, \
             such as datetime.now(timezone.utc)"
        )));
    }

    let epoch = UNIX_EPOCH_UTC.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let module = py.import("datetime")?;
        let utc = module.getattr("timezone")?.getattr("utc")?;
        Ok(datetime_type.call1((1970, 1, 1, 0, 0, 0, 0, utc))?.unbind())
    })?;
    // An aware datetime minus an aware datetime is an exact timedelta,
    // normalised so that seconds and microseconds are never negative.
    let delta = value.sub(epoch.bind(py))?;
    let days: i64 = delta.getattr("days")?.extract()?;
    let seconds: i64 = delta.getattr("seconds")?.extract()?;
    let micros: u64 = delta.getattr("microseconds")?.extract()?;

    let whole = days
        .checked_mul(86_400)
        .and_then(|day_seconds| day_seconds.checked_add(seconds))
        .ok_or_else(|| out_of_range(argument))?;
    let base = pexelize_identity::from_unix_seconds(whole, argument).map_err(core_error)?;
    base.checked_add(Duration::from_micros(micros))
        .ok_or_else(|| out_of_range(argument))
}

fn out_of_range(argument: &str) -> PyErr {
    PyValueError::new_err(format!("{argument} is out of the supported time range"))
}
