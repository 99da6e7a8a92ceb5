//! One point: where its value sits in a reply and how to read it.

use crate::Scale;

/// How a reply carries its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Encoding {
    /// Bytes as they are.
    Binary,
    /// Each byte as two upper- or lower-case hex characters (YD/T 1363 INFO).
    AsciiHex,
    /// Decimal text such as ` 230.5` or `-12` (Megatec-style replies).
    AsciiDecimal,
    /// Modbus registers: 16-bit words, high byte first on the wire.
    Registers,
}

/// The unit of a point's offset and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Unit {
    /// A value byte: one byte of a binary reply, two characters of an
    /// ASCII-hex one.
    Byte,
    /// One hex character (half a byte) of an ASCII-hex reply.
    HexChar,
    /// One character (byte) of the reply as it travels.
    Char,
    /// A 16-bit register: two value bytes.
    Register,
}

/// Where a point's offset counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Origin {
    /// 0 is the first byte of the raw reply (for YD/T 1363 the `~`, as
    /// the legacy INI's `Index` counts).
    Frame,
    /// 0 is the first byte of the payload (YD/T 1363: the first INFO
    /// character; Modbus: the first data byte).
    Payload,
    /// The offset is an absolute Modbus register address; the reply says
    /// which register it starts at.
    Address,
}

/// Where a point's value sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Location {
    /// Offset from `origin`, in `unit`.
    pub offset: u32,
    /// Length, in `unit`.
    pub length: u16,
    /// The unit of `offset` and `length`.
    pub unit: Unit,
    /// Where `offset` counts from.
    pub origin: Origin,
}

/// The order of bytes inside a 16-bit word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ByteOrder {
    /// High byte first (Modbus, YD/T 1363).
    #[default]
    Big,
    /// Low byte first.
    Little,
}

/// The order of the two words of a 32-bit value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum WordOrder {
    /// High word first ("ABCD").
    #[default]
    HighFirst,
    /// Low word first ("CDAB").
    LowFirst,
}

/// Whether a point can be read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Access {
    /// Read only.
    #[default]
    Read,
    /// Read and written.
    ReadWrite,
    /// Written only (a command register).
    Write,
}

/// One raw value of an enumeration and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Label<'a> {
    /// The raw value.
    pub raw: u32,
    /// What it means.
    pub text: &'a str,
}

/// What a point's bytes hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Kind<'a> {
    /// Unsigned, 1 byte.
    U8,
    /// Unsigned, 2 bytes.
    U16,
    /// Two's complement, 2 bytes.
    I16,
    /// Unsigned, 4 bytes.
    U32,
    /// Two's complement, 4 bytes.
    I32,
    /// IEEE 754 single precision, 4 bytes.
    F32,
    /// An unsigned integer (1, 2 or 4 bytes) that is set when not zero.
    Bool,
    /// Bits `first..=last` (bit 0 the least significant) of an unsigned
    /// integer of 1, 2 or 4 bytes. A single bit reads as a flag.
    Bits {
        /// The lowest bit.
        first: u8,
        /// The highest bit, inclusive.
        last: u8,
    },
    /// An unsigned integer (1, 2 or 4 bytes) naming one of `labels`.
    Enum(&'a [Label<'a>]),
    /// Text, as many bytes as the point is long.
    Text,
}

impl Kind<'_> {
    /// The widths (in value bytes) this kind accepts; `None` for any.
    pub const fn widths(&self) -> Option<&'static [usize]> {
        match self {
            Kind::U8 => Some(&[1]),
            Kind::U16 | Kind::I16 => Some(&[2]),
            Kind::U32 | Kind::I32 | Kind::F32 => Some(&[4]),
            Kind::Bool | Kind::Bits { .. } | Kind::Enum(_) => Some(&[1, 2, 4]),
            Kind::Text => None,
        }
    }

    /// The name used in tables (`u16`, `bits`, ...).
    pub const fn name(&self) -> &'static str {
        match self {
            Kind::U8 => "u8",
            Kind::U16 => "u16",
            Kind::I16 => "i16",
            Kind::U32 => "u32",
            Kind::I32 => "i32",
            Kind::F32 => "f32",
            Kind::Bool => "bool",
            Kind::Bits { .. } => "bits",
            Kind::Enum(_) => "enum",
            Kind::Text => "text",
        }
    }
}

/// A valid physical range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Range {
    /// The lowest valid value.
    pub min: f64,
    /// The highest valid value.
    pub max: f64,
}

/// One named value in the replies of one command.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Point<'a> {
    /// The name: unique in its table, `snake_case`, the JSON key.
    pub name: &'a str,
    /// A human name; `""` when none.
    pub label: &'a str,
    /// The name in the source document (for example Chinese); `""` when none.
    pub original: &'a str,
    /// The key of the command whose reply holds the value.
    pub command: &'a str,
    /// Where the value sits.
    pub at: Location,
    /// How the reply carries it.
    pub encoding: Encoding,
    /// What the bytes hold.
    pub kind: Kind<'a>,
    /// Byte order inside a 16-bit word.
    pub byte_order: ByteOrder,
    /// Word order of 32-bit values.
    pub word_order: WordOrder,
    /// Added to the raw value before scaling (for example -2731 for 0.1 K
    /// to 0.1 °C).
    pub value_offset: i32,
    /// Applied after the offset: physical = (raw + value_offset) × scale.
    pub scale: Scale,
    /// The physical unit; `""` when none.
    pub unit: &'a str,
    /// The valid physical range, if known.
    pub range: Option<Range>,
    /// A raw value that means "not available" (compared with the raw
    /// unsigned integer, or with an `f32`'s bits).
    pub not_available: Option<u32>,
    /// The variant the point belongs to; `""` for every variant.
    pub variant: &'a str,
    /// Read, write or both.
    pub access: Access,
}

impl<'a> Point<'a> {
    /// A read-only point with scale 1, no offset, range or sentinel, big
    /// endian, high word first, in every variant: the base for `const`
    /// tables, refined with struct update syntax.
    pub const fn new(
        name: &'a str,
        command: &'a str,
        at: Location,
        encoding: Encoding,
        kind: Kind<'a>,
    ) -> Self {
        Point {
            name,
            label: "",
            original: "",
            command,
            at,
            encoding,
            kind,
            byte_order: ByteOrder::Big,
            word_order: WordOrder::HighFirst,
            value_offset: 0,
            scale: Scale::ONE,
            unit: "",
            range: None,
            not_available: None,
            variant: "",
            access: Access::Read,
        }
    }
}
