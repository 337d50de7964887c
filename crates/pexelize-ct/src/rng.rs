//! A small fast generator for class choices and random signatures.

/// xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift
/// generators, scrambled", 2016). The harness needs speed and an even spread,
/// not unpredictability, so the operating system only supplies the seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Creates a generator seeded from the operating system.
    ///
    /// # Panics
    ///
    /// When the operating system's random source is unavailable.
    #[must_use]
    pub fn from_os() -> Self {
        let mut seed = [0u8; 8];
        #[allow(clippy::expect_used)]
        getrandom::fill(&mut seed).expect("the operating system random source is unavailable");
        Self::from_seed(u64::from_le_bytes(seed))
    }

    /// Creates a generator from `seed`; a zero seed is replaced, because
    /// xorshift stays at zero forever.
    #[must_use]
    pub fn from_seed(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Fills `bytes` with random bytes.
    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}
