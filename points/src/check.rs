//! What is wrong with a table, found before any reply is decoded.

use core::fmt;

use crate::decode::{span, unit_bytes};
use crate::{Encoding, Kind, Origin, PointError, Request, Table};

/// One problem of a table, at one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Problem {
    /// The point's index in [`Table::points`].
    pub point: usize,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ProblemKind {
    /// The point has no name.
    EmptyName,
    /// An earlier point (by index) has the same name in a variant both
    /// belong to.
    DuplicateName {
        /// The earlier point.
        other: usize,
    },
    /// No command has the point's command key.
    UnknownCommand,
    /// No variant has the point's variant name.
    UnknownVariant,
    /// The location cannot be read in the point's encoding.
    Unsupported,
    /// The length does not fit the type.
    Width {
        /// The point's length in value bytes.
        bytes: usize,
    },
    /// The bit range does not lie inside the value.
    BitsOutside {
        /// The value's width in bits.
        width: usize,
    },
    /// The point covers bytes of an earlier point of the same command
    /// (the first such point is named). Two bit ranges of one word may
    /// share it when they do not share a bit.
    Overlap {
        /// The earlier point.
        other: usize,
    },
    /// A register point longer than the command's read limit.
    TooLong {
        /// The command's limit in registers.
        max: u16,
    },
    /// The valid range's minimum is above its maximum.
    EmptyRange,
    /// The point is 0 units long: there is nothing to read.
    Empty,
}

impl Table<'_> {
    /// Finds every problem, calling `report` for each, in point order.
    /// Nothing is allocated. A table without problems decodes every
    /// point it has from a long enough reply.
    pub fn check(&self, mut report: impl FnMut(Problem)) {
        for (i, p) in self.points.iter().enumerate() {
            let mut say = |kind| report(Problem { point: i, kind });
            if p.name.is_empty() {
                say(ProblemKind::EmptyName);
            }
            let earlier = self.points.get(..i).unwrap_or_default();
            let shares_variant = |q: &crate::Point<'_>| {
                p.variant.is_empty() || q.variant.is_empty() || p.variant == q.variant
            };
            if let Some(other) = earlier
                .iter()
                .position(|q| q.name == p.name && shares_variant(q))
            {
                say(ProblemKind::DuplicateName { other });
            }
            let command = self.command(p.command);
            if command.is_none() {
                say(ProblemKind::UnknownCommand);
            }
            if !p.variant.is_empty() && self.variant(p.variant).is_none() {
                say(ProblemKind::UnknownVariant);
            }
            if let Some(r) = p.range
                && r.min > r.max
            {
                say(ProblemKind::EmptyRange);
            }
            if p.at.length == 0 {
                say(ProblemKind::Empty);
            }
            let Some(bytes) = value_bytes(p) else {
                say(ProblemKind::Unsupported);
                continue;
            };
            if p.encoding != Encoding::AsciiDecimal
                && let Some(w) = p.kind.widths()
                && !w.contains(&bytes)
            {
                say(ProblemKind::Width { bytes });
            }
            if let Kind::Bits { first, last } = p.kind {
                let width = if p.encoding == Encoding::AsciiDecimal {
                    32
                } else {
                    bytes * 8
                };
                if first > last || usize::from(last) >= width {
                    say(ProblemKind::BitsOutside { width });
                }
            }
            if let Some(Request::Modbus { max_registers, .. }) = command.map(|c| c.request)
                && p.at.origin == Origin::Address
                && p.at.length > max_registers
            {
                say(ProblemKind::TooLong { max: max_registers });
            }
            if let Some(other) = earlier
                .iter()
                .position(|q| q.command == p.command && shares_variant(q) && overlaps(p, q))
            {
                say(ProblemKind::Overlap { other });
            }
        }
    }

    /// Whether [`check`](Self::check) finds nothing.
    pub fn is_sound(&self) -> bool {
        let mut sound = true;
        self.check(|_| sound = false);
        sound
    }

    /// A problem in words, with the points' names.
    pub fn describe(&self, problem: Problem) -> Described<'_> {
        Described {
            table: *self,
            problem,
        }
    }
}

/// A point's length in value bytes (ASCII-decimal: in characters).
fn value_bytes(p: &crate::Point<'_>) -> Option<usize> {
    let per = unit_bytes(p.encoding, p.at.unit)?;
    span(p, 0, 0).ok()?;
    let raw = usize::from(p.at.length).checked_mul(per)?;
    Some(match p.encoding {
        Encoding::AsciiHex => raw.div_ceil(2),
        _ => raw,
    })
}

/// Whether two points cover a common byte (same origin only: a frame
/// offset and a payload offset are not comparable without the frame).
fn overlaps(p: &crate::Point<'_>, q: &crate::Point<'_>) -> bool {
    if p.at.origin != q.at.origin {
        return false;
    }
    let (Ok((ps, pl)), Ok((qs, ql))) = (span(p, 0, 0), span(q, 0, 0)) else {
        return false;
    };
    // In a common unit: value-byte spans of ASCII-hex are two characters
    // per byte, as `span` counts them, so one encoding per command
    // compares as it should.
    if ps >= qs.saturating_add(ql) || qs >= ps.saturating_add(pl) {
        return false;
    }
    match (p.kind, q.kind) {
        (
            Kind::Bits {
                first: a0,
                last: a1,
            },
            Kind::Bits {
                first: b0,
                last: b1,
            },
        ) if (ps, pl) == (qs, ql) => !(a1 < b0 || b1 < a0),
        _ => true,
    }
}

/// A [`Problem`] with its table, for display.
#[derive(Debug, Clone, Copy)]
pub struct Described<'a> {
    table: Table<'a>,
    problem: Problem,
}

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |i: usize| self.table.points.get(i).map_or("?", |p| p.name);
        let Some(p) = self.table.points.get(self.problem.point) else {
            return f.write_str("no such point");
        };
        write!(
            f,
            "point {} ({}): ",
            self.problem.point + 1,
            name(self.problem.point)
        )?;
        match self.problem.kind {
            ProblemKind::EmptyName => f.write_str("has no name"),
            ProblemKind::DuplicateName { other } => {
                write!(f, "has the same name as point {}", other + 1)
            }
            ProblemKind::UnknownCommand => {
                write!(
                    f,
                    "names command \"{}\", which the table does not list",
                    p.command
                )
            }
            ProblemKind::UnknownVariant => {
                write!(
                    f,
                    "belongs to variant \"{}\", which the table does not list",
                    p.variant
                )
            }
            ProblemKind::Unsupported => PointError::Unsupported {
                encoding: p.encoding,
                unit: p.at.unit,
                origin: p.at.origin,
            }
            .fmt(f),
            ProblemKind::Width { bytes } => {
                write!(
                    f,
                    "is {bytes} bytes long, which a {} value cannot be",
                    p.kind.name()
                )
            }
            ProblemKind::BitsOutside { width } => {
                write!(f, "takes bits outside its {width}-bit value")
            }
            ProblemKind::Overlap { other } => write!(
                f,
                "covers the same bytes as point {} ({}) in the reply to command \"{}\"",
                other + 1,
                name(other),
                p.command
            ),
            ProblemKind::TooLong { max } => write!(
                f,
                "is {} registers long, more than one read of {max} registers",
                p.at.length
            ),
            ProblemKind::Empty => f.write_str("is 0 units long, so there is nothing to read"),
            ProblemKind::EmptyRange => {
                f.write_str("has a valid range whose minimum is above its maximum")
            }
        }
    }
}

/// As [`Display`](fmt::Display) says it, but with the problem's kind as a
/// value: the point (counted from 1), its name, what is wrong.
#[cfg(feature = "defmt")]
impl defmt::Format for Described<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        let name = self
            .table
            .points
            .get(self.problem.point)
            .map_or("?", |p| p.name);
        defmt::write!(
            f,
            "point {=usize} ({=str}): {}",
            self.problem.point.saturating_add(1),
            name,
            self.problem.kind
        );
    }
}
