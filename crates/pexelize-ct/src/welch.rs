//! Welch's t-test, accumulated one sample at a time.

/// Running mean and variance of two classes of samples (Welford's method,
/// which stays accurate over millions of samples where summing squares would
/// lose precision).
#[derive(Clone, Debug, Default)]
pub struct Welch {
    count: [f64; 2],
    mean: [f64; 2],
    squares: [f64; 2],
}

impl Welch {
    /// Adds one sample of class `class` (0 or 1).
    pub fn push(&mut self, class: usize, sample: f64) {
        self.count[class] += 1.0;
        let delta = sample - self.mean[class];
        self.mean[class] += delta / self.count[class];
        self.squares[class] += delta * (sample - self.mean[class]);
    }

    /// Returns how many samples class `class` has.
    #[must_use]
    pub fn count(&self, class: usize) -> u64 {
        // Counts are whole numbers far below 2^53, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let count = self.count[class] as u64;
        count
    }

    /// Returns the mean of class `class`.
    #[must_use]
    pub fn mean(&self, class: usize) -> f64 {
        self.mean[class]
    }

    /// Returns Welch's t statistic, or 0 while a class has fewer than two
    /// samples or both variances are zero.
    #[must_use]
    pub fn t(&self) -> f64 {
        if self.count[0] < 2.0 || self.count[1] < 2.0 {
            return 0.0;
        }
        let variance = |class: usize| self.squares[class] / (self.count[class] - 1.0);
        let error = (variance(0) / self.count[0] + variance(1) / self.count[1]).sqrt();
        if error == 0.0 {
            return 0.0;
        }
        (self.mean[0] - self.mean[1]) / error
    }
}

#[cfg(test)]
mod tests {
    use super::Welch;

    #[test]
    fn t_matches_hand_computed_value() {
        // Class 0: 1, 2, 3, 4 (mean 2.5, variance 5/3).
        // Class 1: 2, 4, 6, 8 (mean 5, variance 20/3).
        // t = (2.5 - 5) / sqrt(5/12 + 20/12) = -2.5 / sqrt(25/12).
        let mut welch = Welch::default();
        for value in [1.0, 2.0, 3.0, 4.0] {
            welch.push(0, value);
        }
        for value in [2.0, 4.0, 6.0, 8.0] {
            welch.push(1, value);
        }
        let expected = -2.5 / (25.0_f64 / 12.0).sqrt();
        assert!((welch.t() - expected).abs() < 1e-12, "t = {}", welch.t());
        assert_eq!(welch.count(0), 4);
        assert_eq!(welch.count(1), 4);
        assert!((welch.mean(1) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn t_is_zero_without_enough_samples() {
        let mut welch = Welch::default();
        welch.push(0, 1.0);
        welch.push(1, 2.0);
        assert!(welch.t().abs() < f64::EPSILON);
    }

    #[test]
    fn t_is_zero_for_constant_samples() {
        let mut welch = Welch::default();
        for _ in 0..10 {
            welch.push(0, 7.0);
            welch.push(1, 7.0);
        }
        assert!(welch.t().abs() < f64::EPSILON);
    }
}
