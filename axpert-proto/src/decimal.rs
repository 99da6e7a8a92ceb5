//! Exact fixed-point numbers as they appear on the wire.
//!
//! Every numeric field keeps its integer mantissa, its number of decimals
//! and its width in characters, so `057.50` decodes to 57.5 and re-encodes
//! to `057.50`, not `57.5`. A field of dashes (`-`, `---.-`, `-----`) is a
//! value the unit marks as not available; it keeps its shape too.

use core::fmt;

use nom::{
    IResult, Parser,
    bytes::complete::take_while1,
    character::complete::{char, digit1},
    combinator::{all_consuming, opt},
    sequence::preceded,
};

use crate::FieldError;

const NEGATIVE: u8 = 1;
const NOT_AVAILABLE: u8 = 2;

/// A decimal number with a fixed number of decimals and a field width.
///
/// This is the workspace's fixed-point type for values sent as decimal
/// text: it keeps the text's width, scale and dashes so that re-encoding
/// is byte-exact. Binary fields at a fixed unit use `bms_can::Fixed`'s
/// shape instead, and a run-time scale `enc_ascii::Quantity`'s
/// (docs/STYLE.md, "Fixed-point values").
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i32,
    scale: u8,
    width: u8,
    flags: u8,
}

impl Decimal {
    /// `mantissa / 10^scale`, written in as few characters as it needs
    /// (`Decimal::new(460, 1)` is `46.0`).
    pub const fn new(mantissa: i32, scale: u8) -> Self {
        let mut d = Decimal {
            mantissa,
            scale,
            width: 0,
            flags: if mantissa < 0 { NEGATIVE } else { 0 },
        };
        d.width = d.natural_width();
        d
    }

    /// The same value written `width` characters wide, padded with leading zeros.
    /// A width narrower than the value needs is ignored.
    pub const fn with_width(mut self, width: u8) -> Self {
        let natural = self.natural_width();
        self.width = if width > natural { width } else { natural };
        self
    }

    /// A field the unit marks as not available, `width` dashes with a point
    /// before the last `scale` of them (`---.-`).
    pub const fn not_available(width: u8, scale: u8) -> Self {
        let min = if scale > 0 { scale + 2 } else { 1 };
        Decimal {
            mantissa: 0,
            scale,
            width: if width > min { width } else { min },
            flags: NOT_AVAILABLE,
        }
    }

    /// The integer mantissa, or `None` when the field is not available.
    pub const fn mantissa(&self) -> Option<i32> {
        if self.flags & NOT_AVAILABLE != 0 {
            None
        } else {
            Some(self.mantissa)
        }
    }

    /// Number of decimals.
    pub const fn scale(&self) -> u8 {
        self.scale
    }

    /// Width of the field in characters.
    pub const fn width(&self) -> u8 {
        self.width
    }

    /// Whether the unit sent a value (not dashes).
    pub const fn is_available(&self) -> bool {
        self.flags & NOT_AVAILABLE == 0
    }

    /// The value as `f32`, or `None` when not available.
    pub fn to_f32(&self) -> Option<f32> {
        self.to_f64().map(|v| v as f32)
    }

    /// The value as `f64`, or `None` when not available.
    pub fn to_f64(&self) -> Option<f64> {
        let m = self.mantissa()?;
        let mut div = 1.0f64;
        for _ in 0..self.scale {
            div *= 10.0;
        }
        Some(m as f64 / div)
    }

    /// The value in units of `10^-scale` (so `46.5` with `scale` 2 is `4650`),
    /// or `None` when it is not available or not exact at that scale.
    pub fn at_scale(&self, scale: u8) -> Option<i32> {
        let m = self.mantissa()?;
        if scale >= self.scale {
            let mut v = m;
            for _ in self.scale..scale {
                v = v.checked_mul(10)?;
            }
            Some(v)
        } else {
            let mut v = m;
            for _ in scale..self.scale {
                if v % 10 != 0 {
                    return None;
                }
                v /= 10;
            }
            Some(v)
        }
    }

    /// The value as a whole number, or `None` when not available or fractional.
    pub fn to_u32(&self) -> Option<u32> {
        u32::try_from(self.at_scale(0)?).ok()
    }

    /// A plain number as read off the wire: `width` characters, no sign.
    #[inline(always)]
    pub(crate) const fn from_parts(mantissa: i32, scale: u8, width: u8) -> Self {
        Decimal {
            mantissa,
            scale,
            width,
            flags: 0,
        }
    }

    /// Parses one field: optional `-`, digits, optional `.` and digits; or dashes.
    pub fn parse(field: &[u8]) -> Result<Self, FieldError> {
        match Self::parse_plain(field) {
            Some(d) => Ok(d),
            None => Self::parse_grammar(field),
        }
    }

    /// Fast path for the common shapes, `ddd` and `ddd.dd` of at most nine
    /// digits; `None` for anything else, which the grammar then decides.
    /// A property test checks both paths agree wherever this one answers.
    fn parse_plain(field: &[u8]) -> Option<Self> {
        let mut m = 0i32;
        let mut digits = 0usize;
        let mut point = None;
        for (i, &c) in field.iter().enumerate() {
            let d = c.wrapping_sub(b'0');
            if d <= 9 {
                m = m.wrapping_mul(10).wrapping_add(i32::from(d));
                digits += 1;
            } else if c == b'.' && point.is_none() && i > 0 {
                point = Some(i);
            } else {
                return None;
            }
        }
        let scale = match point {
            Some(p) if p + 1 == field.len() => return None,
            Some(p) => field.len() - p - 1,
            None => 0,
        };
        if digits == 0 || digits > 9 {
            return None;
        }
        Some(Decimal {
            mantissa: m,
            scale: scale as u8,
            width: field.len() as u8,
            flags: 0,
        })
    }

    /// The field grammar, in full.
    fn parse_grammar(field: &[u8]) -> Result<Self, FieldError> {
        let width = u8::try_from(field.len()).map_err(|_| FieldError::Overflow)?;
        let Ok((_, (minus, int, frac))) = number(field) else {
            let (_, (_, frac)) = not_available(field).map_err(|_| FieldError::NotNumber)?;
            return Ok(Decimal {
                mantissa: 0,
                scale: frac.map_or(0, <[u8]>::len).min(9) as u8,
                width,
                flags: NOT_AVAILABLE,
            });
        };
        let frac = frac.unwrap_or_default();
        // Any number of leading zeros; the value must fit an i32, checked
        // digit by digit (in i64, so that i32::MIN reads back too).
        let m = int
            .iter()
            .chain(frac)
            .try_fold(0i64, |m, &c| {
                m.checked_mul(10)?.checked_add(i64::from(c - b'0'))
            })
            .map(|m| if minus.is_some() { -m } else { m })
            .and_then(|m| i32::try_from(m).ok())
            .ok_or(FieldError::Overflow)?;
        // Below the width, itself a u8.
        let scale = frac.len();
        Ok(Decimal {
            mantissa: m,
            scale: scale as u8,
            width,
            flags: if minus.is_some() { NEGATIVE } else { 0 },
        })
    }

    const fn natural_width(&self) -> u8 {
        let mut digits = 1u8;
        let mut v = self.mantissa.unsigned_abs() / 10;
        while v > 0 {
            digits += 1;
            v /= 10;
        }
        if digits <= self.scale {
            digits = self.scale.saturating_add(1);
        }
        let point = if self.scale > 0 { 1 } else { 0 };
        let sign = if self.flags & NEGATIVE != 0 { 1 } else { 0 };
        digits.saturating_add(point).saturating_add(sign)
    }
}

type Number<'a> = (Option<char>, &'a [u8], Option<&'a [u8]>);

fn number(i: &[u8]) -> IResult<&[u8], Number<'_>> {
    all_consuming((opt(char('-')), digit1, opt(preceded(char('.'), digit1)))).parse(i)
}

type Dashes<'a> = (&'a [u8], Option<&'a [u8]>);

fn not_available(i: &[u8]) -> IResult<&[u8], Dashes<'_>> {
    let dashes = || take_while1(|c| c == b'-');
    all_consuming((dashes(), opt(preceded(char('.'), dashes())))).parse(i)
}

impl fmt::Display for Decimal {
    /// Writes the field exactly as it goes on the wire.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = usize::from(self.width);
        let scale = usize::from(self.scale);
        if !self.is_available() {
            for i in 0..width {
                let c = if scale > 0 && i + scale + 1 == width {
                    '.'
                } else {
                    '-'
                };
                fmt::Write::write_char(f, c)?;
            }
            return Ok(());
        }
        // Digits of the magnitude, least significant first.
        let mut digits = [b'0'; 12];
        let mut n = 0;
        let mut v = self.mantissa.unsigned_abs();
        loop {
            if let Some(d) = digits.get_mut(n) {
                *d = b'0' + (v % 10) as u8;
            }
            n += 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let sign = usize::from(self.flags & NEGATIVE != 0);
        let point = usize::from(scale > 0);
        let n = n.max(scale + 1).max(width.saturating_sub(sign + point));
        if sign == 1 {
            f.write_str("-")?;
        }
        for i in (0..n).rev() {
            let d = digits.get(i).copied().unwrap_or(b'0');
            fmt::Write::write_char(f, char::from(d))?;
            if scale > 0 && i == scale {
                f.write_str(".")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({self})")
    }
}

impl core::str::FromStr for Decimal {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::parse(s.as_bytes())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Decimal {
    fn format(&self, f: defmt::Formatter) {
        match self.mantissa() {
            Some(m) => defmt::write!(f, "{}e-{}", m, self.scale),
            None => defmt::write!(f, "n/a"),
        }
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

    /// Serialises as a JSON number in the document's unit, or `null` when
    /// the unit marked the field as not available.
    impl Serialize for Decimal {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match (self.mantissa(), self.scale) {
                (None, _) => s.serialize_none(),
                (Some(m), 0) => s.serialize_i64(i64::from(m)),
                (Some(_), _) => s.serialize_f64(self.to_f64().unwrap_or_default()),
            }
        }
    }

    /// Accepts a number, a string in wire form (`"057.50"`, keeps width and
    /// scale exactly) or `null` (not available).
    impl<'de> Deserialize<'de> for Decimal {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl de::Visitor<'_> for V {
                type Value = Decimal;
                fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    f.write_str("a number, a decimal string or null")
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                    i32::try_from(v)
                        .map(|m| Decimal::new(m, 0))
                        .map_err(|_| E::custom("number out of range"))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                    i32::try_from(v)
                        .map(|m| Decimal::new(m, 0))
                        .map_err(|_| E::custom("number out of range"))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                    // Shortest scale (up to 4 decimals) that represents v exactly enough.
                    let mut scale = 0u8;
                    let mut x = v;
                    while scale < 4 && (x - (x as i64) as f64).abs() > 1e-6 {
                        x *= 10.0;
                        scale += 1;
                    }
                    let m = if x >= 0.0 { x + 0.5 } else { x - 0.5 } as i64;
                    i32::try_from(m)
                        .map(|m| Decimal::new(m, scale))
                        .map_err(|_| E::custom("number out of range"))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                    Decimal::parse(v.as_bytes()).map_err(|_| E::custom("not a decimal"))
                }
                fn visit_none<E: de::Error>(self) -> Result<Decimal, E> {
                    Ok(Decimal::not_available(1, 0))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Decimal, E> {
                    Ok(Decimal::not_available(1, 0))
                }
            }
            d.deserialize_any(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    fn round(text: &str) -> Decimal {
        let d = Decimal::parse(text.as_bytes()).unwrap();
        assert_eq!(d.to_string(), text);
        d
    }

    #[test]
    fn keeps_width_and_scale() {
        assert_eq!(round("057.50").mantissa(), Some(5750));
        assert_eq!(round("057.50").scale(), 2);
        assert_eq!(round("0040").to_u32(), Some(40));
        assert_eq!(round("02.1").to_f32(), Some(2.1));
        assert_eq!(round("00000").mantissa(), Some(0));
        assert_eq!(round("-12.5").mantissa(), Some(-125));
        assert_eq!(round("03749").to_u32(), Some(3749));
    }

    #[test]
    fn dashes_are_not_available() {
        for t in ["-", "---.-", "-----", "--.--"] {
            let d = round(t);
            assert!(!d.is_available());
            assert_eq!(d.to_f32(), None);
        }
        assert_eq!(Decimal::parse(b"---.-").unwrap().scale(), 1);
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for t in [
            "",
            "1.2.3",
            "12.",
            ".5",
            "2\u{f6}8.1",
            "1 2",
            "+1",
            "--1",
            ".",
        ] {
            assert!(Decimal::parse(t.as_bytes()).is_err(), "{t:?}");
        }
        assert_eq!(
            Decimal::parse(b"9999999999"),
            Err(FieldError::Overflow),
            "more than an i32 holds"
        );
    }

    #[test]
    fn new_writes_the_natural_form() {
        assert_eq!(Decimal::new(460, 1).to_string(), "46.0");
        assert_eq!(Decimal::new(5, 2).to_string(), "0.05");
        assert_eq!(Decimal::new(5, 2).with_width(5).to_string(), "00.05");
        assert_eq!(Decimal::new(-5, 1).to_string(), "-0.5");
        assert_eq!(Decimal::new(30, 0).with_width(3).to_string(), "030");
        assert_eq!(Decimal::not_available(5, 1).to_string(), "---.-");
    }

    #[test]
    fn fast_path_agrees_with_the_grammar() {
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(20_000), |(field in "[-0-9.]{0,12}|[0-9]{1,6}\\.[0-9]{1,4}")| {
            if let Some(fast) = Decimal::parse_plain(field.as_bytes()) {
                prop_assert_eq!(Ok(fast), Decimal::parse_grammar(field.as_bytes()), "{:?}", field);
            }
        });
        assert!(Decimal::parse_plain(b"12.").is_none());
        assert!(Decimal::parse_plain(b".5").is_none());
        assert!(Decimal::parse_plain(b"1.2.3").is_none());
        assert!(Decimal::parse_plain(b"-1").is_none());
    }

    #[test]
    fn any_value_new_makes_reads_back_whatever_its_width() {
        for d in [
            Decimal::new(0, 1).with_width(14),
            Decimal::new(i32::MAX, 0),
            Decimal::new(i32::MIN, 3),
            Decimal::new(5, 20),
            Decimal::new(-7, 0).with_width(40),
            Decimal::new(1, 250),
        ] {
            let text = d.to_string();
            assert_eq!(text.len(), usize::from(d.width()), "{text}");
            assert_eq!(Decimal::parse(text.as_bytes()), Ok(d), "{text}");
        }
        // The widest scale still has a width: saturated, not wrapped.
        assert_eq!(Decimal::new(0, 255).width(), 255);
        assert_eq!(Decimal::parse(b"2147483648"), Err(FieldError::Overflow));
        assert_eq!(Decimal::parse(b"-2147483649"), Err(FieldError::Overflow));
    }

    #[test]
    fn at_scale_is_exact() {
        let d = Decimal::parse(b"46.5").unwrap();
        assert_eq!(d.at_scale(2), Some(4650));
        assert_eq!(d.at_scale(0), None);
        assert_eq!(Decimal::parse(b"46.0").unwrap().at_scale(0), Some(46));
    }
}
