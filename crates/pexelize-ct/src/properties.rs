//! Properties of the core that the fuzz targets check on arbitrary input, and
//! that the regression tests replay. Each check panics on a violation, which
//! is what the fuzzer reports as a crash.
//!
//! The oracle is [`crate::reference`], never the core's own signer.

use std::time::{SystemTime, UNIX_EPOCH};

use arbitrary::Arbitrary;
use pexelize_identity::{
    Code, ENV_SECURITY_KEY, ENV_SECURITY_KEY_PREVIOUS, ENV_SECURITY_KEY_PREVIOUS_UNTIL, Error,
    FailureReason, KeyRole, Keyring, MAX_KEY_ID_LEN, MissingPart, SecurityKey, from_unix_seconds,
    generate_identity_signature, keyring_from_lookup, verify,
};

use crate::reference::hmac_sha256_hex;

/// Keys beyond this many are ignored, so that one input stays fast.
const MAX_KEYS: usize = 16;

/// Text inserted into every secret the environment check passes, so that a
/// secret leaking into a message is found whatever the fuzzer chose.
pub const CANARY: &str = "k3y-canary-7f3a";

/// Input of [`check_verify`].
#[derive(Arbitrary, Debug)]
pub struct VerifyInput {
    /// The security key.
    pub key: Vec<u8>,
    /// The user ID.
    pub user_id: Vec<u8>,
    /// An arbitrary signature to verify.
    pub signature: Vec<u8>,
    /// Position of the hex character to change in the valid signature.
    pub change_at: u8,
    /// How far to move that character along the hex digits (plus one).
    pub change_by: u8,
}

/// Input of [`check_keyring`].
#[derive(Arbitrary, Debug)]
pub struct KeyringInput {
    /// Keys in order: the first is offered as the current key.
    pub keys: Vec<KeySpec>,
    /// The verification clock, in seconds since the Unix epoch.
    pub now_seconds: i64,
    /// The user ID.
    pub user_id: Vec<u8>,
    /// Position of the hex character to change in each valid signature.
    pub change_at: u8,
}

/// One key offered to a keyring.
#[derive(Arbitrary, Debug)]
pub struct KeySpec {
    /// The secret.
    pub secret: Vec<u8>,
    /// An explicit key id, or the default one.
    pub id: Option<String>,
    /// Even: a previous key; odd: a retired key. Ignored for the first key.
    pub role: u8,
    /// The end of the key's window, in seconds since the Unix epoch.
    pub until_seconds: Option<i64>,
}

/// Input of [`check_env`].
#[derive(Arbitrary, Debug)]
pub struct EnvInput {
    /// Value of the current key variable.
    pub current: Option<String>,
    /// Value of the previous key variable.
    pub previous: Option<String>,
    /// Value of the variable that ends the previous key's window.
    pub until: Option<String>,
    /// The verification clock, in seconds since the Unix epoch.
    pub now_seconds: i64,
    /// The user ID.
    pub user_id: Vec<u8>,
}

/// Checks signing and one-key verification: the signature equals the
/// reference HMAC, it verifies in either case, a changed character fails, and
/// an arbitrary signature gets exactly the outcome its shape calls for.
///
/// # Panics
///
/// When a property does not hold.
pub fn check_verify(input: &VerifyInput) {
    let VerifyInput {
        key,
        user_id,
        signature,
        ..
    } = input;
    let signed = generate_identity_signature(user_id, key);
    if key.is_empty() {
        assert_eq!(code_of(&signed), Some(Code::InvalidArgument));
        assert_eq!(
            code_of(&verify(user_id, signature, key)),
            Some(Code::InvalidArgument)
        );
        return;
    }
    let expected = hmac_sha256_hex(key, user_id);
    let signed = signed.unwrap_or_else(|error| panic!("signing failed: {error}"));
    assert_eq!(
        signed.as_str(),
        expected,
        "signature differs from the reference"
    );

    let missing_user = Err(Error::IdentityMissing(MissingPart::UserId));
    let valid = if user_id.is_empty() {
        missing_user.clone()
    } else {
        Ok(())
    };
    assert_eq!(verify(user_id, expected.as_bytes(), key), valid);
    let upper = expected.to_ascii_uppercase();
    assert_eq!(verify(user_id, upper.as_bytes(), key), valid);

    let changed = change_hex_digit(&expected, input.change_at, input.change_by);
    let mismatch = if user_id.is_empty() {
        missing_user
    } else {
        Err(Error::VerificationFailed(FailureReason::Mismatch))
    };
    assert_eq!(verify(user_id, changed.as_bytes(), key), mismatch);

    let outcome = verify(user_id, signature, key);
    let model = if user_id.is_empty() {
        Err(Code::IdentityMissing)
    } else {
        expected_shape(signature).and_then(|lowercase| {
            if lowercase == expected {
                Ok(())
            } else {
                Err(Code::VerificationFailed)
            }
        })
    };
    assert_eq!(outcome.as_ref().map_err(Error::code).copied(), model);
    if let Err(Error::VerificationFailed(reason)) = &outcome {
        let is_shape_failure = *reason != FailureReason::Mismatch;
        assert_eq!(is_shape_failure, expected_shape(signature).is_err());
    }
}

/// One key of the model keyring that [`check_keyring`] builds alongside the
/// real one.
struct ModelKey {
    secret: Vec<u8>,
    id: String,
    role: KeyRole,
    until: Option<SystemTime>,
}

/// Checks a keyring built from arbitrary keys and windows against a model:
/// which keys are rejected, which key id verifies each key's signature at
/// `now`, that a changed character fails, and the verification counts.
///
/// # Panics
///
/// When a property does not hold.
pub fn check_keyring(input: &KeyringInput) {
    let Some((keyring, model)) = build_keyring(&input.keys) else {
        return;
    };
    let now = from_unix_seconds(input.now_seconds, "now").unwrap_or(UNIX_EPOCH);
    let user_id = &input.user_id;
    assert_eq!(
        keyring.sign(user_id),
        hmac_sha256_hex(&model[0].secret, user_id)
    );

    let mut counts = Counts::default();
    let mut by_key = vec![0u64; model.len()];
    for (index, key) in model.iter().enumerate() {
        let signature = hmac_sha256_hex(&key.secret, user_id);
        let changed = change_hex_digit(&signature, input.change_at.wrapping_add(index as u8), 0);
        for candidate in [signature, changed] {
            let outcome = keyring.verify_at(user_id, candidate.as_bytes(), now);
            let matched = model
                .iter()
                .position(|key| hmac_sha256_hex(&key.secret, user_id) == candidate);
            counts.expect(&outcome, user_id, matched.map(|found| &model[found]), now);
            if let (false, Some(found)) = (user_id.is_empty(), matched) {
                by_key[found] += 1;
            }
        }
    }

    let stats = keyring.stats();
    assert_eq!(
        (stats.valid, stats.failed, stats.expired, stats.missing),
        (counts.valid, counts.failed, counts.expired, counts.missing)
    );
    let model_by_key: Vec<(String, u64)> = model
        .iter()
        .zip(by_key)
        .map(|(key, count)| (key.id.clone(), count))
        .collect();
    assert_eq!(stats.by_key, model_by_key);
}

#[derive(Default)]
struct Counts {
    valid: u64,
    failed: u64,
    expired: u64,
    missing: u64,
}

impl Counts {
    /// Asserts that `outcome` is what the model predicts and counts it.
    fn expect(
        &mut self,
        outcome: &Result<pexelize_identity::Verified<'_>, Error>,
        user_id: &[u8],
        matched: Option<&ModelKey>,
        now: SystemTime,
    ) {
        if user_id.is_empty() {
            assert_eq!(
                outcome.as_ref().err(),
                Some(&Error::IdentityMissing(MissingPart::UserId))
            );
            self.missing += 1;
            return;
        }
        let Some(key) = matched else {
            assert_eq!(
                outcome.as_ref().err(),
                Some(&Error::VerificationFailed(FailureReason::Mismatch))
            );
            self.failed += 1;
            return;
        };
        let accepted = match key.role {
            KeyRole::Current => true,
            KeyRole::Previous => key.until.is_none_or(|until| now < until),
            KeyRole::Retired => false,
        };
        if accepted {
            let verified = outcome
                .as_ref()
                .unwrap_or_else(|error| panic!("key {:?} rejected: {error}", key.id));
            assert_eq!(verified.key_id, key.id);
            assert_eq!(verified.role, key.role);
            self.valid += 1;
        } else {
            assert_eq!(
                outcome.as_ref().err(),
                Some(&Error::SignatureExpired {
                    key_id: key.id.clone()
                })
            );
            self.expired += 1;
        }
    }
}

/// Builds the keyring and its model, asserting that each key is accepted or
/// rejected as the model predicts. Returns `None` when no current key was
/// accepted.
fn build_keyring(specs: &[KeySpec]) -> Option<(Keyring, Vec<ModelKey>)> {
    let mut keyring: Option<Keyring> = None;
    let mut model: Vec<ModelKey> = Vec::new();
    for spec in specs.iter().take(MAX_KEYS) {
        let role = match (model.is_empty(), spec.role % 2) {
            (true, _) => KeyRole::Current,
            (false, 0) => KeyRole::Previous,
            (false, _) => KeyRole::Retired,
        };
        let key = make_key(spec);
        let Some((key, until)) = key else {
            continue;
        };
        let id = spec.id.clone().unwrap_or_else(|| default_id(&model, role));
        let expect_ok = match role {
            KeyRole::Current | KeyRole::Retired => until.is_none(),
            KeyRole::Previous => true,
        } && !model.iter().any(|existing| existing.id == id);

        let added = match (&mut keyring, role) {
            (None, _) => Keyring::new(key).map(|built| keyring = Some(built)),
            (Some(keyring), KeyRole::Previous) => keyring.add_previous(key),
            (Some(keyring), _) => keyring.add_retired(key),
        };
        assert_eq!(
            added.is_ok(),
            expect_ok,
            "adding key {id:?} as {role:?}: {added:?}"
        );
        if let Err(error) = added {
            assert_eq!(error.code(), Code::InvalidArgument);
            continue;
        }
        model.push(ModelKey {
            secret: spec.secret.clone(),
            id,
            role,
            until: if role == KeyRole::Previous {
                until
            } else {
                None
            },
        });
    }
    keyring.map(|keyring| (keyring, model))
}

/// Makes the key of `spec`, asserting that an empty secret, an invalid id and
/// an out-of-range window are rejected. Returns `None` when one was.
fn make_key(spec: &KeySpec) -> Option<(SecurityKey, Option<SystemTime>)> {
    let key = SecurityKey::new(&spec.secret);
    if spec.secret.is_empty() {
        assert_eq!(code_of(&key), Some(Code::InvalidArgument));
        return None;
    }
    let mut key = key.unwrap_or_else(|error| panic!("non-empty key rejected: {error}"));
    if let Some(id) = &spec.id {
        let id_valid =
            !id.is_empty() && id.len() <= MAX_KEY_ID_LEN && !id.chars().any(char::is_control);
        let with_id = key.with_id(id);
        assert_eq!(with_id.is_ok(), id_valid, "key id {id:?}");
        key = with_id.ok()?;
    }
    let until = match spec.until_seconds {
        Some(seconds) => Some(from_unix_seconds(seconds, "until").ok()?),
        None => None,
    };
    if let Some(until) = until {
        key = key.with_accept_until(until);
    }
    Some((key, until))
}

fn default_id(model: &[ModelKey], role: KeyRole) -> String {
    let base = match role {
        KeyRole::Current => "current",
        KeyRole::Previous => "previous",
        KeyRole::Retired => "retired",
    };
    let count = model.iter().filter(|key| key.role == role).count();
    if count == 0 {
        base.to_owned()
    } else {
        format!("{base}-{}", count + 1)
    }
}

/// Checks the environment loader with arbitrary variable values: it accepts
/// exactly the values the rules allow, the loaded keys sign and verify as the
/// reference predicts, and no error message or Debug output contains a secret.
///
/// # Panics
///
/// When a property does not hold.
pub fn check_env(input: &EnvInput) {
    let current = input.current.as_deref().map(plant_canary);
    let previous = input.previous.as_deref().map(plant_canary);
    let until = input.until.clone();
    let loaded = keyring_from_lookup(|name| match name {
        ENV_SECURITY_KEY => current.clone(),
        ENV_SECURITY_KEY_PREVIOUS => previous.clone(),
        ENV_SECURITY_KEY_PREVIOUS_UNTIL => until.clone(),
        _ => panic!("the loader read an unknown variable {name}"),
    });

    let well_formed = |value: &Option<String>| {
        value
            .as_ref()
            .is_none_or(|value| !value.is_empty() && value.trim_matches(is_padding) == value)
    };
    let until_time = until.as_deref().map(parse_rfc3339_oracle);
    let expect_ok = current.is_some()
        && well_formed(&current)
        && well_formed(&previous)
        && well_formed(&until)
        && !(previous.is_none() && until.is_some())
        && until_time.is_none_or(|parsed| parsed.is_some());

    let keyring = match loaded {
        Err(error) => {
            assert!(!expect_ok, "loader rejected valid values: {error}");
            assert_eq!(error.code(), Code::InvalidArgument);
            let message = error.to_string();
            assert!(!message.contains(CANARY), "a secret is in {message:?}");
            assert!(!format!("{error:?}").contains(CANARY));
            return;
        }
        Ok(keyring) => {
            assert!(expect_ok, "loader accepted invalid values");
            keyring
        }
    };
    assert!(!format!("{keyring:?}").contains(CANARY));

    let (Some(current), user_id) = (current, &input.user_id) else {
        unreachable!("a loaded keyring has a current key");
    };
    assert_eq!(
        keyring.sign(user_id),
        hmac_sha256_hex(current.as_bytes(), user_id)
    );
    assert_eq!(keyring.keys().count(), 1 + usize::from(previous.is_some()));
    let Some(previous) = previous else {
        return;
    };
    if user_id.is_empty() {
        return;
    }
    let now = from_unix_seconds(input.now_seconds, "now").unwrap_or(UNIX_EPOCH);
    let signature = hmac_sha256_hex(previous.as_bytes(), user_id);
    let outcome = keyring.verify_at(user_id, signature.as_bytes(), now);
    let until_time = until_time.flatten();
    // Comparing MACs, not key text, because HMAC pads a short key with zero
    // bytes: "k" and "k\0" are different keys with the same MACs.
    if signature == hmac_sha256_hex(current.as_bytes(), user_id) {
        assert_eq!(outcome.map(|verified| verified.key_id), Ok("current"));
    } else if until_time.is_none_or(|until| now < until) {
        assert_eq!(outcome.map(|verified| verified.key_id), Ok("previous"));
    } else {
        assert_eq!(
            outcome.err(),
            Some(Error::SignatureExpired {
                key_id: "previous".to_owned()
            })
        );
    }
}

/// Returns whether the loader rejects `character` at either end of a value:
/// Unicode whitespace, the byte-order mark and the zero-width characters.
fn is_padding(character: char) -> bool {
    character.is_whitespace()
        || matches!(
            character,
            '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
        )
}

/// Puts [`CANARY`] after the first character, which keeps the value's first
/// and last characters, so an empty or whitespace-padded value stays one.
fn plant_canary(value: &str) -> String {
    let mut characters = value.chars();
    match characters.next() {
        Some(first) => format!("{first}{CANARY}{}", characters.as_str()),
        None => String::new(),
    }
}

/// Parses RFC 3339 with the `time` crate directly, as an oracle for the
/// loader's window.
fn parse_rfc3339_oracle(text: &str) -> Option<SystemTime> {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    let parsed = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    Some(SystemTime::from(parsed))
}

/// Returns the lowercase form of `signature` when it is exactly 64 ASCII hex
/// characters, or the code its shape calls for.
fn expected_shape(signature: &[u8]) -> Result<String, Code> {
    if signature.is_empty() {
        return Err(Code::IdentityMissing);
    }
    if signature.len() != 64 || !signature.iter().all(u8::is_ascii_hexdigit) {
        return Err(Code::VerificationFailed);
    }
    Ok(String::from_utf8_lossy(signature).to_ascii_lowercase())
}

/// Replaces the hex digit at `position` (modulo 64) with a different one.
fn change_hex_digit(signature: &str, position: u8, step: u8) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = signature.as_bytes().to_vec();
    let index = usize::from(position) % bytes.len();
    let digit = DIGITS
        .iter()
        .position(|&digit| digit == bytes[index])
        .unwrap_or(0);
    bytes[index] = DIGITS[(digit + 1 + usize::from(step) % 15) % 16];
    String::from_utf8_lossy(&bytes).into_owned()
}

fn code_of<T>(result: &Result<T, Error>) -> Option<Code> {
    result.as_ref().err().map(Error::code)
}
