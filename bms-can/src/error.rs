//! The one error type of the crate. Unknown IDs are not errors: they
//! decode as [`Message::Raw`](crate::Message::Raw).

use core::fmt;

/// What can go wrong decoding a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Error {
    /// A known ID with fewer data bytes than its required fields need.
    TooShort {
        /// The CAN ID.
        id: u16,
        /// Data bytes received.
        len: u8,
        /// Data bytes the required fields need.
        min: u8,
    },
    /// More than 8 data bytes (classic CAN carries at most 8).
    TooLong {
        /// Data bytes received.
        len: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::TooShort { id, len, min } => {
                write!(
                    f,
                    "frame {id:#05x} has {len} data bytes, needs at least {min}"
                )
            }
            Error::TooLong { len } => write!(f, "{len} data bytes; classic CAN carries at most 8"),
        }
    }
}

impl core::error::Error for Error {}
