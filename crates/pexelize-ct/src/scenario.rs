//! The measured code and the two input classes of each scenario.

use std::time::SystemTime;

use hmac::{Hmac, KeyInit, Mac};
use pexelize_identity::{Keyring, SecurityKey};
use sha2::Sha256;

use crate::rng::Rng;

const MAC_LEN: usize = 32;

/// A signature in hex, as the verify path receives it.
pub type HexInput = [u8; 2 * MAC_LEN];

/// The two classes of a dudect test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The same input every time.
    Fixed = 0,
    /// A fresh random signature every time, or in [`Scenario::KeyIndex`] a
    /// signature made with the second key.
    Random = 1,
}

/// A pair of input classes to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// A signature equal to the expected MAC in its first 31 bytes and wrong
    /// in the last one, against random signatures. An early-exit comparison
    /// runs 31 more steps on the fixed class.
    Prefix31,
    /// The valid signature against random, invalid ones.
    ValidInvalid,
    /// In a keyring of a current key and two previous keys without a
    /// window, a signature made with the first previous key against one
    /// made with the second. Both keys have the same role, so the code after
    /// the match is the same. Trying keys until one matches would stop one
    /// HMAC earlier on the fixed class.
    KeyIndex,
}

/// The verification code whose timing is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The core's `Keyring::verify_at`.
    Core,
    /// HMAC-SHA256 followed by an early-exit byte comparison: a planted leak,
    /// built only into this harness, that the test must flag.
    Leaky,
}

impl Scenario {
    /// Returns the name used in reports and on the command line.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Prefix31 => "prefix31",
            Self::ValidInvalid => "valid-invalid",
            Self::KeyIndex => "key-index",
        }
    }
}

impl Target {
    /// Returns the name used in reports and on the command line.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Core => "core",
            Self::Leaky => "leaky",
        }
    }
}

/// A user ID: 16 random bytes, fresh for every measurement, so every HMAC
/// hashes the same length.
pub(crate) type UserId = [u8; 16];

/// The keys and the code under test.
///
/// The fixed class is a fixed relation to the expected MAC ("right in its
/// first 31 bytes", or "equal"), not a fixed text: each measurement has a
/// fresh user ID, so its signature text is new in both classes. With one
/// repeated text the branch predictor learns the shape checks' branches on
/// that public text, and the test measures that instead of the comparison
/// with the secret MAC.
pub(crate) struct Bench {
    scenario: Scenario,
    target: Target,
    keyring: Keyring,
    leaky_macs: Vec<Hmac<Sha256>>,
    /// The keys that sign the two classes of [`Scenario::KeyIndex`].
    previous_keys: [SecurityKey; 2],
    now: SystemTime,
}

impl Bench {
    pub(crate) fn new(scenario: Scenario, target: Target, rng: &mut Rng) -> Self {
        let mut secrets = [[0u8; 32]; 3];
        for secret in &mut secrets {
            rng.fill(secret);
        }
        let key_count = if scenario == Scenario::KeyIndex { 3 } else { 1 };

        #[allow(clippy::expect_used)]
        let keys: Vec<SecurityKey> = secrets
            .iter()
            .map(|secret| SecurityKey::new(secret).expect("a 32-byte key is valid"))
            .collect();
        #[allow(clippy::expect_used)]
        let mut keyring =
            Keyring::new(keys[0].clone()).expect("a key without a window can be current");
        for key in &keys[1..key_count] {
            #[allow(clippy::expect_used)]
            keyring
                .add_previous(key.clone())
                .expect("a previous key gets its own default id");
        }
        #[allow(clippy::expect_used)]
        let leaky_macs = secrets[..key_count]
            .iter()
            .map(|secret| {
                <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
                    .expect("HMAC takes any key length")
            })
            .collect();

        Self {
            scenario,
            target,
            keyring,
            leaky_macs,
            previous_keys: [keys[1].clone(), keys[2].clone()],
            now: SystemTime::now(),
        }
    }

    /// Writes a fresh user ID and an input of `class` for it.
    pub(crate) fn fill_input(
        &self,
        class: Class,
        rng: &mut Rng,
        user_id: &mut UserId,
        input: &mut HexInput,
    ) {
        rng.fill(user_id);
        let mut mac = [0u8; MAC_LEN];
        match (class, self.scenario) {
            (class, Scenario::KeyIndex) => {
                let key = &self.previous_keys[class as usize];
                decode_hex(key.sign_hex(user_id).as_bytes(), &mut mac);
            }
            (Class::Random, _) => rng.fill(&mut mac),
            (Class::Fixed, scenario) => {
                decode_hex(self.keyring.sign_hex(user_id).as_bytes(), &mut mac);
                if scenario == Scenario::Prefix31 {
                    mac[MAC_LEN - 1] ^= 0x01;
                }
            }
        }
        encode_hex(&mac, input);
    }

    /// Runs the code under test once and returns whether it accepted `input`
    /// as the signature of `user_id`.
    #[inline(never)]
    pub(crate) fn run(&self, user_id: &UserId, input: &HexInput) -> bool {
        match self.target {
            Target::Core => self.keyring.verify_at(user_id, input, self.now).is_ok(),
            Target::Leaky => self.run_leaky(user_id, input),
        }
    }

    /// Tries the keys in order and stops at the first match, comparing with
    /// [`leaky_equal`].
    fn run_leaky(&self, user_id: &UserId, input: &HexInput) -> bool {
        let mut provided = [0u8; MAC_LEN];
        decode_hex(input, &mut provided);
        for key in &self.leaky_macs {
            let mut mac = key.clone();
            mac.update(user_id);
            let computed: [u8; MAC_LEN] = mac.finalize().into_bytes().into();
            if leaky_equal(&computed, &provided) {
                return true;
            }
        }
        false
    }
}

/// Compares byte by byte and returns at the first difference: the planted
/// leak. `black_box` keeps the compiler from turning the loop into one wide
/// comparison, which would hide the early exit.
fn leaky_equal(left: &[u8; MAC_LEN], right: &[u8; MAC_LEN]) -> bool {
    for index in 0..MAC_LEN {
        if std::hint::black_box(left[index]) != std::hint::black_box(right[index]) {
            return false;
        }
    }
    true
}

pub(crate) fn encode_hex(bytes: &[u8; MAC_LEN], out: &mut HexInput) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
}

/// Decodes lowercase hex made by [`encode_hex`] or the core's signer.
fn decode_hex(hex: &[u8], out: &mut [u8; MAC_LEN]) {
    let nibble = |digit: u8| match digit {
        b'0'..=b'9' => digit - b'0',
        _ => (digit | 0x20) - b'a' + 10,
    };
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = (nibble(pair[0]) << 4) | nibble(pair[1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_inputs_have_expected_relation() {
        let mut rng = Rng::from_seed(7);
        for target in [Target::Core, Target::Leaky] {
            let prefix = Bench::new(Scenario::Prefix31, target, &mut rng);
            let mut user = [0u8; 16];
            let mut input = [0u8; 64];
            for _ in 0..100 {
                prefix.fill_input(Class::Fixed, &mut rng, &mut user, &mut input);
                assert!(
                    !prefix.run(&user, &input),
                    "{target:?}: prefix input accepted"
                );
                let signature = prefix.keyring.sign_hex(&user);
                assert_eq!(input[..62], signature.as_bytes()[..62]);
                assert_ne!(input[62..], signature.as_bytes()[62..]);
            }

            let two_keys = Bench::new(Scenario::KeyIndex, target, &mut rng);
            for class in [Class::Fixed, Class::Random] {
                for _ in 0..100 {
                    two_keys.fill_input(class, &mut rng, &mut user, &mut input);
                    assert!(
                        two_keys.run(&user, &input),
                        "{target:?}: {class:?} rejected"
                    );
                }
            }
            let ids = ["previous", "previous-2"];
            for (key, id) in two_keys.previous_keys.iter().zip(ids) {
                let signature = key.sign_hex(&user);
                let outcome = two_keys
                    .keyring
                    .verify_at(&user, signature.as_bytes(), two_keys.now);
                assert_eq!(outcome.map(|verified| verified.key_id), Ok(id));
            }

            let valid = Bench::new(Scenario::ValidInvalid, target, &mut rng);
            for _ in 0..100 {
                valid.fill_input(Class::Fixed, &mut rng, &mut user, &mut input);
                assert!(valid.run(&user, &input), "{target:?}: valid input rejected");
                valid.fill_input(Class::Random, &mut rng, &mut user, &mut input);
                assert!(
                    !valid.run(&user, &input),
                    "{target:?}: random input accepted"
                );
            }
        }
    }

    #[test]
    fn leaky_equal_compares_every_byte() {
        let left = [5u8; MAC_LEN];
        assert!(leaky_equal(&left, &left));
        for index in 0..MAC_LEN {
            let mut right = left;
            right[index] ^= 0x80;
            assert!(!leaky_equal(&left, &right), "difference at {index} missed");
        }
    }
}
