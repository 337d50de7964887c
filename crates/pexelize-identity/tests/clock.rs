//! Time conversions used by the bindings for windows and injected clocks.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, UNIX_EPOCH};

use pexelize_identity::{Code, from_unix_millis, from_unix_seconds, parse_rfc3339};

#[test]
fn millis_convert_exactly() {
    assert_eq!(from_unix_millis(0.0, "now").unwrap(), UNIX_EPOCH);
    let expected = UNIX_EPOCH + Duration::from_millis(1_780_272_000_123);
    assert_eq!(
        from_unix_millis(1_780_272_000_123.0, "now").unwrap(),
        expected
    );
    let before_epoch = UNIX_EPOCH - Duration::from_millis(1_500);
    assert_eq!(from_unix_millis(-1_500.0, "now").unwrap(), before_epoch);
    let fraction = UNIX_EPOCH + Duration::from_micros(2_500);
    assert_eq!(from_unix_millis(2.5, "now").unwrap(), fraction);
}

#[test]
fn millis_out_of_range_rejected() {
    for millis in [f64::NAN, f64::INFINITY, -f64::INFINITY, 1e16, -1e16] {
        let error = from_unix_millis(millis, "acceptUntil").unwrap_err();
        assert_eq!(error.code(), Code::InvalidArgument);
        assert!(error.to_string().starts_with("acceptUntil "), "{error}");
    }
}

#[test]
fn seconds_convert_both_ways_of_epoch() {
    assert_eq!(
        from_unix_seconds(60, "now").unwrap(),
        UNIX_EPOCH + Duration::from_secs(60)
    );
    assert_eq!(
        from_unix_seconds(-60, "now").unwrap(),
        UNIX_EPOCH - Duration::from_secs(60)
    );
}

#[test]
fn rfc3339_parses_offsets_and_fractions() {
    let utc = parse_rfc3339("2026-06-01T00:00:00Z", "until").unwrap();
    let offset = parse_rfc3339("2026-06-01T02:00:00+02:00", "until").unwrap();
    assert_eq!(utc, offset);
    let fraction = parse_rfc3339("1970-01-01T00:00:00.25Z", "until").unwrap();
    assert_eq!(fraction, UNIX_EPOCH + Duration::from_millis(250));
    let before_epoch = parse_rfc3339("1969-12-31T23:59:59.5Z", "until").unwrap();
    assert_eq!(before_epoch, UNIX_EPOCH - Duration::from_millis(500));
}

#[test]
fn rfc3339_rejects_other_forms() {
    for text in ["", "2026-06-01", "June 1, 2026", "2026-06-01T00:00:00"] {
        let error = parse_rfc3339(text, "until").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("until is not an RFC 3339 timestamp"),
            "{error}"
        );
    }
}
