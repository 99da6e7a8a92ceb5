//! Tables in files (feature `std`): the TOML form (read and written
//! through serde) and the legacy INI family ([`File::from_ini`]).
//!
//! A [`File`] owns its text; [`File::with_table`] lends it out as a
//! [`Table`] for the decoder:
//!
//! ```
//! let file = points::file::File::from_toml(r#"
//!     name = "meter"
//!     [[command]]
//!     key = "04"
//!     modbus = { function = 4 }
//!     [[point]]
//!     name = "voltage"
//!     command = "04"
//!     offset = 0
//!     length = 2
//!     encoding = "registers"
//!     offset_unit = "register"
//!     origin = "address"
//!     type = "f32"
//!     unit = "V"
//! "#).unwrap();
//! let volts = 230.5f32.to_bits().to_be_bytes();
//! file.with_table(|table| {
//!     let (_, value) = table.decode("04", "", points::Reply::registers(0, &volts)).next().unwrap();
//!     assert_eq!(value.unwrap().to_string(), "230.5");
//! }).unwrap();
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    Access, ByteOrder, Command, Encoding, Kind, Label, Location, Origin, Point, Range, Request,
    Scale, Table, Unit, Variant, WordOrder,
};

mod ini;

/// A table as its file has it: owned text, defaults not yet applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// The device.
    pub name: String,
    /// Sources, caveats, what is assumed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// How tools poll the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Applied to every point that does not say otherwise.
    #[serde(default)]
    pub defaults: Defaults,
    /// The commands whose replies hold the points.
    #[serde(default, rename = "command", skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<CommandDef>,
    /// Choices where sources disagree.
    #[serde(default, rename = "variant", skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantDef>,
    /// The points.
    #[serde(default, rename = "point")]
    pub points: Vec<PointDef>,
}

/// How tools poll a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Modbus RTU register reads.
    Modbus,
    /// YD/T 1363 frames.
    Ydt1363,
}

/// Point settings given once for the whole table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// How replies carry values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// The unit of offsets and lengths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_unit: Option<Unit>,
    /// Where offsets count from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The value type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<TypeName>,
    /// Byte order in a word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte_order: Option<ByteOrder>,
    /// Word order of 32-bit values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word_order: Option<WordOrder>,
}

/// A value type by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum TypeName {
    U8,
    U16,
    I16,
    U32,
    I32,
    F32,
    Bool,
    Bits,
    Enum,
    Text,
}

/// A command as the file has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandDef {
    /// What points name as their `command`.
    pub key: String,
    /// A Modbus register read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modbus: Option<ModbusDef>,
    /// A YD/T 1363 request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ydt1363: Option<Ydt1363Def>,
}

/// A Modbus register read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModbusDef {
    /// 3 (holding) or 4 (input registers).
    pub function: u8,
    /// The most registers per read (default 125, the protocol's limit).
    #[serde(default = "max_registers")]
    pub max_registers: u16,
    /// Reads start at an even register and ask for an even count.
    #[serde(default)]
    pub even: bool,
}

fn max_registers() -> u16 {
    125
}

/// A YD/T 1363 request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ydt1363Def {
    /// VER.
    pub ver: u8,
    /// CID1.
    pub cid1: u8,
    /// CID2.
    pub cid2: u8,
    /// The request's INFO as hex text (`""` for none).
    #[serde(default)]
    pub info: String,
}

/// A variant as the file has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    /// Its name.
    pub name: String,
    /// What it stands for.
    #[serde(default)]
    pub description: String,
    /// Chosen unless the user chooses another.
    #[serde(default)]
    pub default: bool,
}

/// A point as the file has it: what it leaves out comes from
/// [`Defaults`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // The fields are those of `Point`.
pub struct PointDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub original: String,
    pub command: String,
    pub offset: u32,
    pub length: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<TypeName>,
    /// First and last bit, for type `bits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<[u8; 2]>,
    /// Raw value (decimal or `0x` hex, as a key) to text, for type `enum`.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte_order: Option<ByteOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word_order: Option<WordOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub value_offset: i32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_available: Option<u32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
    #[serde(default, skip_serializing_if = "is_read")]
    pub access: Access,
    /// Caveats and sources for this point.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

fn is_read(a: &Access) -> bool {
    *a == Access::Read
}

/// Why a table file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file could not be read.
    Io(String),
    /// Not valid TOML, or not the table form (the parser's message, with
    /// the line).
    Toml(String),
    /// An INI line that is not a section, key or comment.
    Ini {
        /// The line number, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Neither UTF-8 nor GBK text.
    Encoding,
    /// A point whose settings are incomplete or contradict each other.
    Point {
        /// The point's number, from 1.
        number: usize,
        /// Its name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A command whose request is malformed.
    Command {
        /// The command's key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(m) => f.write_str(m),
            LoadError::Toml(m) => write!(f, "not a point table in TOML form: {m}"),
            LoadError::Ini { line, message } => write!(f, "line {line}: {message}"),
            LoadError::Encoding => f.write_str("the file is neither UTF-8 nor GBK text"),
            LoadError::Point {
                number,
                name,
                message,
            } => write!(f, "point {number} ({name}): {message}"),
            LoadError::Command { key, message } => write!(f, "command \"{key}\": {message}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl File {
    /// Reads the TOML form.
    pub fn from_toml(text: &str) -> Result<File, LoadError> {
        let file: File = toml::from_str(text).map_err(|e| LoadError::Toml(e.to_string()))?;
        file.resolve()?;
        Ok(file)
    }

    /// Writes the TOML form.
    pub fn to_toml(&self) -> Result<String, LoadError> {
        toml::to_string(self).map_err(|e| LoadError::Toml(e.to_string()))
    }

    /// Reads a file: the TOML form when the name ends in `.toml`, the
    /// INI family otherwise.
    pub fn load(path: &std::path::Path) -> Result<File, LoadError> {
        let bytes = std::fs::read(path)
            .map_err(|e| LoadError::Io(format!("cannot read {}: {e}", path.display())))?;
        let toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if toml {
            let text = std::str::from_utf8(&bytes).map_err(|_| LoadError::Encoding)?;
            File::from_toml(text)
        } else {
            let name = path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            File::from_ini(&name, &bytes)
        }
    }

    /// Lends the table to `f`, with every default applied; an
    /// incomplete or contradictory point or command is an error.
    pub fn with_table<R>(&self, f: impl FnOnce(&Table<'_>) -> R) -> Result<R, LoadError> {
        let resolved = self.resolve()?;
        let labels: Vec<Vec<Label<'_>>> = resolved
            .iter()
            .map(|r| {
                r.labels
                    .iter()
                    .map(|(raw, text)| Label { raw: *raw, text })
                    .collect()
            })
            .collect();
        let points: Vec<Point<'_>> = resolved
            .iter()
            .zip(&labels)
            .map(|(r, labels)| r.point(labels))
            .collect();
        let infos = self.infos()?;
        let commands: Vec<Command<'_>> = self
            .commands
            .iter()
            .zip(&infos)
            .map(|(c, info)| command(c, info))
            .collect();
        let variants: Vec<Variant<'_>> = self
            .variants
            .iter()
            .map(|v| Variant {
                name: &v.name,
                description: &v.description,
                default: v.default,
            })
            .collect();
        Ok(f(&Table {
            name: &self.name,
            commands: &commands,
            variants: &variants,
            points: &points,
        }))
    }

    fn infos(&self) -> Result<Vec<Vec<u8>>, LoadError> {
        self.commands
            .iter()
            .map(|c| {
                let info = c.ydt1363.as_ref().map_or("", |y| y.info.as_str());
                hex(info).ok_or_else(|| LoadError::Command {
                    key: c.key.clone(),
                    message: format!("INFO \"{info}\" is not hex text of whole bytes"),
                })
            })
            .collect()
    }

    fn resolve(&self) -> Result<Vec<Resolved<'_>>, LoadError> {
        for c in &self.commands {
            if c.modbus.is_some() && c.ydt1363.is_some() {
                return Err(LoadError::Command {
                    key: c.key.clone(),
                    message: "gives both a Modbus and a YD/T 1363 request; keep one".into(),
                });
            }
        }
        self.infos()?;
        self.points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                resolve(&self.defaults, p).map_err(|message| LoadError::Point {
                    number: i + 1,
                    name: p.name.clone(),
                    message,
                })
            })
            .collect()
    }
}

/// A point with the defaults applied, still borrowing the file.
struct Resolved<'f> {
    def: &'f PointDef,
    at: Location,
    encoding: Encoding,
    kind: KindSpec,
    labels: Vec<(u32, &'f str)>,
    byte_order: ByteOrder,
    word_order: WordOrder,
    range: Option<Range>,
}

#[derive(Clone, Copy)]
enum KindSpec {
    Plain(Kind<'static>),
    Enum,
}

impl<'f> Resolved<'f> {
    fn point<'a>(&'a self, labels: &'a [Label<'a>]) -> Point<'a>
    where
        'f: 'a,
    {
        let d = self.def;
        Point {
            name: &d.name,
            label: &d.label,
            original: &d.original,
            command: &d.command,
            at: self.at,
            encoding: self.encoding,
            kind: match self.kind {
                KindSpec::Plain(k) => k,
                KindSpec::Enum => Kind::Enum(labels),
            },
            byte_order: self.byte_order,
            word_order: self.word_order,
            value_offset: d.value_offset,
            scale: d.scale.unwrap_or(Scale::ONE),
            unit: &d.unit,
            range: self.range,
            not_available: d.not_available,
            variant: &d.variant,
            access: d.access,
        }
    }
}

fn resolve<'f>(defaults: &Defaults, p: &'f PointDef) -> Result<Resolved<'f>, String> {
    let missing = |what: &str| format!("no {what}: give it here or under [defaults]");
    let encoding = p
        .encoding
        .or(defaults.encoding)
        .ok_or_else(|| missing("encoding"))?;
    let unit = p
        .offset_unit
        .or(defaults.offset_unit)
        .ok_or_else(|| missing("offset_unit"))?;
    let origin = p
        .origin
        .or(defaults.origin)
        .ok_or_else(|| missing("origin"))?;
    let name = p.kind.or(defaults.kind).ok_or_else(|| missing("type"))?;
    if p.bits.is_some() && name != TypeName::Bits {
        return Err("gives `bits` but is not of type \"bits\"".into());
    }
    if p.labels.is_some() && name != TypeName::Enum {
        return Err("gives `enum` but is not of type \"enum\"".into());
    }
    let kind = match name {
        TypeName::U8 => KindSpec::Plain(Kind::U8),
        TypeName::U16 => KindSpec::Plain(Kind::U16),
        TypeName::I16 => KindSpec::Plain(Kind::I16),
        TypeName::U32 => KindSpec::Plain(Kind::U32),
        TypeName::I32 => KindSpec::Plain(Kind::I32),
        TypeName::F32 => KindSpec::Plain(Kind::F32),
        TypeName::Bool => KindSpec::Plain(Kind::Bool),
        TypeName::Text => KindSpec::Plain(Kind::Text),
        TypeName::Bits => {
            let [first, last] = p
                .bits
                .ok_or("is of type \"bits\" but gives no `bits = [first, last]`")?;
            KindSpec::Plain(Kind::Bits { first, last })
        }
        TypeName::Enum => KindSpec::Enum,
    };
    let mut labels = Vec::new();
    if name == TypeName::Enum {
        let map = p
            .labels
            .as_ref()
            .ok_or("is of type \"enum\" but gives no `enum = { … }`")?;
        for (key, text) in map {
            let raw = parse_u32(key).ok_or_else(|| {
                format!("enum key \"{key}\" is not a number (decimal, or hex with 0x)")
            })?;
            labels.push((raw, text.as_str()));
        }
    }
    let range = p.range.map(|[min, max]| Range { min, max });
    Ok(Resolved {
        def: p,
        at: Location {
            offset: p.offset,
            length: p.length,
            unit,
            origin,
        },
        encoding,
        kind,
        labels,
        byte_order: p.byte_order.or(defaults.byte_order).unwrap_or_default(),
        word_order: p.word_order.or(defaults.word_order).unwrap_or_default(),
        range,
    })
}

fn command<'a>(c: &'a CommandDef, info: &'a [u8]) -> Command<'a> {
    let request = match (&c.modbus, &c.ydt1363) {
        (Some(m), _) => Request::Modbus {
            function: m.function,
            max_registers: m.max_registers,
            even: m.even,
        },
        (None, Some(y)) => Request::Ydt1363 {
            ver: y.ver,
            cid1: y.cid1,
            cid2: y.cid2,
            info,
        },
        (None, None) => Request::Unspecified,
    };
    Command {
        key: &c.key,
        request,
    }
}

fn parse_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}
