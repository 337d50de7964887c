//! A keyring built from arbitrary keys, ids and windows, verified at an arbitrary time.
//! The properties live in pexelize_ct::properties, so cargo test replays them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pexelize_ct::properties::{KeyringInput, check_keyring};

fuzz_target!(|input: KeyringInput| check_keyring(&input));
