//! The one error type of the crate. Exception responses are not errors:
//! they decode as [`Response::Exception`](crate::Response::Exception).

use core::fmt;

use crate::Field;

/// What can go wrong framing, decoding or encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Error {
    /// The CRC does not match.
    Crc {
        /// CRC computed over the frame.
        expected: u16,
        /// CRC received (as the value, not the wire order).
        actual: u16,
    },
    /// The frame is shorter than its function code needs.
    TooShort {
        /// Bytes present.
        len: usize,
        /// Bytes needed, at least.
        needed: usize,
    },
    /// The frame is longer than its function code allows, or than 256 bytes.
    TooLong {
        /// Bytes present.
        len: usize,
    },
    /// Function code 0, or 128 and up where a request is expected; or,
    /// from [`Response::decode_for`](crate::Response::decode_for), a
    /// reply for another function than the request's.
    Function {
        /// The code.
        code: u8,
    },
    /// A quantity outside the function code's range.
    Quantity {
        /// The function code.
        function: u8,
        /// The quantity found.
        found: u16,
        /// The largest allowed.
        max: u16,
    },
    /// A byte count that disagrees with the quantity or the frame length.
    ByteCount {
        /// The function code.
        function: u8,
        /// The byte count found.
        found: usize,
        /// The byte count expected.
        expected: usize,
    },
    /// A value the function code does not allow (FC05 other than 0x0000/0xFF00,
    /// an FC2B/0E read code other than 1–4, a file reference type other than 6).
    Value {
        /// The function code.
        function: u8,
        /// The value.
        found: u16,
    },
    /// An address outside 1–247 for a unicast, or 0 for a function that cannot be broadcast.
    Address {
        /// The address.
        found: u8,
    },
    /// A reply from another address or for another function than asked.
    Mismatch {
        /// Address asked.
        address: u8,
        /// Function asked.
        function: u8,
        /// Address that answered.
        found_address: u8,
        /// Function that came back (exceptions have bit 7 set).
        found_function: u8,
    },
    /// A reply from the unit asked, for the function asked, that does not
    /// answer the request: a byte count, an echoed address, value,
    /// sub-function… differs (see [`Expected`](crate::Expected)).
    NotAnswer {
        /// What differs.
        field: Field,
        /// The value the request calls for.
        expected: u16,
        /// The value in the reply.
        found: u16,
    },
    /// A frame cut by a silence longer than t1.5 (and shorter than t3.5) inside it.
    Gap,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed, at least.
        needed: usize,
    },
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
            Error::TooShort { len, needed } => write!(f, "frame of {len} bytes, needs {needed}"),
            Error::TooLong { len } => write!(f, "frame of {len} bytes is too long"),
            Error::Function { code } => write!(f, "function code {code:#04x} is not valid here"),
            Error::Quantity {
                function,
                found,
                max,
            } => {
                write!(
                    f,
                    "function {function:#04x}: quantity {found} outside 1..={max}"
                )
            }
            Error::ByteCount {
                function,
                found,
                expected,
            } => write!(
                f,
                "function {function:#04x}: byte count {found}, expected {expected}"
            ),
            Error::Value { function, found } => {
                write!(
                    f,
                    "function {function:#04x}: value {found:#06x} not allowed"
                )
            }
            Error::Address { found } => write!(f, "address {found} not allowed here"),
            Error::Mismatch {
                address,
                function,
                found_address,
                found_function,
            } => write!(
                f,
                "reply from address {found_address} function {found_function:#04x}, asked {address} function {function:#04x}"
            ),
            Error::NotAnswer {
                field,
                expected,
                found,
            } => {
                write!(f, "reply does not answer the request: {field} ")?;
                field.write_value(f, found)?;
                f.write_str(", expected ")?;
                field.write_value(f, expected)
            }
            Error::Gap => f.write_str("silence inside a frame (over t1.5): frame discarded"),
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl core::error::Error for Error {}

impl From<proto_core::TooSmall> for Error {
    fn from(e: proto_core::TooSmall) -> Self {
        Error::BufferTooSmall { needed: e.needed }
    }
}
