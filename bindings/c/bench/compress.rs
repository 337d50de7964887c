//! The Rust side of the C benchmark. It measures one SHA-256 compression of
//! the `sha2` crate, which the core signs with, the steps of an HMAC from a
//! precomputed key schedule as the core runs them, and the core's signing
//! without the C boundary. Next to `bench.c`'s figures these split the time of
//! `pexelize_keyring_sign` into hashing, the rest of the core, and the FFI
//! call. Run with `make bench-c`.
//!
//! As in `bench.c`, the benchmarks run interleaved, one batch each per round,
//! and each keeps its best and its median round.

use std::hint::black_box;
use std::time::Instant;

use hmac::{Hmac, KeyInit, Mac};
use pexelize_identity::SecurityKey;
use sha2::Sha256;

const ROUNDS: usize = 31;

/// One measured operation and its timings, in ns per call.
struct Benchmark<'a> {
    name: &'static str,
    iterations: u32,
    op: Box<dyn FnMut() + 'a>,
    samples: Vec<f64>,
}

impl Benchmark<'_> {
    fn run_batch(&mut self) {
        let start = Instant::now();
        for _ in 0..self.iterations {
            (self.op)();
        }
        let elapsed = start.elapsed().as_secs_f64() * 1e9;
        self.samples.push(elapsed / f64::from(self.iterations));
    }

    fn best(&self) -> f64 {
        self.samples.iter().copied().fold(f64::INFINITY, f64::min)
    }

    fn median(&self) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }
}

fn main() -> Result<(), pexelize_identity::Error> {
    let secret = b"sk_live_0123456789abcdef";
    // The same steps as the core: clone the precomputed state, hash, finalize.
    // The workspace enables hmac's zeroize feature, so each dropped clone is
    // wiped, because it is as secret as the key.
    let schedule = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .map_err(|_| pexelize_identity::Error::InvalidArgument("key".into()))?;
    let key = SecurityKey::new(secret)?;
    let mut state = [0u32; 8];
    let block = [0u8; 64];
    let mac_bytes = [0xa5u8; 32];

    let mut benchmarks = vec![
        Benchmark {
            name: "sha2 compress256 (one block)",
            iterations: 250_000,
            op: Box::new(|| {
                sha2::block_api::compress256(black_box(&mut state), &[black_box(block)]);
            }),
            samples: Vec::new(),
        },
        Benchmark {
            name: "const-hex encoding of 32 bytes",
            iterations: 1_000_000,
            op: Box::new(|| {
                let mut out = [0u8; 64];
                let _ = const_hex::encode_to_slice(black_box(&mac_bytes), &mut out);
                black_box(out);
            }),
            samples: Vec::new(),
        },
        Benchmark {
            name: "HMAC state clone and zeroizing drop",
            iterations: 500_000,
            op: Box::new(|| drop(black_box(black_box(&schedule).clone()))),
            samples: Vec::new(),
        },
        Benchmark {
            name: "HMAC clone, update, finalize",
            iterations: 75_000,
            op: Box::new(|| {
                let mut mac = black_box(&schedule).clone();
                mac.update(black_box(b"user_123"));
                black_box(mac.finalize().into_bytes());
            }),
            samples: Vec::new(),
        },
        Benchmark {
            name: "core SecurityKey::sign_hex (Rust)",
            iterations: 75_000,
            op: Box::new(|| {
                black_box(black_box(&key).sign_hex(black_box(b"user_123")));
            }),
            samples: Vec::new(),
        },
    ];

    for _ in 0..ROUNDS {
        for benchmark in &mut benchmarks {
            benchmark.run_batch();
        }
    }

    println!(
        "\n{:<40} {:>9} {:>9}",
        "Rust, ns per operation", "best", "median"
    );
    for benchmark in &benchmarks {
        println!(
            "{:<40} {:9.1} {:9.1}",
            benchmark.name,
            benchmark.best(),
            benchmark.median()
        );
    }
    // The floor of the core's own building blocks: two compressions and the
    // hex encoding that the core uses.
    let floor_best = 2.0 * benchmarks[0].best() + benchmarks[1].best();
    let floor_median = 2.0 * benchmarks[0].median() + benchmarks[1].median();
    println!(
        "\nfloor, 2 x compress256 + const-hex: {floor_best:.1} ns best, \
         {floor_median:.1} ns median"
    );
    println!(
        "{:<40} {:6.2}x best, {:6.2}x median",
        "core sign / that floor",
        benchmarks[4].best() / floor_best,
        benchmarks[4].median() / floor_median
    );
    Ok(())
}
