//! Fixed-capacity ASCII text, so responses own their data without allocating.

use core::fmt;

use crate::Error;

/// Printable ASCII text of at most `N` bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Text<const N: usize> {
    buf: [u8; N],
    len: u16,
}

impl<const N: usize> Text<N> {
    /// The empty text.
    pub const fn new() -> Self {
        Text {
            buf: [0; N],
            len: 0,
        }
    }

    /// Copies `bytes`; fails when they are longer than `N` or not printable ASCII.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut t = Self::new();
        t.push_bytes(bytes)?;
        Ok(t)
    }

    /// Appends `bytes`; fails when the result is longer than `N` or not printable ASCII.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let start = usize::from(self.len);
        let end = start + bytes.len();
        if let Some(offset) = bytes.iter().position(|b| !is_printable(*b)) {
            return Err(Error::NotAscii {
                offset: start + offset,
                byte: bytes.get(offset).copied().unwrap_or(0),
            });
        }
        let dst = self
            .buf
            .get_mut(start..end)
            .ok_or(Error::Capacity { max: N })?;
        dst.copy_from_slice(bytes);
        self.len = end as u16;
        Ok(())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only printable ASCII is ever stored, so this cannot fail.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Printable ASCII, space included.
pub(crate) fn is_printable(b: u8) -> bool {
    (0x20..0x7F).contains(&b)
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> core::str::FromStr for Text<N> {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_bytes(s.as_bytes())
    }
}

impl<const N: usize> fmt::Display for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Text<N> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "{=str}", self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<const N: usize> serde::Serialize for Text<N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de, const N: usize> serde::Deserialize<'de> for Text<N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<const N: usize> serde::de::Visitor<'_> for V<N> {
            type Value = Text<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "printable ascii of at most {N} bytes")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<N>, E> {
                Text::from_bytes(v.as_bytes()).map_err(E::custom)
            }
        }
        d.deserialize_str(V::<N>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_and_ascii_are_enforced() {
        assert_eq!(Text::<4>::from_bytes(b"QPIG").unwrap().as_str(), "QPIG");
        assert_eq!(
            Text::<4>::from_bytes(b"QPIGS"),
            Err(Error::Capacity { max: 4 })
        );
        assert_eq!(
            Text::<8>::from_bytes(b"Q\rX"),
            Err(Error::NotAscii {
                offset: 1,
                byte: b'\r'
            })
        );
    }
}
