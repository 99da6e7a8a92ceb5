//! The one error type of the crate.
//!
//! Protocol refusals (`(NAK`) are not errors: they decode as
//! [`Response::Nak`](crate::Response::Nak).

use core::fmt;

/// Everything that can go wrong while framing, decoding or encoding.
///
/// Each variant carries the evidence: byte offsets count from the frame's
/// first byte (the `(`), field indices count from 1 as in the protocol
/// document's tables.
///
/// With the `serde` feature it serialises (for logs and JSON output); it
/// does not deserialise, as it names commands by `&'static str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Error {
    /// The CRC received does not match the CRC computed over the frame.
    Crc {
        /// CRC computed over the received bytes, after the delimiter adjustment.
        expected: u16,
        /// CRC bytes as received, high byte first.
        actual: u16,
    },
    /// A response does not start with `(` (or `^D` for PI18 frames).
    StartByte {
        /// The byte found where the start byte should be.
        found: u8,
    },
    /// The frame has no CR (or LF) terminator.
    Unterminated,
    /// The frame is too short to hold its start byte and CRC.
    TooShort {
        /// Length of the frame, terminator excluded.
        len: usize,
    },
    /// Bytes other than CR, LF or NUL follow the terminator.
    Trailing {
        /// Offset of the first such byte.
        offset: usize,
    },
    /// More bytes arrived without a terminator than the framer can hold.
    TooLong {
        /// The framer's capacity in bytes.
        max: usize,
    },
    /// A byte that is not printable ASCII sits inside the payload.
    NotAscii {
        /// Offset of the byte from the start of the frame.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// The response has fewer fields than the least that real units send.
    FieldCount {
        /// Smallest number of fields accepted for this response.
        expected: u8,
        /// Number of fields found.
        found: u8,
    },
    /// A field could not be parsed.
    Field {
        /// 1-based field number, as in the protocol document's table.
        index: u8,
        /// What is wrong with it.
        kind: FieldError,
    },
    /// A setting argument is outside the range the protocol document allows.
    ///
    /// Values are in the argument's smallest unit (`scale` decimals): a
    /// battery voltage of 46.5 V with `scale: 1` reads `465`.
    OutOfRange {
        /// The command whose argument was refused (`"PBEQT"`).
        command: &'static str,
        /// The value that was refused.
        found: i32,
        /// Smallest allowed value.
        min: i32,
        /// Largest allowed value.
        max: i32,
        /// Allowed values are `min + k * step`.
        step: i32,
        /// Number of decimals of `found`, `min`, `max` and `step`.
        scale: u8,
    },
    /// A `PE`/`PD` flag letter the document does not list (0: no letter given).
    Flag {
        /// The letter.
        letter: u8,
    },
    /// A command string is not one this crate knows, or its argument is malformed.
    Command {
        /// Offset of the first byte that could not be understood.
        offset: usize,
    },
    /// The output buffer is too small for the encoded frame.
    BufferTooSmall {
        /// Bytes needed, at least.
        needed: usize,
    },
    /// A text value is longer than its fixed capacity.
    Capacity {
        /// The capacity in bytes.
        max: usize,
    },
    /// The command is outside the [`CommandSet`](crate::CommandSet) the
    /// link was built for: nothing was sent, and its reply is not decoded.
    NotInSet {
        /// The command's name (`"QPIGS"`; `"setting"` for settings and raw
        /// commands).
        command: &'static str,
    },
}

/// What is wrong with one field of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FieldError {
    /// Not a decimal number.
    NotNumber,
    /// The number does not fit the field's type.
    Overflow,
    /// A bit field holds a character other than `0` and `1`.
    NotBit,
    /// The field has the wrong number of characters.
    Width {
        /// Characters expected.
        expected: u8,
        /// Characters found.
        found: u8,
    },
    /// A text field is longer than its fixed capacity.
    TooLong,
    /// The field does not have the documented form (prefix, separator).
    Format,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Crc { expected, actual } => {
                write!(
                    f,
                    "bad crc: expected {expected:#06x}, received {actual:#06x}"
                )
            }
            Error::StartByte { found } => write!(f, "unexpected start byte {found:#04x}"),
            Error::Unterminated => f.write_str("frame has no cr terminator"),
            Error::TooShort { len } => write!(f, "frame of {len} bytes is too short"),
            Error::Trailing { offset } => {
                write!(f, "unexpected byte after the terminator at offset {offset}")
            }
            Error::TooLong { max } => write!(f, "frame longer than {max} bytes"),
            Error::NotAscii { offset, byte } => {
                write!(
                    f,
                    "byte {byte:#04x} at offset {offset} is not printable ascii"
                )
            }
            Error::FieldCount { expected, found } => {
                write!(f, "expected at least {expected} fields, found {found}")
            }
            Error::Field { index, kind } => write!(f, "field {index}: {kind}"),
            Error::OutOfRange {
                command,
                found,
                min,
                max,
                step,
                scale,
            } => {
                let d = |v| crate::Decimal::new(v, scale);
                if step == 0 {
                    write!(
                        f,
                        "{command}: {} is not one of the listed values from {} to {}",
                        d(found),
                        d(min),
                        d(max)
                    )
                } else {
                    write!(
                        f,
                        "{command}: {} is outside {}..={} in steps of {}",
                        d(found),
                        d(min),
                        d(max),
                        d(step)
                    )
                }
            }
            Error::Flag { letter: 0 } => f.write_str("no settable flag letter given"),
            // Escaped byte by byte, not `char`'s Debug: that would link
            // the Unicode tables into every firmware image (about 2 KB).
            Error::Flag { letter } => write!(
                f,
                "flag letter '{}' is not one the document lists",
                [letter].escape_ascii()
            ),
            Error::Command { offset } => write!(f, "command not understood at offset {offset}"),
            Error::NotInSet { command } => {
                write!(
                    f,
                    "{command} is outside the command set this link was built for"
                )
            }
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            Error::Capacity { max } => write!(f, "text longer than its capacity of {max} bytes"),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FieldError::NotNumber => f.write_str("not a number"),
            FieldError::Overflow => f.write_str("number too large"),
            FieldError::NotBit => f.write_str("bit field holds a character other than 0 or 1"),
            FieldError::Width { expected, found } => {
                write!(f, "expected {expected} characters, found {found}")
            }
            FieldError::TooLong => f.write_str("text too long"),
            FieldError::Format => f.write_str("not in the documented form"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn flag_letters_print_escaped() {
        let e = |letter| Error::Flag { letter }.to_string();
        assert_eq!(e(b'q'), "flag letter 'q' is not one the document lists");
        assert_eq!(e(7), "flag letter '\\x07' is not one the document lists");
        assert_eq!(e(0), "no settable flag letter given");
    }
}
