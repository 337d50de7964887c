//! The measurement loop and the set of t-tests over its samples.

use std::hint::black_box;
use std::time::Instant;

use crate::rng::Rng;
use crate::scenario::{Bench, Class, HexInput, Scenario, Target, UserId};
use crate::welch::Welch;

/// Measurements per batch. Inputs are prepared before a batch is timed, so
/// making them costs nothing inside the timed region.
const BATCH: usize = 10_000;

/// Percentiles at which the samples are cropped, in addition to the test over
/// every sample.
const CROP_PERCENTILES: [f64; 5] = [0.5, 0.75, 0.9, 0.95, 0.99];

/// One t-test over the samples below a cut-off.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// `all` or the percentile the samples were cropped at, such as `p90`.
    pub label: String,
    /// Samples above this many nanoseconds were left out (`u64::MAX` for all).
    pub cutoff_ns: u64,
    /// The Welch t statistic, fixed class minus random class.
    pub t: f64,
    /// Samples of the fixed class in this test.
    pub fixed_count: u64,
    /// Samples of the random class in this test.
    pub random_count: u64,
    /// Mean time in nanoseconds of the fixed class, then the random class,
    /// over the samples in this test.
    pub mean_ns: [f64; 2],
}

/// The outcome of one scenario against one target.
#[derive(Clone, Debug)]
pub struct Report {
    /// The pair of input classes.
    pub scenario: Scenario,
    /// The code measured.
    pub target: Target,
    /// Mean time of one call in nanoseconds, fixed class then random class.
    pub mean_ns: [f64; 2],
    /// Every t-test, the uncropped one first.
    pub tests: Vec<TestResult>,
}

impl Report {
    /// Returns the largest |t| over all tests: the verdict statistic.
    #[must_use]
    pub fn max_abs_t(&self) -> f64 {
        self.tests
            .iter()
            .map(|test| test.t.abs())
            .fold(0.0, f64::max)
    }

    /// Returns the samples per class in the uncropped test, the smaller of
    /// the two classes.
    #[must_use]
    pub fn per_class(&self) -> u64 {
        self.tests
            .first()
            .map_or(0, |test| test.fixed_count.min(test.random_count))
    }
}

/// Times `target` on inputs of both classes of `scenario`, in random order,
/// until each class has at least `per_class` samples.
pub fn measure(scenario: Scenario, target: Target, per_class: u64, rng: &mut Rng) -> Report {
    let bench = Bench::new(scenario, target, rng);
    let mut batch = Batch::new();

    // The first batch warms caches and branch predictors and sets the
    // cropping cut-offs. Its samples are not tested.
    batch.prepare(&bench, rng);
    batch.time(&bench);
    let cutoffs = cutoffs(&batch.times);

    let mut tests = vec![Welch::default(); cutoffs.len() + 1];
    while tests[0].count(0) < per_class || tests[0].count(1) < per_class {
        batch.prepare(&bench, rng);
        batch.time(&bench);
        for (&class, &time) in batch.classes.iter().zip(&batch.times) {
            let class = class as usize;
            #[allow(clippy::cast_precision_loss)]
            let sample = time as f64;
            tests[0].push(class, sample);
            for (welch, &(_, cutoff)) in tests[1..].iter_mut().zip(&cutoffs) {
                if time <= cutoff {
                    welch.push(class, sample);
                }
            }
        }
    }

    let labels = std::iter::once(("all".to_owned(), u64::MAX)).chain(cutoffs);
    Report {
        scenario,
        target,
        mean_ns: [tests[0].mean(0), tests[0].mean(1)],
        tests: labels
            .zip(&tests)
            .map(|((label, cutoff_ns), welch)| TestResult {
                label,
                cutoff_ns,
                t: welch.t(),
                fixed_count: welch.count(0),
                random_count: welch.count(1),
                mean_ns: [welch.mean(0), welch.mean(1)],
            })
            .collect(),
    }
}

struct Batch {
    classes: Vec<Class>,
    users: Vec<UserId>,
    inputs: Vec<HexInput>,
    times: Vec<u64>,
}

impl Batch {
    fn new() -> Self {
        Self {
            classes: vec![Class::Fixed; BATCH],
            users: vec![[0u8; 16]; BATCH],
            inputs: vec![[0u8; 64]; BATCH],
            times: vec![0; BATCH],
        }
    }

    /// Chooses each class at random and writes its input. Fixed inputs are
    /// copied into the same array as random ones, so both classes are read
    /// from the same kind of memory during timing.
    fn prepare(&mut self, bench: &Bench, rng: &mut Rng) {
        let slots = self.classes.iter_mut().zip(&mut self.users);
        for ((class, user), input) in slots.zip(&mut self.inputs) {
            *class = if rng.next_u64() & 1 == 0 {
                Class::Fixed
            } else {
                Class::Random
            };
            bench.fill_input(*class, rng, user, input);
        }
    }

    fn time(&mut self, bench: &Bench) {
        let calls = self.users.iter().zip(&self.inputs);
        for ((user, input), time) in calls.zip(&mut self.times) {
            let start = Instant::now();
            black_box(bench.run(black_box(user), black_box(input)));
            let elapsed = start.elapsed().as_nanos();
            *time = u64::try_from(elapsed).unwrap_or(u64::MAX);
        }
    }
}

/// Returns the cut-off time at each of [`CROP_PERCENTILES`] of `times`.
fn cutoffs(times: &[u64]) -> Vec<(String, u64)> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    CROP_PERCENTILES
        .iter()
        .map(|&percentile| {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let index = ((sorted.len() as f64) * percentile) as usize;
            let cutoff = sorted[index.min(sorted.len() - 1)];
            (format!("p{}", (percentile * 100.0).round()), cutoff)
        })
        .collect()
}
