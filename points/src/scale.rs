//! Exact scale factors.

use core::fmt;
use core::str::FromStr;

/// An exact scale factor: a power of ten, or a ratio of integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Scale {
    /// 10 to this power: `Pow10(-1)` is 0.1, `Pow10(3)` is 1000.
    Pow10(i8),
    /// `num / den` (`den` is never 0 when parsed).
    Ratio {
        /// Numerator.
        num: i32,
        /// Denominator.
        den: u32,
    },
}

impl Scale {
    /// 1.
    pub const ONE: Scale = Scale::Pow10(0);

    /// The factor as a float.
    pub fn factor(self) -> f64 {
        match self {
            Scale::Pow10(e) => pow10(e),
            Scale::Ratio { num, den } => f64::from(num) / f64::from(den),
        }
    }

    /// The factor in single precision, computed in `f32` (see
    /// [`Number::value_f32`](crate::Number::value_f32)).
    pub fn factor_f32(self) -> f32 {
        match self {
            Scale::Pow10(e) => pow10(e),
            // Rounded, as a value of more than 24 bits is in f32.
            Scale::Ratio { num, den } => num as f32 / den as f32,
        }
    }
}

/// 10^e as a float (`f64` or `f32`), exact for the powers a table needs.
pub(crate) fn pow10<F>(e: i8) -> F
where
    F: From<u8> + core::ops::MulAssign + core::ops::Div<Output = F> + Copy,
{
    let ten = F::from(10);
    let mut f = F::from(1);
    for _ in 0..e.unsigned_abs() {
        f *= ten;
    }
    if e < 0 { F::from(1) / f } else { f }
}

/// Why a scale did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ScaleError {
    /// Not a decimal like `0.1` or a ratio like `1/3`.
    Syntax,
    /// The denominator is zero.
    Zero,
    /// Beyond what the exact forms hold (a 32-bit numerator, 10^±38).
    Range,
}

impl fmt::Display for ScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScaleError::Syntax => {
                "a scale is a decimal such as 0.1 or 1000, or a ratio such as 1/3"
            }
            ScaleError::Zero => "a scale's denominator is not 0",
            ScaleError::Range => "the scale is too large or has too many digits",
        })
    }
}

impl FromStr for Scale {
    type Err = ScaleError;

    /// `"0.001"`, `"10"`, `"-1"`, `"2.5"` or `"1/3"`.
    fn from_str(s: &str) -> Result<Self, ScaleError> {
        let s = s.trim();
        if let Some((num, den)) = s.split_once('/') {
            let num: i32 = num.trim().parse().map_err(|_| ScaleError::Syntax)?;
            let den: u32 = den.trim().parse().map_err(|_| ScaleError::Syntax)?;
            if den == 0 {
                return Err(ScaleError::Zero);
            }
            return Ok(Scale::Ratio { num, den });
        }
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(ScaleError::Syntax);
        }
        // The digits as one integer, and the power of ten that places them.
        let mut mantissa: i64 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(b - b'0')))
                .ok_or(ScaleError::Range)?;
        }
        let mut exp = -i32::try_from(frac.len()).map_err(|_| ScaleError::Range)?;
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        if mantissa == 0 {
            return Ok(Scale::Ratio { num: 0, den: 1 });
        }
        let exp8 = i8::try_from(exp).ok().filter(|e| (-38..=38).contains(e));
        match (mantissa, exp8, negative) {
            (1, Some(e), false) => Ok(Scale::Pow10(e)),
            _ => {
                // m × 10^exp as num/den.
                let m = i32::try_from(mantissa).map_err(|_| ScaleError::Range)?;
                let num = if negative { -m } else { m };
                let places = exp.unsigned_abs();
                let p = 10u32.checked_pow(places).ok_or(ScaleError::Range)?;
                if exp < 0 {
                    Ok(Scale::Ratio { num, den: p })
                } else {
                    let num = i32::try_from(p)
                        .ok()
                        .and_then(|p| num.checked_mul(p))
                        .ok_or(ScaleError::Range)?;
                    Ok(Scale::Ratio { num, den: 1 })
                }
            }
        }
    }
}

impl fmt::Display for Scale {
    /// The form [`FromStr`] reads back: `0.001`, `1000`, `1/3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Scale::Pow10(e) if e >= 0 => {
                f.write_str("1")?;
                for _ in 0..e {
                    f.write_str("0")?;
                }
                Ok(())
            }
            Scale::Pow10(e) => {
                f.write_str("0.")?;
                for _ in 1..e.unsigned_abs() {
                    f.write_str("0")?;
                }
                f.write_str("1")
            }
            Scale::Ratio { num, den: 1 } => write!(f, "{num}"),
            Scale::Ratio { num, den } => write!(f, "{num}/{den}"),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Scale {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Scale {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scale;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scale such as \"0.1\", \"1000\" or \"1/3\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scale, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scale, E> {
                let num = i32::try_from(v).map_err(|_| E::custom(ScaleError::Range))?;
                Ok(if num == 1 {
                    Scale::ONE
                } else {
                    Scale::Ratio { num, den: 1 }
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_become_powers_of_ten_when_they_are() {
        assert_eq!("0.1".parse(), Ok(Scale::Pow10(-1)));
        assert_eq!("0.001".parse(), Ok(Scale::Pow10(-3)));
        assert_eq!("1000".parse(), Ok(Scale::Pow10(3)));
        assert_eq!("1".parse(), Ok(Scale::ONE));
        assert_eq!("1.0".parse(), Ok(Scale::ONE));
        assert_eq!("0.25".parse(), Ok(Scale::Ratio { num: 25, den: 100 }));
        assert_eq!("-1".parse(), Ok(Scale::Ratio { num: -1, den: 1 }));
        assert_eq!("20".parse(), Ok(Scale::Ratio { num: 20, den: 1 }));
        assert_eq!("1/3".parse(), Ok(Scale::Ratio { num: 1, den: 3 }));
    }

    #[test]
    fn nonsense_is_refused() {
        for s in [
            "",
            ".",
            "x",
            "1/0",
            "1e3",
            "--1",
            "0.1.2",
            "99999999999999999999",
        ] {
            assert!(s.parse::<Scale>().is_err(), "{s}");
        }
    }

    #[test]
    fn display_reads_back() {
        for s in ["0.1", "0.001", "1000", "1", "1/3", "-1", "25/100"] {
            let scale: Scale = s.parse().unwrap();
            assert_eq!(scale.to_string().parse::<Scale>(), Ok(scale));
        }
    }

    #[test]
    fn factor() {
        assert_eq!(Scale::Pow10(-1).factor(), 0.1);
        assert_eq!(Scale::Pow10(2).factor(), 100.0);
        assert_eq!(Scale::Ratio { num: 1, den: 4 }.factor(), 0.25);
    }
}
