//! Space-separated fields, the codec of each field type, and the
//! `record!` macro that turns a protocol table into a struct with a decoder
//! and an encoder.
//!
//! Fields are found by splitting on spaces, never by column: real units vary
//! field widths and counts (docs/protocols/axpert.md §6). Fields past the documented
//! ones are kept raw in [`Extra`].

use bitflags::Flags;

use crate::{Decimal, Error, FieldError, Text, codes::CodeTable, frame::Writer, word};

/// Capacity of [`Extra`], in bytes.
pub const EXTRA_CAPACITY: usize = 64;

/// The fields of a payload, in order; empty fields (a trailing space, two
/// spaces in a row) are skipped.
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
    index: u8,
    min: u8,
}

impl<'a> Fields<'a> {
    /// Fields of `payload`, of which the first `min` are required.
    pub(crate) fn new(payload: &'a [u8], min: u8) -> Self {
        Fields {
            rest: payload,
            index: 0,
            min,
        }
    }

    fn next_raw(&mut self) -> Option<&'a [u8]> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            // Fields are a few bytes long: a plain scan beats a SIMD search.
            let end = self
                .rest
                .iter()
                .position(|&b| b == b' ')
                .unwrap_or(self.rest.len());
            let (field, rest) = self.rest.split_at(end);
            self.rest = rest.get(1..).unwrap_or_default();
            if !field.is_empty() {
                self.index = self.index.saturating_add(1);
                return Some(field);
            }
        }
    }

    /// The next field, decoded with codec `C`. When there is none, the
    /// payload had fewer fields than required, and all of them were read.
    pub(crate) fn required<C: Codec>(&mut self) -> Result<C::Value, Error> {
        let f = self.next_raw().ok_or(Error::FieldCount {
            expected: self.min,
            found: self.index,
        })?;
        C::parse(f).map_err(|kind| Error::Field {
            index: self.index,
            kind,
        })
    }

    /// The next field if there is one.
    pub(crate) fn optional<C: Codec>(&mut self) -> Result<Option<C::Value>, Error> {
        match self.next_raw() {
            None => Ok(None),
            Some(f) => C::parse(f).map(Some).map_err(|kind| Error::Field {
                index: self.index,
                kind,
            }),
        }
    }

    /// Every remaining field, kept raw.
    pub(crate) fn extra(&mut self) -> Result<Extra, Error> {
        let mut e = Extra::default();
        while let Some(f) = self.next_raw() {
            let index = self.index;
            let too_long = |_| Error::Field {
                index,
                kind: FieldError::TooLong,
            };
            if !e.0.is_empty() {
                e.0.push_bytes(b" ").map_err(too_long)?;
            }
            e.0.push_bytes(f).map_err(too_long)?;
        }
        Ok(e)
    }
}

/// The fields of a payload for the decoders' fast path: one space between
/// two, each read a word at a time by its codec (see [`crate::word`]) when
/// it is at most 8 bytes long and of a shape the codec's word path reads,
/// by the codec's `parse` otherwise. Any other layout (an empty field, a
/// space at either end) and any wrong field is `None`: the caller then
/// decodes with [`Fields`], which names the fault.
pub(crate) struct Words<'a> {
    payload: &'a [u8],
    /// Offset of the next field.
    at: usize,
}

impl<'a> Words<'a> {
    /// `None` with `small`.
    #[inline(always)]
    pub(crate) fn new(payload: &'a [u8]) -> Option<Self> {
        word::FAST.then_some(Words { payload, at: 0 })
    }

    /// The next field, decoded by `C`'s fast path, or else (a field
    /// longer than a word, a shape that path leaves out, a codec without
    /// one) by `C::parse`.
    #[inline(always)]
    pub(crate) fn next<C: Codec>(&mut self) -> Option<C::Value> {
        let (v, len) = match word::at(self.payload, self.at).and_then(C::parse_word) {
            // A field that fills the word: a space (or the end) after it.
            Some((_, 8)) if self.payload.get(self.at + 8).is_some_and(|&b| b != b' ') => {
                parsed::<C>(self.payload, self.at)?
            }
            Some(read) => read,
            None => parsed::<C>(self.payload, self.at)?,
        };
        self.at += len + 1;
        Some(v)
    }

    /// The next field if there is one (`Some(None)` if not).
    #[inline(always)]
    pub(crate) fn optional<C: Codec>(&mut self) -> Option<Option<C::Value>> {
        if self.done() {
            return Some(None);
        }
        self.next::<C>().map(Some)
    }

    /// Whether every field was read.
    #[inline(always)]
    pub(crate) fn done(&self) -> bool {
        self.at > self.payload.len()
    }

    /// The remaining fields, as [`Fields::extra`] keeps them: when they
    /// are one space apart, the rest of the payload as it is.
    #[inline(always)]
    pub(crate) fn extra(&mut self) -> Option<Extra> {
        if self.done() {
            return Some(Extra::default());
        }
        let extra = extra_text(self.payload.get(self.at..)?)?;
        self.at = self.payload.len() + 1;
        Some(extra)
    }
}

/// `rest` as [`Extra`] when its fields are one space apart. Out of line,
/// and not a method, so that [`Words`] stays in registers.
#[inline(never)]
fn extra_text(rest: &[u8]) -> Option<Extra> {
    let spaced = |w: &[u8]| w == b"  ";
    if rest.first() == Some(&b' ') || rest.last() == Some(&b' ') || rest.windows(2).any(spaced) {
        return None;
    }
    Text::from_bytes(rest).ok().map(Extra)
}

/// The field of `payload` at `at`, up to a space or the end, decoded by
/// `C::parse`, and its length; `None` if it is empty or wrong. Out of
/// line, and not a method, so that [`Words`] stays in registers.
#[inline(never)]
fn parsed<C: Codec>(payload: &[u8], at: usize) -> Option<(C::Value, usize)> {
    let rest = payload.get(at..)?;
    let len = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let v = C::parse(rest.get(..len).filter(|f| !f.is_empty())?).ok()?;
    Some((v, len))
}

/// Fields a unit sent beyond the documented ones, as received, separated by
/// single spaces. Their meaning is undocumented (see docs/protocols/axpert.md §4 and §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Extra(pub Text<EXTRA_CAPACITY>);

impl Extra {
    /// The extra fields one by one.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.as_str().split(' ').filter(|f| !f.is_empty())
    }

    /// Number of extra fields.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the unit sent no extra field.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Writes fields with single spaces between them.
pub(crate) struct Joiner {
    first: bool,
}

impl Joiner {
    pub(crate) fn new() -> Self {
        Joiner { first: true }
    }

    pub(crate) fn field<C: Codec>(
        &mut self,
        w: &mut Writer<'_>,
        v: &C::Value,
    ) -> Result<(), Error> {
        self.sep(w)?;
        C::write(v, w)
    }

    pub(crate) fn extra(&mut self, w: &mut Writer<'_>, e: &Extra) -> Result<(), Error> {
        if e.is_empty() {
            return Ok(());
        }
        self.sep(w)?;
        w.put(e.0.as_bytes())
    }

    fn sep(&mut self, w: &mut Writer<'_>) -> Result<(), Error> {
        if !self.first {
            w.put(b" ")?;
        }
        self.first = false;
        Ok(())
    }
}

/// How one field type is read from and written to the wire.
pub(crate) trait Codec {
    type Value;
    fn parse(field: &[u8]) -> Result<Self::Value, FieldError>;
    /// The field at the start of `word`, its first byte lowest (see
    /// [`crate::word`]), when it is right, of a shape this fast path
    /// reads, and a space follows it in the word (or it fills the word:
    /// the caller checks the next byte): the value `parse` gives, and the
    /// field's length (1 to 8). `None` sends the field to `parse`.
    #[inline(always)]
    fn parse_word(word: u64) -> Option<(Self::Value, usize)> {
        let _ = word;
        None
    }
    fn write(value: &Self::Value, w: &mut Writer<'_>) -> Result<(), Error>;
}

/// A decimal number, width and scale kept.
pub(crate) struct Dec;

impl Codec for Dec {
    type Value = Decimal;
    fn parse(field: &[u8]) -> Result<Decimal, FieldError> {
        Decimal::parse(field)
    }
    #[inline(always)]
    fn parse_word(word: u64) -> Option<(Decimal, usize)> {
        word::decimal(word)
    }
    fn write(value: &Decimal, w: &mut Writer<'_>) -> Result<(), Error> {
        w.display(value)
    }
}

/// A code from a table, written `W` digits wide.
pub(crate) struct Code<E, const W: u8>(core::marker::PhantomData<E>);

impl<E: CodeTable, const W: u8> Codec for Code<E, W> {
    type Value = E;
    fn parse(field: &[u8]) -> Result<E, FieldError> {
        let d = Decimal::parse(field)?;
        let v = d.to_u32().ok_or(FieldError::NotNumber)?;
        E::from_u32(v).ok_or(FieldError::Overflow)
    }
    #[inline(always)]
    fn parse_word(word: u64) -> Option<(E, usize)> {
        // Digits without a point, which `to_u32` takes as they are.
        let (d, len) = word::decimal(word).filter(|(d, _)| d.scale() == 0)?;
        Some((E::from_u32(d.mantissa()?.unsigned_abs())?, len))
    }
    fn write(value: &E, w: &mut Writer<'_>) -> Result<(), Error> {
        // The number's digits, least significant first (a u32 has at most 10).
        let mut digits = [b'0'; 10];
        let mut n = 0;
        let mut v = value.to_u32();
        for d in digits.iter_mut() {
            *d = b'0' + (v % 10) as u8;
            n += 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        // Zero-padded to W digits; a longer number keeps all its digits.
        let width = n.max(usize::from(W));
        let needed = w.len() + width;
        let too_small = |_| Error::BufferTooSmall { needed };
        for _ in n..width {
            w.put(b"0").map_err(too_small)?;
        }
        for d in digits.iter().take(n).rev() {
            w.put(&[*d]).map_err(too_small)?;
        }
        Ok(())
    }
}

/// A code that is one letter (QMOD, QPGSn work mode).
pub(crate) struct Letter<E>(core::marker::PhantomData<E>);

impl<E: CodeTable> Codec for Letter<E> {
    type Value = E;
    fn parse(field: &[u8]) -> Result<E, FieldError> {
        match field {
            [c] => E::from_u32(u32::from(*c)).ok_or(FieldError::Overflow),
            _ => Err(FieldError::Width {
                expected: 1,
                found: field.len().min(255) as u8,
            }),
        }
    }
    #[inline(always)]
    fn parse_word(word: u64) -> Option<(E, usize)> {
        // One byte, not a space (an empty field), then a space.
        let [c, space, ..] = word.to_le_bytes();
        if c == b' ' || space != b' ' {
            return None;
        }
        Some((E::from_u32(u32::from(c))?, 1))
    }
    fn write(value: &E, w: &mut Writer<'_>) -> Result<(), Error> {
        let c = u8::try_from(value.to_u32()).unwrap_or(b'?');
        w.put(&[c])
    }
}

/// `0` or `1`.
pub(crate) struct Bit;

impl Codec for Bit {
    type Value = bool;
    fn parse(field: &[u8]) -> Result<bool, FieldError> {
        match field {
            b"0" => Ok(false),
            b"1" => Ok(true),
            [_] => Err(FieldError::NotBit),
            _ => Err(FieldError::Width {
                expected: 1,
                found: field.len().min(255) as u8,
            }),
        }
    }
    #[inline(always)]
    fn parse_word(word: u64) -> Option<(bool, usize)> {
        match word.to_le_bytes() {
            [b'0', b' ', ..] => Some((false, 1)),
            [b'1', b' ', ..] => Some((true, 1)),
            _ => None,
        }
    }
    fn write(value: &bool, w: &mut Writer<'_>) -> Result<(), Error> {
        w.put(if *value { b"1" } else { b"0" })
    }
}

/// A bit string of exactly `W` characters, most significant bit first.
pub(crate) struct Bits<F, const W: u8>(core::marker::PhantomData<F>);

impl<F: Flags<Bits = u8>, const W: u8> Codec for Bits<F, W> {
    type Value = F;
    fn parse(field: &[u8]) -> Result<F, FieldError> {
        if field.len() != usize::from(W) {
            return Err(FieldError::Width {
                expected: W,
                found: field.len().min(255) as u8,
            });
        }
        let mut v = 0u8;
        for &c in field {
            v = (v << 1)
                | match c {
                    b'0' => 0,
                    b'1' => 1,
                    _ => return Err(FieldError::NotBit),
                };
        }
        Ok(F::from_bits_retain(v))
    }
    #[inline(always)]
    fn parse_word(word: u64) -> Option<(F, usize)> {
        let v = word::bits_msb_first(word, usize::from(W))?;
        Some((F::from_bits_retain(v), usize::from(W)))
    }
    fn write(value: &F, w: &mut Writer<'_>) -> Result<(), Error> {
        for i in (0..W).rev() {
            w.put(if value.bits() >> i & 1 == 1 {
                b"1"
            } else {
                b"0"
            })?;
        }
        Ok(())
    }
}

/// Printable text of at most `N` bytes.
pub(crate) struct Txt<const N: usize>;

impl<const N: usize> Codec for Txt<N> {
    type Value = Text<N>;
    fn parse(field: &[u8]) -> Result<Text<N>, FieldError> {
        Text::from_bytes(field).map_err(|_| FieldError::TooLong)
    }
    fn write(value: &Text<N>, w: &mut Writer<'_>) -> Result<(), Error> {
        w.put(value.as_bytes())
    }
}

/// Declares a response record from its protocol table: the struct, its
/// decoder and its encoder. Required fields come first; optional fields
/// are those some real units leave out; anything after them is [`Extra`].
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            required {
                $( $(#[$rmeta:meta])* $req:ident: $rty:ty => $rcodec:ty, )*
            }
            optional {
                $( $(#[$ometa:meta])* $opt:ident: $oty:ty => $ocodec:ty, )*
            }
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name {
            $( $(#[$rmeta])* pub $req: $rty, )*
            $( $(#[$ometa])* pub $opt: Option<$oty>, )*
            /// Fields past the documented ones, kept raw.
            pub extra: $crate::response::Extra,
        }

        impl $name {
            /// Number of fields every real unit sends.
            pub const REQUIRED_FIELDS: u8 = [$(stringify!($req)),*].len() as u8;

            /// Decodes the payload (between `(` and the CRC).
            #[inline]
            pub fn decode(payload: &[u8]) -> Result<Self, $crate::Error> {
                Self::decode_with(payload, |v| v)
            }

            /// [`decode`](Self::decode), the value passed to `wrap`. The
            /// fast path ([`Words`](crate::response::fields::Words)) builds
            /// `wrap`'s result from the fields where the caller wants it,
            /// not through copies of the whole record; what it leaves
            /// goes to [`decode_checked`](Self::decode_checked).
            #[inline(always)]
            pub(crate) fn decode_with<R>(
                payload: &[u8],
                wrap: impl FnOnce(Self) -> R,
            ) -> Result<R, $crate::Error> {
                'fast: {
                    let Some(mut f) = $crate::response::fields::Words::new(payload) else {
                        break 'fast;
                    };
                    $( let Some($req) = f.next::<$rcodec>() else { break 'fast; }; )*
                    $( let Some($opt) = f.optional::<$ocodec>() else { break 'fast; }; )*
                    let Some(extra) = f.extra() else {
                        break 'fast;
                    };
                    return Ok(wrap($name {
                        $( $req, )*
                        $( $opt, )*
                        extra,
                    }));
                }
                Self::decode_checked(payload).map(wrap)
            }

            /// Decodes the payload field by field, naming the fault.
            pub(crate) fn decode_checked(payload: &[u8]) -> Result<Self, $crate::Error> {
                let mut f = $crate::response::fields::Fields::new(payload, Self::REQUIRED_FIELDS);
                let mut out = $name {
                    $( $req: f.required::<$rcodec>()?, )*
                    $( $opt: None, )*
                    extra: Default::default(),
                };
                $( out.$opt = f.optional::<$ocodec>()?; )*
                out.extra = f.extra()?;
                Ok(out)
            }

            pub(crate) fn write(&self, w: &mut $crate::frame::Writer<'_>) -> Result<(), $crate::Error> {
                let mut j = $crate::response::fields::Joiner::new();
                $( j.field::<$rcodec>(w, &self.$req)?; )*
                // An optional field after a missing one cannot be written in
                // its place; stop at the first missing one.
                #[allow(unused_mut)]
                let mut present = true;
                $(
                    present = present && self.$opt.is_some();
                    if let (true, Some(v)) = (present, &self.$opt) {
                        j.field::<$ocodec>(w, v)?;
                    }
                )*
                let _ = present;
                j.extra(w, &self.extra)
            }
        }
    };
}

pub(crate) use record;

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    #[test]
    fn fields_skip_empty_and_count() {
        let mut f = Fields::new(b"01.0 202.0 00205 ", 3);
        assert_eq!(
            f.required::<Dec>().unwrap(),
            Decimal::new(10, 1).with_width(4)
        );
        f.required::<Dec>().unwrap();
        f.required::<Dec>().unwrap();
        assert_eq!(f.optional::<Dec>().unwrap(), None);
        let mut f = Fields::new(b"1 2", 3);
        f.required::<Dec>().unwrap();
        f.required::<Dec>().unwrap();
        assert_eq!(
            f.required::<Dec>(),
            Err(Error::FieldCount {
                expected: 3,
                found: 2
            })
        );
    }

    /// A code table whose numbers do not fit an `i32`.
    #[derive(Debug, Clone, Copy)]
    struct Big(u32);

    impl CodeTable for Big {
        fn from_u32(v: u32) -> Option<Self> {
            Some(Big(v))
        }
        fn to_u32(self) -> u32 {
            self.0
        }
    }

    fn write_code<E: CodeTable, const W: u8>(
        value: E,
        cap: usize,
    ) -> Result<std::vec::Vec<u8>, Error> {
        let mut buf = std::vec![0u8; cap];
        let mut w = Writer::new(&mut buf);
        w.put(b"(")?;
        Code::<E, W>::write(&value, &mut w)?;
        let n = w.len();
        Ok(buf[..n].to_vec())
    }

    #[test]
    fn codes_are_zero_padded_and_overflow_reports_the_size_needed() {
        assert_eq!(
            write_code::<_, 2>(crate::BatteryType::Flooded, 8).unwrap(),
            b"(01"
        );
        assert_eq!(write_code::<_, 1>(Big(0), 8).unwrap(), b"(0");
        assert_eq!(
            write_code::<_, 3>(Big(u32::MAX), 16).unwrap(),
            b"(4294967295",
            "a number wider than its field keeps all its digits"
        );
        // "(" and three digits need 4 bytes.
        assert_eq!(
            write_code::<_, 3>(crate::BatteryType::User, 2),
            Err(Error::BufferTooSmall { needed: 4 })
        );
        assert_eq!(
            write_code::<_, 3>(Big(3_000_000_000), 4),
            Err(Error::BufferTooSmall { needed: 11 })
        );
    }

    #[test]
    fn field_errors_name_the_field() {
        let mut f = Fields::new(b"1 x", 2);
        f.required::<Dec>().unwrap();
        assert_eq!(
            f.required::<Dec>(),
            Err(Error::Field {
                index: 2,
                kind: FieldError::NotNumber
            })
        );
        let mut f = Fields::new(b"0012", 1);
        assert_eq!(
            f.required::<Bits<crate::DeviceStatus, 8>>(),
            Err(Error::Field {
                index: 1,
                kind: FieldError::Width {
                    expected: 8,
                    found: 4
                }
            })
        );
    }
}
