//! Exact fixed-point values: an integer and a number of decimals.

use core::fmt;

/// Powers of ten (no `powi` without std).
const POW10: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

fn pow10(d: u8) -> f64 {
    POW10.get(usize::from(d)).copied().unwrap_or(1e9)
}

/// `raw / 10^D`, kept as the integer the wire carries.
///
/// This is the workspace's fixed-point type for binary fields that are
/// integer counts of a fixed wire unit (0.1 V is `Fixed<u16, 1>`): the
/// scale is in the type, so it costs nothing and units cannot be mixed up.
/// Decimal text (Axpert) keeps its width in `axpert_proto::Decimal`; a
/// scale known only at run time is `enc_ascii::Quantity`'s shape
/// (docs/STYLE.md, "Fixed-point values").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Fixed<T, const D: u8>(pub T);

impl<T: Copy + Into<i64>, const D: u8> Fixed<T, D> {
    /// The value as `f64` (exact decimal digits up to `f64`'s precision).
    pub fn to_f64(self) -> f64 {
        self.0.into() as f64 / pow10(D)
    }

    /// The value as `f32`.
    pub fn to_f32(self) -> f32 {
        self.to_f64() as f32
    }
}

impl<T: Copy + Into<i64>, const D: u8> fmt::Display for Fixed<T, D> {
    /// Exact: `53.2`, `-27.0`, `0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v: i64 = self.0.into();
        if D == 0 {
            return write!(f, "{v}");
        }
        let div = 10i64.pow(u32::from(D));
        let sign = if v < 0 { "-" } else { "" };
        let a = v.unsigned_abs();
        let w = usize::from(D);
        write!(
            f,
            "{sign}{}.{:0w$}",
            a / div.unsigned_abs(),
            a % div.unsigned_abs()
        )
    }
}

#[cfg(feature = "defmt")]
impl<T: Copy + Into<i64>, const D: u8> defmt::Format for Fixed<T, D> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "{=i64}e-{=u8}", self.0.into(), D)
    }
}

#[cfg(feature = "serde")]
impl<T: Copy + Into<i64>, const D: u8> serde::Serialize for Fixed<T, D> {
    /// A number in the unit (`53.2` for 532 at one decimal).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if D == 0 {
            s.serialize_i64(self.0.into())
        } else {
            s.serialize_f64(self.to_f64())
        }
    }
}

#[cfg(feature = "serde")]
impl<'de, T: TryFrom<i64>, const D: u8> serde::Deserialize<'de> for Fixed<T, D> {
    /// From a number in the unit, rounded to `D` decimals.
    fn deserialize<De: serde::Deserializer<'de>>(d: De) -> Result<Self, De::Error> {
        let v = <f64 as serde::Deserialize>::deserialize(d)?;
        let x = v * pow10(D);
        let raw = if x < 0.0 { x - 0.5 } else { x + 0.5 } as i64;
        T::try_from(raw)
            .map(Fixed)
            .map_err(|_| serde::de::Error::custom("value out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn exact_text_and_floats() {
        assert_eq!(Fixed::<u16, 1>(532).to_string(), "53.2");
        assert_eq!(Fixed::<i16, 1>(-270).to_string(), "-27.0");
        assert_eq!(Fixed::<i16, 2>(-5).to_string(), "-0.05");
        assert_eq!(Fixed::<u32, 0>(7).to_string(), "7");
        assert_eq!(Fixed::<i16, 2>(4986).to_f64(), 49.86);
    }
}
