//! Conversions between `SystemTime` and the time forms that bindings receive.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::Error;

/// Parses an RFC 3339 timestamp such as `2026-06-01T00:00:00Z`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `field` when `text` is not RFC 3339 or
/// is outside the range `SystemTime` can hold.
pub fn parse_rfc3339(text: &str, field: &str) -> Result<SystemTime, Error> {
    let parsed = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        Error::invalid_argument(format!(
            "{field} is not an RFC 3339 timestamp; use a form such as 2026-06-01T00:00:00Z"
        ))
    })?;
    let nanos = parsed.unix_timestamp_nanos();
    let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).ok();
    let subsec = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok();
    seconds
        .zip(subsec)
        .and_then(|(seconds, subsec)| from_unix(seconds, subsec))
        .ok_or_else(|| out_of_range(field))
}

/// Converts milliseconds since the Unix epoch, which may be negative or have
/// a fraction (as JavaScript's `Date.getTime()` gives), to a `SystemTime`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `field` when `millis` is not finite or
/// is out of range.
pub fn from_unix_millis(millis: f64, field: &str) -> Result<SystemTime, Error> {
    if !millis.is_finite() {
        return Err(Error::invalid_argument(format!(
            "{field} is not a valid time; pass a Date, epoch milliseconds or an RFC 3339 string"
        )));
    }
    // Times beyond ±1e15 ms (about 31,000 years) are out of range on purpose:
    // within it, the float arithmetic below is exact to the microsecond.
    if millis.abs() > 1e15 {
        return Err(out_of_range(field));
    }
    let whole = millis.floor();
    let seconds = (whole / 1000.0).floor();
    let nanos = ((millis - seconds * 1000.0) * 1_000_000.0).round();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (seconds, nanos) = (seconds as i64, (nanos as u32).min(999_999_999));
    from_unix(seconds, nanos).ok_or_else(|| out_of_range(field))
}

/// Converts whole seconds since the Unix epoch to a `SystemTime`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `field` when it is out of range.
pub fn from_unix_seconds(seconds: i64, field: &str) -> Result<SystemTime, Error> {
    from_unix(seconds, 0).ok_or_else(|| out_of_range(field))
}

fn from_unix(seconds: i64, subsec_nanos: u32) -> Option<SystemTime> {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    let base = if seconds >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    };
    base?.checked_add(Duration::from_nanos(u64::from(subsec_nanos)))
}

fn out_of_range(field: &str) -> Error {
    Error::invalid_argument(format!("{field} is out of the supported time range"))
}
