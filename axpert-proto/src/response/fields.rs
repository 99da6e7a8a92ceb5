//! Space-separated fields, the codec of each field type, and the
//! `record!` macro that turns a protocol table into a struct with a decoder
//! and an encoder.
//!
//! Fields are found by splitting on spaces, never by column: real units vary
//! field widths and counts (docs/protocols/axpert.md §6). Fields past the documented
//! ones are kept raw in [`Extra`].

use bitflags::Flags;

use crate::{Decimal, Error, FieldError, Text, codes::CodeTable, frame::Writer};

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
    fn write(value: &Self::Value, w: &mut Writer<'_>) -> Result<(), Error>;
}

/// A decimal number, width and scale kept.
pub(crate) struct Dec;

impl Codec for Dec {
    type Value = Decimal;
    fn parse(field: &[u8]) -> Result<Decimal, FieldError> {
        Decimal::parse(field)
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
            pub fn decode(payload: &[u8]) -> Result<Self, $crate::Error> {
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
