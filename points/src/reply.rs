//! The bytes a point is read from.

/// A reply, as the points of one command see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Reply<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) payload: usize,
    pub(crate) first_register: u16,
}

impl<'a> Reply<'a> {
    /// A whole frame as it travelled, whose payload starts at byte
    /// `payload` (13 for a YD/T 1363 frame: `~`, VER, ADR, CID1, RTN and
    /// LENGTH come first).
    pub const fn frame(bytes: &'a [u8], payload: usize) -> Self {
        Reply {
            bytes,
            payload,
            first_register: 0,
        }
    }

    /// The payload alone (a YD/T 1363 INFO field, say); points counted
    /// from the frame's start cannot be read from it.
    pub const fn payload(bytes: &'a [u8]) -> Self {
        Reply {
            bytes,
            payload: 0,
            first_register: 0,
        }
    }

    /// The data bytes of a Modbus register read that started at register
    /// `first` (two bytes per register, high byte first).
    pub const fn registers(first: u16, data: &'a [u8]) -> Self {
        Reply {
            bytes: data,
            payload: 0,
            first_register: first,
        }
    }

    /// The bytes.
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}
