//! Loading a keyring from environment variables.

use crate::clock::parse_rfc3339;
use crate::{Error, Keyring, SecurityKey};

/// The current key.
pub const ENV_SECURITY_KEY: &str = "PEXELIZE_SECURITY_KEY";
/// A previous key that is still accepted.
pub const ENV_SECURITY_KEY_PREVIOUS: &str = "PEXELIZE_SECURITY_KEY_PREVIOUS";
/// The RFC 3339 time at which the previous key stops being accepted.
pub const ENV_SECURITY_KEY_PREVIOUS_UNTIL: &str = "PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL";

/// Builds a keyring from the process environment; see [`keyring_from_lookup`].
///
/// # Errors
///
/// As [`keyring_from_lookup`], and also when a variable is not valid Unicode.
pub fn keyring_from_env() -> Result<Keyring, Error> {
    let mut failure = None;
    let keyring = keyring_from_lookup(|name| match std::env::var(name) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            failure.get_or_insert_with(|| {
                Error::invalid_argument(format!(
                    "{name} is not valid Unicode; store the key as text"
                ))
            });
            None
        }
    });
    match failure {
        Some(error) => Err(error),
        None => keyring,
    }
}

/// Builds a keyring from `PEXELIZE_SECURITY_KEY` (required),
/// `PEXELIZE_SECURITY_KEY_PREVIOUS` (optional) and
/// `PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL` (optional, RFC 3339), read through
/// `lookup`, which returns `None` for an unset variable.
///
/// # Errors
///
/// [`Error::InvalidArgument`], naming the variable but never its value, when
/// the key is unset or a set variable is empty. The same error covers a value
/// with leading or trailing whitespace, such as the newline at the end of a
/// secrets file, a window that is not RFC 3339, and a window without a
/// previous key.
pub fn keyring_from_lookup<F>(mut lookup: F) -> Result<Keyring, Error>
where
    F: FnMut(&str) -> Option<String>,
{
    let current = read_variable(&mut lookup, ENV_SECURITY_KEY)?.ok_or_else(|| {
        Error::invalid_argument(format!(
            "{ENV_SECURITY_KEY} is not set; set it to the security key from your dashboard"
        ))
    })?;
    let previous = read_variable(&mut lookup, ENV_SECURITY_KEY_PREVIOUS)?;
    let until = read_variable(&mut lookup, ENV_SECURITY_KEY_PREVIOUS_UNTIL)?;

    let mut keyring = Keyring::new(SecurityKey::new(current.as_bytes())?)?;
    match (previous, until) {
        (Some(previous), until) => {
            let mut key = SecurityKey::new(previous.as_bytes())?;
            if let Some(until) = until {
                key =
                    key.with_accept_until(parse_rfc3339(&until, ENV_SECURITY_KEY_PREVIOUS_UNTIL)?);
            }
            keyring.add_previous(key)?;
        }
        (None, Some(_)) => {
            return Err(Error::invalid_argument(format!(
                "{ENV_SECURITY_KEY_PREVIOUS_UNTIL} is set but {ENV_SECURITY_KEY_PREVIOUS} is not; set both or neither"
            )));
        }
        (None, None) => {}
    }
    Ok(keyring)
}

fn read_variable<F>(lookup: &mut F, name: &str) -> Result<Option<zeroize::Zeroizing<String>>, Error>
where
    F: FnMut(&str) -> Option<String>,
{
    let Some(value) = lookup(name).map(zeroize::Zeroizing::new) else {
        return Ok(None);
    };
    if value.is_empty() {
        return Err(Error::invalid_argument(format!(
            "{name} is set but empty; set it to a value or unset it"
        )));
    }
    if value.trim_matches(is_space_or_invisible) != value.as_str() {
        return Err(Error::invalid_argument(format!(
            "{name} has leading or trailing whitespace or an invisible character; remove it (a secrets file often ends in a newline or starts with a byte-order mark)"
        )));
    }
    Ok(Some(value))
}

/// Returns whether `character` is Unicode whitespace or one of the invisible
/// format characters that editors leave around copied text: the byte-order
/// mark U+FEFF, the zero-width space, non-joiner and joiner (U+200B to
/// U+200D) and the word joiner U+2060.
fn is_space_or_invisible(character: char) -> bool {
    character.is_whitespace()
        || matches!(character, '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}')
}
