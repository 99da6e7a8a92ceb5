//! Bounded lists without allocation: cell voltages, temperatures, alarm
//! bytes, ASCII text.

use core::fmt;

use crate::{Error, Info};

/// Up to `N` values in a fixed array, with their count. Slots past the
/// count are never read, and two lists are equal when their values are.
#[derive(Clone, Copy)]
pub struct List<T, const N: usize> {
    items: [T; N],
    len: usize,
}

impl<T: Copy + Default, const N: usize> List<T, N> {
    /// An empty list.
    pub fn new() -> Self {
        List {
            items: [T::default(); N],
            len: 0,
        }
    }

    /// A list of `values`, or [`Error::TooMany`] (offset 0) when they are
    /// more than `N`.
    pub fn from_slice(values: &[T]) -> Result<Self, Error> {
        let mut list = Self::new();
        let dst = list.items.get_mut(..values.len()).ok_or(Error::TooMany {
            offset: 0,
            count: values.len(),
            max: N,
        })?;
        dst.copy_from_slice(values);
        list.len = values.len();
        Ok(list)
    }

    /// Reads `count` values with `read`; a count over `N` is
    /// [`Error::TooMany`] at `offset`.
    pub(crate) fn read(
        info: &mut Info<'_>,
        offset: usize,
        count: usize,
        mut read: impl FnMut(&mut Info<'_>) -> Result<T, Error>,
    ) -> Result<Self, Error> {
        let mut list = Self::new();
        let dst = list.items.get_mut(..count).ok_or(Error::TooMany {
            offset,
            count,
            max: N,
        })?;
        for slot in dst {
            *slot = read(info)?;
        }
        list.len = count;
        Ok(list)
    }
}

impl<T: Copy + Default, const N: usize> List<T, N> {
    /// `count` values, the `k`th `f(k)`; `None` over `N`.
    #[inline(always)]
    pub(crate) fn from_fn(count: usize, mut f: impl FnMut(usize) -> T) -> Option<Self> {
        let mut list = Self::new();
        for (k, slot) in list.items.get_mut(..count)?.iter_mut().enumerate() {
            *slot = f(k);
        }
        list.len = count;
        Some(list)
    }
}

impl<T: Copy + Default, const N: usize> Default for List<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> List<T, N> {
    /// The values.
    pub fn as_slice(&self) -> &[T] {
        self.items.get(..self.len).unwrap_or_default()
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No values.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The count as the wire's byte (`N` is at most 255 here).
    pub(crate) fn count(&self) -> u8 {
        self.len as u8
    }
}

impl<T: PartialEq, const N: usize> PartialEq for List<T, N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq, const N: usize> Eq for List<T, N> {}

impl<T: fmt::Debug, const N: usize> fmt::Debug for List<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

#[cfg(feature = "defmt")]
impl<T: defmt::Format, const N: usize> defmt::Format for List<T, N> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "{=[?]}", self.as_slice())
    }
}

#[cfg(feature = "serde")]
impl<T: serde::Serialize, const N: usize> serde::Serialize for List<T, N> {
    /// A sequence of the values.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

/// Up to `N` bytes of text as sent (ASCII from the devices seen), kept
/// byte for byte; [`as_str`](Text::as_str) reads it.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Text<const N: usize>(pub List<u8, N>);

impl<const N: usize> Text<N> {
    /// The text of `bytes`, or [`Error::TooMany`] over `N` bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        List::from_slice(bytes).map(Text)
    }

    /// The bytes as sent.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// The text, when it is UTF-8 (ASCII is).
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }

    /// Reads the rest of INFO, at most `N` bytes; more is
    /// [`Error::TooMany`] at the offset where the rest starts.
    pub(crate) fn read_rest(info: &mut Info<'_>) -> Result<Self, Error> {
        let count = info.remaining();
        let mut list = List::new();
        let dst = list.items.get_mut(..count).ok_or(Error::TooMany {
            offset: info.offset(),
            count,
            max: N,
        })?;
        info.bytes(dst)?;
        list.len = count;
        Ok(Text(list))
    }
}

impl<const N: usize> fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => fmt::Debug::fmt(self.as_bytes(), f),
        }
    }
}

#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Text<N> {
    fn format(&self, f: defmt::Formatter) {
        match self.as_str() {
            Some(s) => defmt::write!(f, "{=str}", s),
            None => defmt::write!(f, "{=[u8]}", self.as_bytes()),
        }
    }
}

#[cfg(feature = "serde")]
impl<const N: usize> serde::Serialize for Text<N> {
    /// A string when the bytes are UTF-8, the bytes otherwise.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Some(text) => s.serialize_str(text),
            None => s.collect_seq(self.as_bytes()),
        }
    }
}
