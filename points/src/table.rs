//! A table: the points of one device and the commands that fetch them.

use crate::decode::decode;
use crate::{Point, PointError, Reply, Value};

/// How a device is polled, as far as a table says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Request<'a> {
    /// A Modbus register read: the registers come from the points.
    Modbus {
        /// The function code: 3 (holding) or 4 (input registers).
        function: u8,
        /// The most registers one read may ask for.
        max_registers: u16,
        /// Whether a read must start at an even register and ask for an
        /// even count (Eastron meters).
        even: bool,
    },
    /// A YD/T 1363 request frame.
    Ydt1363 {
        /// VER.
        ver: u8,
        /// CID1 (device type).
        cid1: u8,
        /// CID2 (command).
        cid2: u8,
        /// INFO of the request, as bytes (sent as hex).
        info: &'a [u8],
    },
    /// The table does not say how to ask (an imported legacy table).
    Unspecified,
}

/// One command whose reply holds points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Command<'a> {
    /// What points name as their `command`.
    pub key: &'a str,
    /// How to ask for it.
    pub request: Request<'a>,
}

/// A choice between sources that disagree (for example where a meter
/// keeps its energy registers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Variant<'a> {
    /// Its name, as points and users give it.
    pub name: &'a str,
    /// What it stands for.
    pub description: &'a str,
    /// Chosen unless the user chooses another.
    pub default: bool,
}

/// The points of one device.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Table<'a> {
    /// The device.
    pub name: &'a str,
    /// The commands that fetch the points.
    pub commands: &'a [Command<'a>],
    /// The variants, if sources disagree.
    pub variants: &'a [Variant<'a>],
    /// The points.
    pub points: &'a [Point<'a>],
}

impl<'a> Table<'a> {
    /// The command with this key.
    pub fn command(&self, key: &str) -> Option<&'a Command<'a>> {
        self.commands.iter().find(|c| c.key == key)
    }

    /// The variant chosen by default: the one marked so, else the first,
    /// else `""` (the table has none).
    pub fn default_variant(&self) -> &'a str {
        self.variants
            .iter()
            .find(|v| v.default)
            .or(self.variants.first())
            .map_or("", |v| v.name)
    }

    /// The variant with this name.
    pub fn variant(&self, name: &str) -> Option<&'a Variant<'a>> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// The points held by `command`'s reply, in `variant`.
    pub fn points_of<'k>(
        &self,
        command: &'k str,
        variant: &'k str,
    ) -> impl Iterator<Item = &'a Point<'a>> + 'k
    where
        'a: 'k,
    {
        self.points
            .iter()
            .filter(move |p| p.command == command && in_variant(p, variant))
    }

    /// Every point of `command` in `variant`, read from `reply`; a point
    /// that cannot be read gives its error and the others are read
    /// regardless. Nothing is allocated.
    pub fn decode<'r>(
        &self,
        command: &'r str,
        variant: &'r str,
        reply: Reply<'r>,
    ) -> impl Iterator<Item = (&'a Point<'a>, Result<Value<'r>, PointError>)> + 'r
    where
        'a: 'r,
    {
        self.points_of(command, variant)
            .map(move |p| (p, decode(p, &reply)))
    }

    /// The register reads that cover every point of `command` in
    /// `variant` (a Modbus command; none for others): `(first, count)`,
    /// lowest first, each within the command's limit.
    pub fn reads<'k>(&self, command: &'k str, variant: &'k str) -> Reads<'a, 'k>
    where
        'a: 'k,
    {
        let (max, even) = match self.command(command).map(|c| c.request) {
            Some(crate::Request::Modbus {
                max_registers,
                even,
                ..
            }) => (max_registers.max(1), even),
            _ => (0, false),
        };
        Reads {
            points: self.points,
            command,
            variant,
            max,
            even,
            cursor: 0,
        }
    }
}

pub(crate) fn in_variant(point: &Point<'_>, variant: &str) -> bool {
    point.variant.is_empty() || point.variant == variant
}

/// The register reads of one command: see [`Table::reads`].
#[derive(Debug, Clone)]
pub struct Reads<'a, 'k> {
    points: &'a [Point<'a>],
    command: &'k str,
    variant: &'k str,
    max: u16,
    even: bool,
    cursor: u32,
}

impl Reads<'_, '_> {
    /// The points' register spans `(first, end)` at or after `from`.
    fn spans(&self, from: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.points
            .iter()
            .filter(|p| p.command == self.command && in_variant(p, self.variant))
            .filter(|p| {
                p.at.origin == crate::Origin::Address
                    && p.at.unit == crate::Unit::Register
                    && p.at.length > 0
            })
            .map(|p| {
                (
                    p.at.offset,
                    p.at.offset.saturating_add(u32::from(p.at.length)),
                )
            })
            .filter(move |&(start, _)| start >= from)
    }
}

impl Iterator for Reads<'_, '_> {
    type Item = (u16, u16);

    fn next(&mut self) -> Option<(u16, u16)> {
        if self.max == 0 {
            return None;
        }
        loop {
            let mut first = self.spans(self.cursor).map(|(s, _)| s).min()?;
            if self.even && first % 2 == 1 && first > self.cursor {
                first -= 1;
            }
            let limit = first.saturating_add(u32::from(self.max));
            let end = self
                .spans(first)
                .filter(|&(_, e)| e <= limit)
                .map(|(_, e)| e)
                .max();
            let Some(mut end) = end else {
                // A point longer than one read: skip it (the table check
                // reports it).
                self.cursor = first.saturating_add(1);
                continue;
            };
            if self.even && (end - first) % 2 == 1 && end < limit {
                end += 1;
            }
            self.cursor = end;
            let first16 = u16::try_from(first).ok()?;
            let count = u16::try_from(end - first).ok()?;
            return Some((first16, count));
        }
    }
}

/// The command, variant, limits and where the reads have got to, not the
/// table's points.
#[cfg(feature = "defmt")]
impl defmt::Format for Reads<'_, '_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Reads {{ command: {=str}, variant: {=str}, max: {=u16}, even: {=bool}, cursor: {=u32} }}",
            self.command,
            self.variant,
            self.max,
            self.even,
            self.cursor
        );
    }
}
