//! What a point decodes to.

use core::fmt;

use crate::Scale;

/// A point's decoded value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Value<'a> {
    /// A number with its scale, kept exact.
    Number(Number),
    /// A flag.
    Bool(bool),
    /// An enumeration: the raw value and its text, if the table names it.
    Enum {
        /// The raw value.
        raw: u32,
        /// Its text; `None` for a value the table does not list.
        label: Option<&'a str>,
    },
    /// Text.
    Text(Text<'a>),
    /// The device says the value is not available (the point's sentinel).
    NotAvailable,
}

/// The raw number as the reply carried it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Raw {
    /// An integer.
    Int(i64),
    /// A single-precision float.
    Float(f32),
    /// A decimal from text: `digits` × 10^`exp`.
    Decimal {
        /// The digits as an integer.
        digits: i64,
        /// The power of ten (0 or negative).
        exp: i8,
    },
}

/// A number: `(raw + offset) × scale`, computed on demand so that a power
/// of ten stays exact.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Number {
    /// As the reply carried it.
    pub raw: Raw,
    /// Added before scaling.
    pub offset: i32,
    /// Applied after the offset.
    pub scale: Scale,
}

impl Number {
    /// An unscaled integer.
    pub const fn int(v: i64) -> Self {
        Number {
            raw: Raw::Int(v),
            offset: 0,
            scale: Scale::ONE,
        }
    }

    /// The physical value as a float.
    pub fn value(&self) -> f64 {
        match self.exact() {
            Some((m, e)) => m as f64 * crate::scale::pow10::<f64>(e),
            None => match self.raw {
                Raw::Float(_) => f64::from(self.float()),
                Raw::Int(i) => (i + i64::from(self.offset)) as f64 * self.scale.factor(),
                Raw::Decimal { digits, exp } => {
                    (digits as f64 * crate::scale::pow10::<f64>(exp) + f64::from(self.offset))
                        * self.scale.factor()
                }
            },
        }
    }

    /// The physical value in single precision, computed in `f32`
    /// throughout. On a microcontroller whose FPU has no double precision
    /// (a Cortex-M4F), [`value`](Self::value) links about 4 KB of
    /// software `f64` arithmetic and this none. An integer or decimal
    /// with a power-of-ten scale (|digits| up to 2^24) is `value` rounded
    /// to `f32`; a float, a ratio scale or larger digits are within a few
    /// `f32` roundings (2^-24 each) of their largest term.
    pub fn value_f32(&self) -> f32 {
        if let Some((m, e)) = self.exact() {
            // One rounding: 10^k is exact in f32 to k = 10.
            let k = i8::try_from(e.unsigned_abs()).unwrap_or(i8::MAX);
            let ten_k: f32 = crate::scale::pow10(k);
            return if e < 0 {
                m as f32 / ten_k
            } else {
                m as f32 * ten_k
            };
        }
        let raw = match self.raw {
            Raw::Float(f) => f,
            // Rounded to 24 bits beyond 2^24, as documented.
            Raw::Int(i) => i as f32,
            Raw::Decimal { digits, exp } => digits as f32 * crate::scale::pow10::<f32>(exp),
        };
        (raw + self.offset as f32) * self.scale.factor_f32()
    }

    /// A float raw value scaled in single precision, the precision it
    /// came in (so that 230.1 prints as 230.1).
    fn float(&self) -> f32 {
        let Raw::Float(f) = self.raw else { return 0.0 };
        (f + self.offset as f32) * self.scale.factor() as f32
    }

    /// The value as `m × 10^e` when it is exactly that: an integer or
    /// decimal raw value with a power-of-ten scale (or a ratio that is
    /// an integer).
    pub(crate) fn exact(&self) -> Option<(i64, i8)> {
        let (digits, exp) = match self.raw {
            Raw::Int(i) => (i, 0i8),
            Raw::Decimal { digits, exp } => (digits, exp),
            Raw::Float(_) => return None,
        };
        // The offset is in raw units: shift it to the digits' power.
        let shift = 10i64.checked_pow(u32::from(exp.unsigned_abs()))?;
        let m = digits.checked_add(i64::from(self.offset).checked_mul(shift)?)?;
        match self.scale {
            Scale::Pow10(s) => Some((m, exp.checked_add(s)?)),
            Scale::Ratio { num, den: 1 } => Some((m.checked_mul(i64::from(num))?, exp)),
            Scale::Ratio { .. } => None,
        }
    }
}

impl fmt::Display for Number {
    /// Exact decimals where the value is one (`230.1`, `-0.005`), the
    /// shortest form that reads back otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Raw::Float(_) = self.raw {
            return write!(f, "{}", self.float());
        }
        let Some((m, e)) = self.exact() else {
            return write!(f, "{}", self.value());
        };
        if m < 0 {
            f.write_str("-")?;
        }
        let m = m.unsigned_abs();
        if e >= 0 {
            write!(f, "{m}")?;
            for _ in 0..e {
                f.write_str("0")?;
            }
            return Ok(());
        }
        let places = u32::from(e.unsigned_abs());
        let Some(p) = 10u64.checked_pow(places) else {
            return write!(f, "{}", self.value());
        };
        let (whole, mut frac) = (m / p, m % p);
        write!(f, "{whole}")?;
        if frac == 0 {
            return Ok(());
        }
        // Drop trailing zeros of the fraction.
        let mut width = places as usize;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        write!(f, ".{frac:0width$}")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Number {
    /// A JSON number: the float's own precision, or the exact decimal.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.raw {
            Raw::Float(_) => s.serialize_f32(self.float()),
            _ => match self.exact() {
                Some((m, 0)) => s.serialize_i64(m),
                _ => s.serialize_f64(self.value()),
            },
        }
    }
}

/// Text out of a reply: raw characters, or ASCII-hex pairs decoded on
/// the way out.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Text<'a> {
    raw: &'a [u8],
    hex: bool,
}

impl<'a> Text<'a> {
    /// Text whose bytes are `raw`.
    pub const fn plain(raw: &'a [u8]) -> Self {
        Text { raw, hex: false }
    }

    /// Text carried as hex pairs (checked to be hex by the decoder).
    pub(crate) const fn hex(raw: &'a [u8]) -> Self {
        Text { raw, hex: true }
    }

    /// The text's bytes, with trailing spaces and NULs kept.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        let hex = self.hex;
        let step = if hex { 2 } else { 1 };
        self.raw.chunks(step).map(move |c| match (hex, c) {
            (true, [h, l]) => (nibble(*h) << 4) | nibble(*l),
            (_, [b, ..]) => *b,
            _ => 0,
        })
    }
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'F' => c - b'A' + 10,
        b'a'..=b'f' => c - b'a' + 10,
        _ => 0,
    }
}

impl fmt::Display for Text<'_> {
    /// Printable ASCII as it is, trailing spaces and NULs dropped, other
    /// bytes as `\xNN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keep = self
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b != b' ' && b != 0)
            .last()
            .map_or(0, |(i, _)| i + 1);
        for b in self.bytes().take(keep) {
            if b == b' ' || b.is_ascii_graphic() {
                write!(f, "{}", b as char)?;
            } else {
                write!(f, "\\x{b:02X}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Value<'_> {
    /// Numbers and flags as JSON numbers and booleans, an enumeration as
    /// its text (or its raw number when unnamed), "not available" as null.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(n) => n.serialize(s),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Enum { label: Some(t), .. } => s.serialize_str(t),
            Value::Enum { raw, label: None } => s.serialize_u32(*raw),
            Value::Text(t) => t.serialize(s),
            Value::NotAvailable => s.serialize_none(),
        }
    }
}

impl fmt::Display for Value<'_> {
    /// For people: the number, `yes`/`no`, the enumeration's text (or
    /// `unknown (N)`), the text, or `not available`. No unit: the caller
    /// has the point.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => n.fmt(f),
            Value::Bool(true) => f.write_str("yes"),
            Value::Bool(false) => f.write_str("no"),
            Value::Enum { label: Some(t), .. } => f.write_str(t),
            Value::Enum { raw, label: None } => write!(f, "unknown ({raw})"),
            Value::Text(t) => t.fmt(f),
            Value::NotAvailable => f.write_str("not available"),
        }
    }
}
