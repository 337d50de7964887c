//! Signing and one-key verification with arbitrary key, user ID and signature bytes.
//! The properties live in pexelize_ct::properties, so cargo test replays them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pexelize_ct::properties::{VerifyInput, check_verify};

fuzz_target!(|input: VerifyInput| check_verify(&input));
