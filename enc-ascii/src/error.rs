//! The one error type of the crate.
//!
//! Refusals by the drive (response codes 20 and 30) are not errors: they
//! decode as [`Response`](crate::Response) values with their
//! [`ResponseCode`](crate::ResponseCode).

use core::fmt;

/// Everything that can go wrong while framing, decoding or encoding.
///
/// Offsets count from the frame's first byte, the `~`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Error {
    /// The frame does not start with `~`.
    StartByte {
        /// The byte found instead.
        found: u8,
    },
    /// The frame has no CR terminator.
    Unterminated,
    /// More bytes arrived without a terminator than the framer holds.
    TooLong {
        /// The framer's capacity.
        max: usize,
    },
    /// A lower-case hex digit: the manual allows upper case only.
    LowerCase {
        /// Offset of the byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A byte that is not printable ASCII.
    NotAscii {
        /// Offset of the byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A printable ASCII byte that is not a hex digit.
    NotHex {
        /// Offset of the byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// The frame is not one of the lengths the protocol has (10, 12, 14 or
    /// 18 bytes with `~` and CR).
    Length {
        /// Length found, `~` and CR included.
        len: usize,
    },
    /// The checksum does not match the sum of the frame's characters.
    Checksum {
        /// The sum computed over the received characters.
        expected: u16,
        /// The checksum received.
        actual: u16,
    },
    /// A value outside what the protocol can carry or the manual allows.
    OutOfRange {
        /// What was refused, with its unit (`"address"`, `"frequency, Hz"`).
        what: &'static str,
        /// The value, in units of `10^-scale`.
        value: u32,
        /// The largest allowed value, in the same units.
        max: u32,
        /// Decimals of `value` and `max`.
        scale: u8,
    },
    /// A function-code group that does not exist (groups are F0–F9, FD, FF).
    Group {
        /// The group found.
        found: u8,
    },
    /// Text (a parameter name, a value) could not be read.
    Text {
        /// Offset of the first character not understood.
        offset: usize,
    },
    /// Our own request read back (an RS485 adapter echoing what it
    /// sends): not an answer.
    Echo,
    /// A reply from another address than the one asked.
    WrongAddress {
        /// The address asked.
        expected: u8,
        /// The address that answered.
        found: u8,
    },
    /// A reply echoing another index than the one asked.
    WrongIndex {
        /// The index asked.
        expected: u8,
        /// The index echoed.
        found: u8,
    },
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed, at least.
        needed: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::StartByte { found } => {
                write!(f, "unexpected start byte {found:#04x}, expected '~'")
            }
            Error::Unterminated => f.write_str("frame has no cr terminator"),
            Error::TooLong { max } => write!(f, "frame longer than {max} bytes"),
            Error::LowerCase { offset, byte } => {
                write!(
                    f,
                    "lower-case hex digit {:?} at offset {offset}",
                    char::from(byte)
                )
            }
            Error::NotAscii { offset, byte } => {
                write!(f, "non-ascii byte {byte:#04x} at offset {offset}")
            }
            Error::NotHex { offset, byte } => {
                write!(
                    f,
                    "{:?} at offset {offset} is not a hex digit",
                    char::from(byte)
                )
            }
            Error::Length { len } => write!(f, "frame of {len} bytes; expected 10, 12, 14 or 18"),
            Error::Checksum { expected, actual } => {
                write!(
                    f,
                    "bad checksum: expected {expected:04X}, received {actual:04X}"
                )
            }
            Error::OutOfRange {
                what,
                value,
                max,
                scale,
            } => {
                let div = 10u32.pow(u32::from(scale));
                let w = usize::from(scale);
                if scale == 0 {
                    write!(f, "{what}: {value} is above {max}")
                } else {
                    write!(
                        f,
                        "{what}: {}.{:0w$} is above {}.{:0w$}",
                        value / div,
                        value % div,
                        max / div,
                        max % div
                    )
                }
            }
            Error::Group { found } => write!(f, "function-code group {found:#04x} does not exist"),
            Error::Text { offset } => write!(f, "not understood at character {offset}"),
            Error::Echo => f.write_str("our own request read back (an echo), not an answer"),
            Error::WrongAddress { expected, found } => {
                write!(f, "reply from address {found}, asked {expected}")
            }
            Error::WrongIndex { expected, found } => {
                write!(f, "reply echoes index {found:#04x}, asked {expected:#04x}")
            }
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl core::error::Error for Error {}

/// A hex field's error at the same offset: a lower-case digit, a
/// non-ASCII byte or another non-digit; a frame cut short inside a field
/// is a [`Error::Length`] (its body's length plus the CR).
impl From<proto_core::hex::Error> for Error {
    fn from(e: proto_core::hex::Error) -> Self {
        use proto_core::hex::ErrorKind;
        let offset = e.offset;
        match e.kind {
            ErrorKind::Digit { found: byte } => match byte {
                b'a'..=b'f' => Error::LowerCase { offset, byte },
                0x20..=0x7E => Error::NotHex { offset, byte },
                _ => Error::NotAscii { offset, byte },
            },
            _ => Error::Length { len: offset + 1 },
        }
    }
}

impl From<proto_core::TooSmall> for Error {
    fn from(e: proto_core::TooSmall) -> Self {
        Error::BufferTooSmall { needed: e.needed }
    }
}
