//! The environment loader with arbitrary variable values.
//! The properties live in pexelize_ct::properties, so cargo test replays them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pexelize_ct::properties::{EnvInput, check_env};

fuzz_target!(|input: EnvInput| check_env(&input));
