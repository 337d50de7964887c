//! A dudect-style timing test for `pexelize-identity` verification.
//!
//! The method follows Reparaz, Balasch and Verbauwhede, "Dude, is my code
//! constant time?" (DATE 2017): each measurement times one call on an input
//! drawn at random from one of two classes, and Welch's t-test compares the
//! two timing distributions. A |t| at or above [`T_THRESHOLD`] means
//! timing distinguishes the classes, so the code leaks which class an input
//! belongs to. Measurements are also cropped at several percentiles, because
//! interrupts and other processes add a long upper tail that hides small
//! differences. The largest |t| over all these tests is the verdict.
//!
//! [`Scenario`] lists what is measured: the core's `Keyring::verify_at`, and a
//! deliberately leaky early-exit comparison that exists only in this crate so
//! that the harness can be shown to fail.
//!
//! The crate also contains the fuzz properties ([`properties`]) and their oracle
//! ([`reference`]), so that the fuzz targets and `cargo test` run the same
//! checks.

#![deny(missing_docs)]

mod measure;
pub mod properties;
pub mod reference;
mod rng;
mod scenario;
mod welch;

pub use measure::{Report, TestResult, measure};
pub use rng::Rng;
pub use scenario::{Class, Scenario, Target};
pub use welch::Welch;

/// The |t| at or above which a test counts as a timing leak. The dudect
/// authors use 4.5; under the null hypothesis a |t| that large has a
/// probability of about 7 in a million.
pub const T_THRESHOLD: f64 = 4.5;
