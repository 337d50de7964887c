//! The one error type of the crate, with a stable code string per kind.

use std::fmt;

/// A stable, machine-readable error kind; bindings map each one to their own
/// error class or status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// No accepted key produced the signature, or it is not 64 hex characters.
    VerificationFailed,
    /// The signature was made with a retired key, or with a previous key whose
    /// window has ended.
    SignatureExpired,
    /// The identity, its user ID or its signature is absent or empty.
    IdentityMissing,
    /// A bad argument to signing or configuration: never caused by the
    /// contents of an identity being verified.
    InvalidArgument,
    /// The operating system's random number generator failed.
    Internal,
}

impl Code {
    /// Returns the code string shared by every runtime, such as
    /// `IDENTITY_VERIFICATION_FAILED`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::VerificationFailed => "IDENTITY_VERIFICATION_FAILED",
            Self::SignatureExpired => "IDENTITY_SIGNATURE_EXPIRED",
            Self::IdentityMissing => "IDENTITY_MISSING",
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::Internal => "INTERNAL_ERROR",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reason a signature failed verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureReason {
    /// The signature is well formed, but no accepted key produces it.
    Mismatch,
    /// The signature contains a byte outside ASCII.
    NonAscii,
    /// The signature contains whitespace, such as a trailing newline.
    Whitespace,
    /// The signature starts with `0x`.
    HexPrefix,
    /// The signature is not 64 characters long.
    Length(usize),
    /// The signature contains a character that is not a hex digit.
    NotHex,
}

impl FailureReason {
    /// Returns a short stable name for the reason: `mismatch`, `non-ascii`,
    /// `whitespace`, `prefix`, `length` or `not-hex`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Mismatch => "mismatch",
            Self::NonAscii => "non-ascii",
            Self::Whitespace => "whitespace",
            Self::HexPrefix => "prefix",
            Self::Length(_) => "length",
            Self::NotHex => "not-hex",
        }
    }
}

/// The part of an identity that was absent or empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MissingPart {
    /// No identity at all.
    Identity,
    /// The user ID.
    UserId,
    /// The signature.
    Signature,
}

impl MissingPart {
    /// Returns the part's name as the Node package spells it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::UserId => "userId",
            Self::Signature => "signature",
        }
    }
}

/// Errors of signing, verifying and configuration.
///
/// No variant carries key material, so formatting an error never reveals a
/// key. Key ids and variable names are not secret and may appear.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The signature does not verify; see [`FailureReason`].
    VerificationFailed(FailureReason),
    /// The signature was made with a key that is no longer accepted.
    SignatureExpired {
        /// The id of the key that produced the signature.
        key_id: String,
    },
    /// The identity or one of its parts is absent or empty.
    IdentityMissing(MissingPart),
    /// A bad argument to signing or configuration.
    InvalidArgument(String),
    /// The operating system's random number generator failed.
    RandomUnavailable,
}

impl Error {
    /// Returns the stable kind of this error.
    #[must_use]
    pub const fn code(&self) -> Code {
        match self {
            Self::VerificationFailed(_) => Code::VerificationFailed,
            Self::SignatureExpired { .. } => Code::SignatureExpired,
            Self::IdentityMissing(_) => Code::IdentityMissing,
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::RandomUnavailable => Code::Internal,
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::InvalidArgument(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::VerificationFailed(reason) => match reason {
                FailureReason::Mismatch => {
                    f.write_str("identity signature does not match the user ID under any accepted key")
                }
                FailureReason::NonAscii => f.write_str(
                    "identity signature contains a non-ASCII character; expected 64 hex characters",
                ),
                FailureReason::Whitespace => f.write_str(
                    "identity signature contains whitespace; expected 64 hex characters with nothing around them",
                ),
                FailureReason::HexPrefix => f.write_str(
                    "identity signature starts with 0x; expected 64 hex characters without a prefix",
                ),
                FailureReason::Length(length) => write!(
                    f,
                    "identity signature has {length} characters; expected 64 hex characters"
                ),
                FailureReason::NotHex => f.write_str(
                    "identity signature contains a character that is not a hex digit; expected 64 hex characters",
                ),
            },
            Self::SignatureExpired { key_id } => write!(
                f,
                "identity signature was made with key {key_id:?}, which is no longer accepted; issue a new token"
            ),
            Self::IdentityMissing(part) => match part {
                MissingPart::Identity => f.write_str("identity is missing"),
                MissingPart::UserId => f.write_str("identity has no user ID, or an empty one"),
                MissingPart::Signature => f.write_str("identity has no signature, or an empty one"),
            },
            Self::InvalidArgument(message) => f.write_str(message),
            Self::RandomUnavailable => {
                f.write_str("the operating system's random number generator failed")
            }
        }
    }
}

impl std::error::Error for Error {}
