//! What can be wrong with a frame, and where.

use core::fmt;

use proto_core::hex;

use crate::Rtn;

/// A YD/T 1363 error. Offsets count from the frame's `~`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Error {
    /// The frame does not start with `~`.
    Start {
        /// The first byte.
        found: u8,
    },
    /// A byte that is not an upper-case hex digit.
    NotHex {
        /// Where.
        offset: usize,
        /// The byte.
        found: u8,
    },
    /// Fewer characters than the header, LENGTH and CHKSUM need (16
    /// between `~` and CR).
    Short {
        /// The characters there are between `~` and CR.
        len: usize,
    },
    /// The LENGTH field's checksum nibble does not match its LENID.
    LengthChecksum {
        /// The nibble LENID calls for.
        expected: u8,
        /// The nibble sent.
        found: u8,
    },
    /// LENID is odd: INFO is two characters a byte.
    OddLength {
        /// LENID as sent.
        lenid: u16,
    },
    /// INFO is not as long as LENID says.
    Length {
        /// LENID: the INFO characters announced.
        lenid: u16,
        /// The INFO characters there are.
        found: usize,
    },
    /// CHKSUM does not match the frame.
    Checksum {
        /// The checksum of the frame's characters.
        expected: u16,
        /// The checksum sent.
        actual: u16,
    },
    /// Our own request read back (an RS485 adapter echoing what it
    /// sends, or a device repeating it): not an answer.
    Echo,
    /// A reply from another address or device type than the one asked.
    Mismatch {
        /// ADR asked.
        adr: u8,
        /// CID1 asked.
        cid1: u8,
        /// ADR of the reply.
        found_adr: u8,
        /// CID1 of the reply.
        found_cid1: u8,
    },
    /// A frame longer than the framer holds, or INFO over 4095 characters.
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// A frame cut off by the next `~` before its CR.
    Unterminated,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed, at least.
        needed: usize,
    },
    /// INFO ends inside a field.
    Cut {
        /// Where the field starts.
        offset: usize,
        /// INFO characters missing.
        needed: usize,
    },
    /// INFO goes on after the last field of its layout.
    Trailing {
        /// Where the extra characters start.
        offset: usize,
        /// Extra INFO bytes.
        extra: usize,
    },
    /// A count in INFO (cells, temperatures, bytes) larger than the type
    /// holds.
    TooMany {
        /// Where the count is; for bytes counted by INFO's length (a
        /// text, a raw tail), where they start.
        offset: usize,
        /// The count sent.
        count: usize,
        /// The most the type holds.
        max: usize,
    },
    /// A reply whose RTN is not 00: it carries no typed content.
    Refused {
        /// The return code.
        rtn: Rtn,
    },
    /// A frame of another device type than the one decoding it.
    DeviceType {
        /// CID1 expected.
        expected: u8,
        /// CID1 sent.
        found: u8,
    },
}

impl Error {
    /// A hex reader's error at `base` characters into the frame.
    pub(crate) fn hex(e: hex::Error, base: usize) -> Self {
        let offset = base + e.offset;
        match e.kind {
            hex::ErrorKind::Digit { found } => Error::NotHex { offset, found },
            _ => Error::Short { len: offset - 1 },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Start { found } => write!(f, "frame starts with {found:#04x}, not '~'"),
            Error::NotHex { offset, found } => write!(
                f,
                "byte {found:#04x} at offset {offset} is not an upper-case hex digit"
            ),
            Error::Short { len } => write!(
                f,
                "frame too short: {len} characters between '~' and CR, at least 16 needed"
            ),
            Error::LengthChecksum { expected, found } => write!(
                f,
                "LENGTH checksum nibble is {found:X}, its LENID calls for {expected:X}"
            ),
            Error::OddLength { lenid } => write!(f, "LENID {lenid} is odd"),
            Error::Length { lenid, found } => {
                write!(f, "INFO has {found} characters, LENID says {lenid}")
            }
            Error::Checksum { expected, actual } => write!(
                f,
                "CHKSUM is {actual:04X}, the frame's characters give {expected:04X}"
            ),
            Error::Echo => f.write_str("our own request read back (an echo), not an answer"),
            Error::Mismatch {
                adr,
                cid1,
                found_adr,
                found_cid1,
            } => write!(
                f,
                "reply from address {found_adr:#04x} type {found_cid1:#04x}, asked \
                 {adr:#04x} type {cid1:#04x}"
            ),
            Error::TooLong { max } => write!(f, "frame longer than {max} characters"),
            Error::Unterminated => f.write_str("frame cut off by the next '~'"),
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            Error::Cut { offset, needed } => write!(
                f,
                "INFO ends inside the field at offset {offset}: {needed} more characters needed"
            ),
            Error::Trailing { offset, extra } => write!(
                f,
                "{extra} INFO bytes left over at offset {offset}, after the last field"
            ),
            Error::TooMany { offset, count, max } => write!(
                f,
                "count {count} at offset {offset} is more than the {max} held"
            ),
            Error::Refused { rtn } => {
                write!(f, "the device answered RTN {:#04x}, not 00", rtn.raw())
            }
            Error::DeviceType { expected, found } => write!(
                f,
                "frame of device type {found:#04x}, expected {expected:#04x}"
            ),
        }
    }
}

impl core::error::Error for Error {}
