//! Up to eight bytes of ASCII text (names, serial numbers).

use core::fmt;

/// A text field as sent: up to 8 bytes; [`text`](Ascii::text) trims the
/// trailing spaces and NULs emitters pad with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Ascii {
    bytes: [u8; 8],
    len: u8,
}

impl Ascii {
    /// The bytes as sent (up to 8; more are cut).
    pub fn new(bytes: &[u8]) -> Self {
        let (word, len) = crate::message::pad(bytes);
        Ascii::from_word(word, len)
    }

    /// The first `len` bytes of `word` (little-endian, zero past them).
    #[inline]
    pub(crate) fn from_word(word: u64, len: usize) -> Self {
        Ascii {
            bytes: word.to_le_bytes(),
            len: len as u8,
        }
    }

    /// The bytes as sent.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The text without trailing spaces and NULs; non-ASCII bytes end it.
    pub fn text(&self) -> &str {
        let b = self.as_bytes();
        let ascii = b
            .iter()
            .position(|c| !c.is_ascii() || (*c != 0 && c.is_ascii_control()))
            .unwrap_or(b.len());
        let b = b.get(..ascii).unwrap_or_default();
        let end = b
            .iter()
            .rposition(|&c| c != b' ' && c != 0)
            .map_or(0, |p| p + 1);
        core::str::from_utf8(b.get(..end).unwrap_or_default())
            .unwrap_or_default()
            .trim_end_matches('\0')
    }
}

impl fmt::Display for Ascii {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Ascii {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "{=str}", self.text())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Ascii {
    /// The trimmed text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.text())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Ascii {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Ascii;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text of at most 8 bytes")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Ascii, E> {
                if v.len() > 8 {
                    return Err(E::custom("longer than 8 bytes"));
                }
                Ok(Ascii::new(v.as_bytes()))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_padding() {
        assert_eq!(Ascii::new(b"PYLON   ").text(), "PYLON");
        assert_eq!(Ascii::new(b"REC-BMS\0").text(), "REC-BMS");
        assert_eq!(Ascii::new(b" AES\0\0\0\0").text(), " AES");
        assert_eq!(Ascii::new(b"PYTES").as_bytes(), b"PYTES");
        assert_eq!(Ascii::new(b"AB\xffC").text(), "AB");
    }
}
