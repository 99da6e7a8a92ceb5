//! Views over register and coil data that borrow from the frame, and the
//! exception codes.

/// Big-endian 16-bit registers, borrowed from a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Words<'a>(pub(crate) &'a [u8]);

impl<'a> Words<'a> {
    /// Registers from their bytes (big-endian pairs; an odd last byte is ignored).
    pub const fn new(bytes: &'a [u8]) -> Self {
        Words(bytes)
    }

    /// Number of registers.
    pub fn len(&self) -> usize {
        self.0.len() / 2
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Register `i`.
    pub fn get(&self, i: usize) -> Option<u16> {
        let b = self.0.get(2 * i..2 * i + 2)?;
        Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
    }

    /// The registers in order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + 'a {
        self.0
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes(<[u8; 2]>::try_from(c).unwrap_or_default()))
    }

    /// The bytes as they are on the wire.
    pub const fn bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// Coils or discrete inputs, packed LSB first, borrowed from a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bits<'a> {
    bytes: &'a [u8],
    count: u16,
}

impl<'a> Bits<'a> {
    /// `count` bits packed in `bytes` (bit 0 of byte 0 first).
    pub const fn new(bytes: &'a [u8], count: u16) -> Self {
        Bits { bytes, count }
    }

    /// Number of bits.
    pub const fn len(&self) -> u16 {
        self.count
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bit `i`.
    pub fn get(&self, i: u16) -> Option<bool> {
        if i >= self.count {
            return None;
        }
        let b = self.bytes.get(usize::from(i / 8))?;
        Some(b >> (i % 8) & 1 == 1)
    }

    /// The bits in order.
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.count).map(|i| self.get(i).unwrap_or(false))
    }

    /// The packed bytes.
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Unpacks the bits into `out`, one `bool` each, in order, as
    /// [`iter`](Self::iter) yields them; returns how many were written (the
    /// fewer of [`len`](Self::len) and `out.len()`). A byte's eight bits go
    /// out in one step, which the compiler vectorises: several times
    /// faster than `iter` on a long read.
    pub fn unpack(&self, out: &mut [bool]) -> usize {
        let n = usize::from(self.count).min(out.len());
        let out = out.get_mut(..n).unwrap_or_default();
        let whole = (n / 8).min(self.bytes.len());
        for (chunk, &byte) in out.chunks_exact_mut(8).take(whole).zip(self.bytes) {
            for (k, slot) in chunk.iter_mut().enumerate() {
                *slot = byte >> k & 1 != 0;
            }
        }
        // The last, partial byte; and `false` past the bytes, as `iter`.
        for (k, slot) in out.iter_mut().enumerate().skip(whole * 8) {
            let byte = self.bytes.get(k / 8).copied().unwrap_or(0);
            *slot = byte >> (k % 8) & 1 != 0;
        }
        n
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Words<'_> {
    /// The registers, as a sequence of `u16`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for v in self.iter() {
            seq.serialize_element(&v)?;
        }
        seq.end()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Words<'_> {
    /// The registers, as `[0x0006, 0x1388]`.
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "[");
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                defmt::write!(f, ", ");
            }
            defmt::write!(f, "{=u16:#06x}", v);
        }
        defmt::write!(f, "]");
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Bits<'_> {
    /// The bits, as a sequence of `bool` (`len()` of them).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(usize::from(self.count)))?;
        for b in self.iter() {
            seq.serialize_element(&b)?;
        }
        seq.end()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Bits<'_> {
    /// The bits, as `[true, false]`.
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "[");
        for (i, b) in self.iter().enumerate() {
            if i > 0 {
                defmt::write!(f, ", ");
            }
            defmt::write!(f, "{=bool}", b);
        }
        defmt::write!(f, "]");
    }
}

/// An exception code (AP §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Exception {
    /// 01: illegal function.
    IllegalFunction,
    /// 02: illegal data address.
    IllegalDataAddress,
    /// 03: illegal data value.
    IllegalDataValue,
    /// 04: server device failure.
    ServerDeviceFailure,
    /// 05: acknowledge (long operation accepted).
    Acknowledge,
    /// 06: server device busy.
    ServerDeviceBusy,
    /// 07: negative acknowledge (Modicon legacy).
    NegativeAcknowledge,
    /// 08: memory parity error.
    MemoryParityError,
    /// 0A: gateway path unavailable.
    GatewayPathUnavailable,
    /// 0B: gateway target device failed to respond.
    GatewayTargetFailed,
    /// Any other code, kept.
    Unknown(u8),
}

impl Exception {
    /// The exception of a code.
    pub const fn from_code(c: u8) -> Self {
        match c {
            1 => Exception::IllegalFunction,
            2 => Exception::IllegalDataAddress,
            3 => Exception::IllegalDataValue,
            4 => Exception::ServerDeviceFailure,
            5 => Exception::Acknowledge,
            6 => Exception::ServerDeviceBusy,
            7 => Exception::NegativeAcknowledge,
            8 => Exception::MemoryParityError,
            0x0A => Exception::GatewayPathUnavailable,
            0x0B => Exception::GatewayTargetFailed,
            other => Exception::Unknown(other),
        }
    }

    /// The code.
    pub const fn code(self) -> u8 {
        match self {
            Exception::IllegalFunction => 1,
            Exception::IllegalDataAddress => 2,
            Exception::IllegalDataValue => 3,
            Exception::ServerDeviceFailure => 4,
            Exception::Acknowledge => 5,
            Exception::ServerDeviceBusy => 6,
            Exception::NegativeAcknowledge => 7,
            Exception::MemoryParityError => 8,
            Exception::GatewayPathUnavailable => 0x0A,
            Exception::GatewayTargetFailed => 0x0B,
            Exception::Unknown(c) => c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;

    #[test]
    fn views_read_the_wire_order() {
        let w = Words::new(&[0x12, 0x34, 0xBE, 0xEF]);
        assert_eq!(
            (w.len(), w.get(0), w.get(1), w.get(2)),
            (2, Some(0x1234), Some(0xBEEF), None)
        );
        let b = Bits::new(&[0b1100_1101, 0b0000_0001], 10);
        assert_eq!(b.get(0), Some(true));
        assert_eq!(b.get(1), Some(false));
        assert_eq!(b.get(8), Some(true));
        assert_eq!(b.get(10), None);
        assert_eq!(b.iter().filter(|x| *x).count(), 6);
        // `unpack` writes what `iter` yields, for every count and room,
        // and counts past the bytes.
        let bytes = [0b1100_1101, 0b0101_0001, 0xFF, 0x00, 0b1000_0001];
        for count in 0..=48u16 {
            let b = Bits::new(&bytes, count);
            let all: std::vec::Vec<bool> = b.iter().collect();
            for room in [0, 1, 7, 8, 9, 16, 17, 40, 50] {
                let mut out = [true; 50];
                let n = b.unpack(&mut out[..room]);
                assert_eq!(n, usize::from(count).min(room), "{count} {room}");
                assert_eq!(&out[..n], &all[..n], "{count} {room}");
                assert!(out[n..room].iter().all(|&x| x), "nothing past n");
            }
        }
        for c in 0..=255u8 {
            assert_eq!(Exception::from_code(c).code(), c);
        }
    }
}
