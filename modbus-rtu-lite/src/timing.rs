//! Character time, t1.5 and t3.5 (SL §2.5.1.1).

use core::time::Duration;

/// Parity of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Parity {
    /// Even parity (the spec's default).
    #[default]
    Even,
    /// Odd parity.
    Odd,
    /// No parity.
    None,
}

/// A serial line's format: what a character costs on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Line {
    /// Bits per second.
    pub baud: u32,
    /// Parity.
    pub parity: Parity,
    /// Stop bits (1 or 2).
    pub stop_bits: u8,
}

impl Line {
    /// 8 data bits with `parity` and `stop_bits`.
    pub const fn new(baud: u32, parity: Parity, stop_bits: u8) -> Self {
        Line {
            baud,
            parity,
            stop_bits,
        }
    }

    /// Bits per character: start, 8 data, parity, stops (11 for the
    /// conformant formats, 10 for the common 8N1).
    pub const fn bits(&self) -> u32 {
        1 + 8
            + if matches!(self.parity, Parity::None) {
                0
            } else {
                1
            }
            + self.stop_bits as u32
    }

    /// One character's time, rounded up to the microsecond.
    pub const fn char_time(&self) -> Duration {
        Duration::from_micros(div_up(self.bits() as u64 * 1_000_000, self.baud as u64))
    }

    /// The inter-character time-out: 1.5 characters, or 750 µs above 19200 baud.
    pub const fn t15(&self) -> Duration {
        if self.baud > 19_200 {
            return Duration::from_micros(750);
        }
        Duration::from_micros(div_up(self.bits() as u64 * 1_500_000, self.baud as u64))
    }

    /// The inter-frame delay: 3.5 characters, or 1750 µs above 19200 baud.
    pub const fn t35(&self) -> Duration {
        if self.baud > 19_200 {
            return Duration::from_micros(1750);
        }
        Duration::from_micros(div_up(self.bits() as u64 * 3_500_000, self.baud as u64))
    }

    /// Time `n` characters take on the wire.
    pub const fn time_of(&self, n: usize) -> Duration {
        Duration::from_micros(div_up(
            n as u64 * self.bits() as u64 * 1_000_000,
            self.baud as u64,
        ))
    }
}

const fn div_up(a: u64, b: u64) -> u64 {
    if b == 0 { u64::MAX } else { a.div_ceil(b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(d: Duration) -> u128 {
        d.as_micros()
    }

    /// The timer table of docs/protocols/modbus.md §2.2.
    #[test]
    fn the_reference_table() {
        // (baud, 11-bit t1.5, t3.5, 10-bit t1.5, t3.5), rounded up to the µs.
        let rows = [
            (1200, 13750, 32084, 12500, 29167),
            (2400, 6875, 16042, 6250, 14584),
            (4800, 3438, 8021, 3125, 7292),
            (9600, 1719, 4011, 1563, 3646),
            (19200, 860, 2006, 782, 1823),
        ];
        for (baud, a15, a35, b15, b35) in rows {
            let even = Line::new(baud, Parity::Even, 1);
            let n1 = Line::new(baud, Parity::None, 1);
            assert_eq!((us(even.t15()), us(even.t35())), (a15, a35), "8E1 {baud}");
            assert_eq!((us(n1.t15()), us(n1.t35())), (b15, b35), "8N1 {baud}");
        }
        assert_eq!(Line::new(9600, Parity::None, 2).bits(), 11);
    }

    #[test]
    fn fixed_above_19200_and_not_monotonic() {
        let at = |b| Line::new(b, Parity::Even, 1);
        assert_eq!(us(at(19200).t35()), 2006);
        assert_eq!((us(at(19201).t15()), us(at(19201).t35())), (750, 1750));
        assert_eq!(us(at(115_200).t35()), 1750, "not 334 µs");
        assert_eq!(us(at(22_000).t35()), 1750);
    }
}
