//! Verification counts of a keyring, by outcome and by key.

use std::ffi::c_char;

use crate::boundary::*;
use crate::keyring::*;
use crate::status::pexelize_status::*;
use crate::status::*;

/// Verification counts of a keyring since it was built, by outcome.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct pexelize_keyring_stats {
    /// Verifications that returned `PEXELIZE_OK`.
    pub valid: u64,
    /// Verifications that returned `PEXELIZE_IDENTITY_VERIFICATION_FAILED`.
    pub failed: u64,
    /// Verifications that returned `PEXELIZE_IDENTITY_SIGNATURE_EXPIRED`.
    pub expired: u64,
    /// Verifications that returned `PEXELIZE_IDENTITY_MISSING`.
    pub missing: u64,
    /// Number of keys in the keyring; valid indexes for
    /// `pexelize_keyring_get_key_stats` are 0 to `key_count - 1`.
    pub key_count: usize,
}

/// Copies the verification counts of `ring` to `*out`, so an operator can
/// see how many identities failed or expired.
///
/// Calls that returned `PEXELIZE_INVALID_ARGUMENT` or
/// `PEXELIZE_INTERNAL_ERROR` before verifying are not counted.
///
/// Thread-safe: it may run while other threads verify. Each counter is read
/// atomically, but the counters are not read at one instant, so under
/// concurrent verification they may be a few verifications apart.
///
/// NULL: `ring` and `out` must not be NULL. `*out` is written only on
/// `PEXELIZE_OK`.
///
/// Returns:
/// - `PEXELIZE_OK` when `*out` contains the counts.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` or `out` is NULL.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// non-NULL `out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_get_stats(
    ring: *const pexelize_keyring,
    out: *mut pexelize_keyring_stats,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring; reading stats only
        // loads atomic counters.
        let ring = unsafe { ring.as_ref() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        if out.is_null() {
            return Err(PEXELIZE_INVALID_ARGUMENT);
        }

        let stats = ring.keyring.stats();
        let counts = pexelize_keyring_stats {
            valid: stats.valid,
            failed: stats.failed,
            expired: stats.expired,
            missing: stats.missing,
            key_count: stats.by_key.len(),
        };

        // SAFETY: `out` is not NULL and the caller guarantees it is writable.
        unsafe { out.write(counts) };
        Ok(())
    })
}

/// Reports the key at `index` of `ring` (0 is the current key, then the
/// others in the order they were added): its id and how many signatures it
/// produced, whether they were accepted or expired. A previous key whose
/// count stops growing is no longer presented and can be retired.
///
/// `*key_id` receives a NUL-terminated string that belongs to `ring` and
/// stays valid until `pexelize_keyring_free`.
///
/// Thread-safe: it may run while other threads verify.
///
/// NULL: `ring` must not be NULL. `key_id` and `matches` may be NULL, and
/// that output is then skipped. Outputs are written only on `PEXELIZE_OK`.
///
/// Returns:
/// - `PEXELIZE_OK` when the outputs contain the key's id and count.
/// - `PEXELIZE_INVALID_ARGUMENT` when `ring` is NULL or `index` is not below
///   `key_count` of `pexelize_keyring_get_stats`.
/// - `PEXELIZE_INTERNAL_ERROR` when the library failed internally.
///
/// # Safety
///
/// Non-NULL `ring` comes from `pexelize_keyring_new` and is not freed;
/// non-NULL `key_id` and `matches` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pexelize_keyring_get_key_stats(
    ring: *const pexelize_keyring,
    index: usize,
    key_id: *mut *const c_char,
    matches: *mut u64,
) -> pexelize_status {
    run(|| {
        // SAFETY: the caller guarantees a live keyring; reading stats only
        // loads atomic counters.
        let ring = unsafe { ring.as_ref() }.ok_or(PEXELIZE_INVALID_ARGUMENT)?;

        let stats = ring.keyring.stats();
        let (id, count) = stats.by_key.get(index).ok_or(PEXELIZE_INVALID_ARGUMENT)?;
        let c_id = ring
            .key_ids
            .get(index)
            .filter(|c_id| c_id.to_bytes() == id.as_bytes())
            .ok_or(PEXELIZE_INTERNAL_ERROR)?;

        if !key_id.is_null() {
            // SAFETY: `key_id` is not NULL and the caller guarantees it is
            // writable; the id lives in `ring`.
            unsafe { key_id.write(c_id.as_ptr()) };
        }
        if !matches.is_null() {
            // SAFETY: `matches` is not NULL and the caller guarantees it is
            // writable.
            unsafe { matches.write(*count) };
        }
        Ok(())
    })
}
