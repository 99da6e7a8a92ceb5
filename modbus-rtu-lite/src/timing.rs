//! The Modbus timers t1.5 and t3.5 (SL §2.5.1.1) on the workspace's one
//! serial line description, [`Line`] (from `proto-core`), and the spec's
//! default line, [`LINE`].

use core::time::Duration;

pub use proto_core::{Line, Parity};

/// The spec's default line: 19200 baud, 8 data bits, even parity, 1 stop
/// bit. SL ch. 3 "Data Signaling Rates" makes 19200 the required default
/// rate and SL §2.5.1 even parity the required default format (see
/// `docs/protocols/modbus.md` §2.1). [`Config::default`](crate::Config)
/// uses it.
pub const LINE: Line = Line::new(19_200, Parity::Even, 1);

/// The inter-character time-out t1.5 on `line`: 1.5 characters, or 750 µs
/// above 19200 baud, rounded up to the microsecond.
pub const fn t15(line: &Line) -> Duration {
    Duration::from_micros(t15_micros(line))
}

/// [`t15`] in microseconds, as the framer keeps it.
pub(crate) const fn t15_micros(line: &Line) -> u64 {
    if line.baud > 19_200 {
        return 750;
    }
    div_up(line.bits() as u64 * 1_500_000, line.baud as u64)
}

/// The inter-frame delay t3.5 on `line`: 3.5 characters, or 1750 µs above
/// 19200 baud, rounded up to the microsecond.
pub const fn t35(line: &Line) -> Duration {
    Duration::from_micros(t35_micros(line))
}

/// [`t35`] in microseconds, as the framer keeps it.
pub(crate) const fn t35_micros(line: &Line) -> u64 {
    if line.baud > 19_200 {
        return 1750;
    }
    div_up(line.bits() as u64 * 3_500_000, line.baud as u64)
}

/// The Modbus timers as methods of the workspace's one [`Line`]:
/// `use modbus_rtu_lite::Timing;` then `line.t35()`. In a `const`, call
/// [`t15`] and [`t35`] instead.
pub trait Timing {
    /// The inter-character time-out: see [`t15`].
    fn t15(&self) -> Duration;
    /// The inter-frame delay: see [`t35`].
    fn t35(&self) -> Duration;
}

impl Timing for Line {
    fn t15(&self) -> Duration {
        t15(self)
    }

    fn t35(&self) -> Duration {
        t35(self)
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
        let n2 = Line::new(9600, Parity::None, 2);
        assert_eq!((us(n2.t15()), us(n2.t35())), (1719, 4011), "8N2 as 8E1");
    }

    #[test]
    fn the_default_line_is_19200_8e1() {
        assert_eq!(LINE, Line::new(19_200, Parity::Even, 1));
        assert_eq!(LINE.bits(), 11);
        assert_eq!((us(t15(&LINE)), us(t35(&LINE))), (860, 2006));
        const T35: Duration = t35(&LINE);
        assert_eq!(T35, LINE.t35());
        assert_eq!(crate::Config::default().line, LINE);
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
