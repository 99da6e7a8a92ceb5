//! What can go wrong.

use core::fmt;

/// An SLCAN error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Error {
    /// A character that does not belong at `offset` of the line.
    Line {
        /// Offset in the line.
        offset: usize,
    },
    /// A line longer than the decoder holds.
    TooLong,
    /// The output buffer is too small.
    BufferTooSmall,
    /// A CAN bit rate with no `Sn` command; nothing was sent.
    Bitrate {
        /// The bit rate asked for, bit/s.
        bitrate: u32,
    },
    /// A frame whose identifier does not fit its kind (over 0x7FF
    /// standard, over 0x1FFF_FFFF extended) or with a DLC over 8.
    Frame {
        /// The identifier.
        id: u32,
    },
    /// The adapter answered BEL: it refused the command.
    Refused,
    /// Our own command read back (`V` with no version after it): an
    /// echo, not an answer.
    Echo,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Line { offset } => write!(f, "slcan line not understood at character {offset}"),
            Error::TooLong => f.write_str("slcan line too long"),
            Error::BufferTooSmall => f.write_str("buffer too small"),
            Error::Bitrate { bitrate } => write!(
                f,
                "slcan has no command for {bitrate} bit/s (10000, 20000, 50000, 100000, \
                 125000, 250000, 500000, 800000 or 1000000)"
            ),
            Error::Frame { id } => write!(f, "not a classic CAN frame (id {id:#x})"),
            Error::Refused => f.write_str("the adapter refused the command (BEL)"),
            Error::Echo => f.write_str("our own command read back (an echo), not an answer"),
        }
    }
}

impl core::error::Error for Error {}
