//! A serial line's format, given once for the whole workspace.
//!
//! Every serial protocol here runs 8 data bits; what differs is the speed,
//! the parity and the stop bits. Each protocol crate names its default as a
//! `LINE` const (`axpert_proto::LINE`, `enc_ascii::LINE`,
//! `modbus_rtu_lite::LINE`, `slcan::LINE`), the serial transports open a
//! port from a [`Line`], and wire-time computations (Modbus t1.5/t3.5, the
//! RS485 direction switch) read the bits per character from it.

use core::fmt;
use core::time::Duration;

/// Parity of a serial line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Parity {
    /// Even parity.
    Even,
    /// Odd parity.
    Odd,
    /// No parity bit.
    None,
}

impl Parity {
    /// The letter of the usual short form (`8E1`): `E`, `O` or `N`.
    pub const fn letter(self) -> char {
        match self {
            Parity::Even => 'E',
            Parity::Odd => 'O',
            Parity::None => 'N',
        }
    }
}

/// A serial line's format: speed, parity and stop bits, with 8 data bits
/// (the only width any protocol of this workspace uses). What a character
/// costs on the wire follows from it.
///
/// There is no `Default`: every protocol has its own (`axpert_proto::LINE`
/// is 2400 8N1, `modbus_rtu_lite::LINE` 19200 8E1, ...).
///
/// ```
/// use core::time::Duration;
/// use proto_core::{Line, Parity};
///
/// let line = Line::new(9600, Parity::Even, 1);
/// assert_eq!(line.bits(), 11);
/// assert_eq!(line.char_time(), Duration::from_micros(1146));
/// assert_eq!(line.to_string(), "9600 8E1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Line {
    /// Bits per second.
    pub baud: u32,
    /// Parity.
    pub parity: Parity,
    /// Stop bits (1 or 2).
    pub stop_bits: u8,
}

impl Line {
    /// Data bits per character: always 8 here.
    pub const DATA_BITS: u8 = 8;

    /// `baud` with 8 data bits, `parity` and `stop_bits`.
    pub const fn new(baud: u32, parity: Parity, stop_bits: u8) -> Self {
        Line {
            baud,
            parity,
            stop_bits,
        }
    }

    /// `baud` 8N1, the most common format.
    pub const fn n81(baud: u32) -> Self {
        Self::new(baud, Parity::None, 1)
    }

    /// Bits per character: start, 8 data, parity, stops (11 for 8E1, 8O1
    /// and 8N2, 10 for 8N1).
    pub const fn bits(&self) -> u32 {
        1 + Self::DATA_BITS as u32
            + if matches!(self.parity, Parity::None) {
                0
            } else {
                1
            }
            + self.stop_bits as u32
    }

    /// One character's time, rounded up to the microsecond.
    pub const fn char_time(&self) -> Duration {
        self.time_of(1)
    }

    /// Time `n` characters sent back to back take on the wire, rounded up to
    /// the microsecond (saturating; a baud of 0 gives the longest duration
    /// in microseconds).
    pub const fn time_of(&self, n: usize) -> Duration {
        Duration::from_micros(div_up(
            (n as u64)
                .saturating_mul(self.bits() as u64)
                .saturating_mul(1_000_000),
            self.baud as u64,
        ))
    }
}

/// `9600 8E1`.
impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}{}{}",
            self.baud,
            Self::DATA_BITS,
            self.parity.letter(),
            self.stop_bits
        )
    }
}

/// `a / b` rounded up; `u64::MAX` for `b == 0`.
const fn div_up(a: u64, b: u64) -> u64 {
    if b == 0 { u64::MAX } else { a.div_ceil(b) }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::string::ToString;

    use super::*;

    fn us(d: Duration) -> u128 {
        d.as_micros()
    }

    #[test]
    fn bits_per_character() {
        assert_eq!(Line::n81(9600).bits(), 10);
        assert_eq!(Line::new(9600, Parity::Even, 1).bits(), 11);
        assert_eq!(Line::new(9600, Parity::Odd, 1).bits(), 11);
        assert_eq!(Line::new(9600, Parity::None, 2).bits(), 11);
        assert_eq!(Line::new(9600, Parity::Even, 2).bits(), 12);
    }

    #[test]
    fn character_and_wire_times_round_up_to_the_microsecond() {
        // (line, one character, 8 characters), in µs.
        let rows = [
            (Line::n81(9600), 1042, 8334),
            (Line::new(9600, Parity::Even, 1), 1146, 9167),
            (Line::new(9600, Parity::None, 2), 1146, 9167),
            (Line::n81(115_200), 87, 695),
            (Line::new(115_200, Parity::Even, 1), 96, 764),
            (Line::new(115_200, Parity::None, 2), 96, 764),
        ];
        for (line, one, eight) in rows {
            assert_eq!(us(line.char_time()), one, "{line}");
            assert_eq!(us(line.time_of(1)), one, "{line}");
            assert_eq!(us(line.time_of(8)), eight, "{line}");
            assert_eq!(line.time_of(0), Duration::ZERO, "{line}");
        }
        // 256 bytes (a full Modbus ADU) of 8E1 at 9600: 293.3 ms.
        assert_eq!(us(Line::new(9600, Parity::Even, 1).time_of(256)), 293_334);
    }

    #[test]
    fn degenerate_lines_saturate_instead_of_panicking() {
        assert_eq!(
            Line::n81(0).char_time(),
            Duration::from_micros(u64::MAX),
            "baud 0"
        );
        let _ = Line::n81(1).time_of(usize::MAX);
        assert_eq!(Line::new(9600, Parity::Even, u8::MAX).bits(), 265);
    }

    #[test]
    fn short_form() {
        assert_eq!(Line::n81(2400).to_string(), "2400 8N1");
        assert_eq!(Line::new(19_200, Parity::Even, 1).to_string(), "19200 8E1");
        assert_eq!(Line::new(9600, Parity::Odd, 2).to_string(), "9600 8O2");
    }
}
