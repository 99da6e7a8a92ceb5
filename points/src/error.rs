//! Why a point could not be read.

use core::fmt;

use crate::{Encoding, Origin, Unit};

/// Why one point of a reply could not be read. The other points of the
/// reply are read regardless.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PointError {
    /// The location cannot be expressed in the point's encoding (a hex
    /// character in a binary reply, an address outside register replies).
    Unsupported {
        /// The point's encoding.
        encoding: Encoding,
        /// Its offset unit.
        unit: Unit,
        /// Its origin.
        origin: Origin,
    },
    /// The point's register lies before the first register of the read.
    BeforeStart {
        /// The point's register address.
        address: u32,
        /// The read's first register.
        first: u16,
    },
    /// The reply ends before the point does.
    Missing {
        /// Where the point ends, in bytes of the reply.
        end: usize,
        /// The reply's length in bytes.
        len: usize,
    },
    /// A character that is not a hex digit.
    NotHex {
        /// Its position in the reply.
        at: usize,
        /// The character.
        found: u8,
    },
    /// Text that is not a decimal number.
    NotDecimal {
        /// Where the field starts in the reply.
        at: usize,
    },
    /// The point's length does not fit its type.
    Width {
        /// The type.
        kind: &'static str,
        /// The point's length in value bytes.
        bytes: usize,
    },
    /// The point's bit range does not lie inside its value.
    BitsOutside {
        /// The lowest bit.
        first: u8,
        /// The highest bit.
        last: u8,
        /// The value's width in bits.
        width: usize,
    },
    /// The value lies outside the point's valid range.
    OutOfRange {
        /// The value read.
        value: f64,
        /// The lowest valid value.
        min: f64,
        /// The highest valid value.
        max: f64,
    },
}

impl fmt::Display for PointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PointError::Unsupported {
                encoding,
                unit,
                origin,
            } => write!(
                f,
                "a point counted in {} from the {} cannot be read from {} data",
                unit_name(unit),
                origin_name(origin),
                encoding_name(encoding)
            ),
            PointError::BeforeStart { address, first } => write!(
                f,
                "register {address} lies before the read's first register {first}"
            ),
            PointError::Missing { end, len } => write!(
                f,
                "the reply is {len} bytes long but the point ends at byte {end}"
            ),
            PointError::NotHex { at, found } => write!(
                f,
                "byte {at} of the reply is 0x{found:02X}, not a hex digit"
            ),
            PointError::NotDecimal { at } => {
                write!(
                    f,
                    "the field at byte {at} of the reply is not a decimal number"
                )
            }
            PointError::Width { kind, bytes } => {
                write!(f, "a {kind} value cannot be {bytes} bytes long")
            }
            PointError::BitsOutside { first, last, width } => write!(
                f,
                "bits {first} to {last} do not lie inside a {width}-bit value"
            ),
            PointError::OutOfRange { value, min, max } => {
                write!(f, "{value} is outside the valid range {min} to {max}")
            }
        }
    }
}

impl core::error::Error for PointError {}

/// The unit's name in tables and messages.
pub const fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Byte => "bytes",
        Unit::HexChar => "hex characters",
        Unit::Char => "characters",
        Unit::Register => "registers",
    }
}

/// The origin's name in messages.
pub const fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Frame => "start of the frame",
        Origin::Payload => "start of the payload",
        Origin::Address => "register address 0",
    }
}

/// The encoding's name in messages.
pub const fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Binary => "binary",
        Encoding::AsciiHex => "ASCII-hex",
        Encoding::AsciiDecimal => "ASCII-decimal",
        Encoding::Registers => "register",
    }
}
