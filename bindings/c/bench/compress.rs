//! The Rust side of the C benchmark. It measures one SHA-256 compression of
//! the `sha2` crate, which the core signs with, the steps of an HMAC from a
//! precomputed key schedule as the core runs them, and the core's signing
//! without the C boundary. Next to `bench.c`'s figures these split the time of
//! `pexelize_keyring_sign` into hashing, the rest of the core, and the FFI
//! call. Run with `make bench-c`.

use std::hint::black_box;
use std::time::Instant;

use hmac::{Hmac, KeyInit, Mac};
use pexelize_identity::SecurityKey;
use sha2::Sha256;

const ROUNDS: usize = 7;

/// Prints and returns the median ns per call of `ROUNDS` rounds.
fn measure(name: &str, iterations: u32, mut op: impl FnMut()) -> f64 {
    for _ in 0..iterations / 10 {
        op();
    }
    let mut samples = [0.0f64; ROUNDS];
    for sample in &mut samples {
        let start = Instant::now();
        for _ in 0..iterations {
            op();
        }
        *sample = start.elapsed().as_secs_f64() * 1e9 / f64::from(iterations);
    }
    samples.sort_by(f64::total_cmp);
    let median = samples[ROUNDS / 2];
    println!(
        "{name:<44} {median:9.1} ns/op  (min {:.1}, max {:.1})",
        samples[0],
        samples[ROUNDS - 1]
    );
    median
}

fn main() -> Result<(), pexelize_identity::Error> {
    let mut state = [0u32; 8];
    let block = [0u8; 64];
    let compress = measure("sha2 compress256 (one block)", 2_000_000, || {
        sha2::block_api::compress256(black_box(&mut state), &[black_box(block)]);
    });

    // The same steps as the core: clone the precomputed state, hash, finalize.
    // The workspace enables hmac's zeroize feature, so each dropped clone is
    // wiped, because it is as secret as the key.
    let secret = b"sk_live_0123456789abcdef";
    let schedule = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .map_err(|_| pexelize_identity::Error::InvalidArgument("key".into()))?;
    measure("HMAC state clone and zeroizing drop", 2_000_000, || {
        drop(black_box(black_box(&schedule).clone()));
    });
    measure("HMAC clone, update, finalize", 2_000_000, || {
        let mut mac = black_box(&schedule).clone();
        mac.update(black_box(b"user_123"));
        black_box(mac.finalize().into_bytes());
    });

    let key = SecurityKey::new(secret)?;
    let sign = measure("core SecurityKey::sign_hex (Rust)", 2_000_000, || {
        black_box(black_box(&key).sign_hex(black_box(b"user_123")));
    });

    println!(
        "\nfloor with sha2, 2 x compress256: {:.1} ns",
        2.0 * compress
    );
    println!(
        "core sign / sha2 floor:                {:5.2}x",
        sign / (2.0 * compress)
    );
    Ok(())
}
