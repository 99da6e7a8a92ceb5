//! File records (FC14 read, FC15 write): typed views over the groups a
//! request or response carries, borrowed from the frame.
//!
//! A group addresses `length` registers from `record` of `file`, with
//! reference type 6 (the only one the spec defines). Files are numbered
//! 1–0xFFFF and records 0–9999 (0x270F); a server answers exception 02
//! outside that.

use crate::Words;

/// The highest record number a file has.
pub const MAX_RECORD: u16 = 0x270F;

/// One group's reference: `length` registers from `record` of `file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FileRecord {
    /// File number.
    pub file: u16,
    /// First record.
    pub record: u16,
    /// Number of registers.
    pub length: u16,
}

impl FileRecord {
    /// Whether the spec allows this file and record range.
    pub fn in_spec(&self) -> bool {
        self.file != 0
            && self.record <= MAX_RECORD
            && u32::from(self.record) + u32::from(self.length) <= u32::from(MAX_RECORD) + 1
    }

    fn parse(head: &[u8]) -> Option<Self> {
        let be = |i: usize| Some(u16::from_be_bytes([*head.get(i)?, *head.get(i + 1)?]));
        Some(FileRecord {
            file: be(1)?,
            record: be(3)?,
            length: be(5)?,
        })
    }
}

/// The groups of an FC14 request: references only. Stops at the first
/// malformed group (decoding has already refused those).
pub fn read_requests(groups: &[u8]) -> impl Iterator<Item = FileRecord> + '_ {
    groups.chunks_exact(7).map_while(FileRecord::parse)
}

/// The groups of an FC15 request (or its echo): each reference with its
/// registers.
pub fn write_groups(groups: &[u8]) -> impl Iterator<Item = (FileRecord, Words<'_>)> + '_ {
    let mut rest = groups;
    core::iter::from_fn(move || {
        let r = FileRecord::parse(rest.get(..7)?)?;
        let end = 7 + 2 * usize::from(r.length);
        let data = rest.get(7..end)?;
        rest = rest.get(end..)?;
        Some((r, Words::new(data)))
    })
}

/// The groups of an FC14 response: each group's registers, in the order
/// of the request's references.
pub fn read_responses(groups: &[u8]) -> impl Iterator<Item = Words<'_>> + '_ {
    let mut rest = groups;
    core::iter::from_fn(move || {
        let len = usize::from(*rest.first()?);
        let group = rest.get(1..1 + len)?;
        rest = rest.get(1 + len..)?;
        Some(Words::new(group.get(1..)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(file: u16, record: u16, length: u16) -> FileRecord {
        FileRecord {
            file,
            record,
            length,
        }
    }

    #[test]
    fn spec_example_read_and_write() {
        // AP §6.14: read file 4 record 1 length 2, file 3 record 9 length 2.
        let req = [6, 0, 4, 0, 1, 0, 2, 6, 0, 3, 0, 9, 0, 2];
        assert!(read_requests(&req).eq([r(4, 1, 2), r(3, 9, 2)]));
        let resp = [5, 6, 0x0D, 0xFE, 0, 0x20, 5, 6, 0x33, 0xCD, 0, 0x40];
        let mut groups = read_responses(&resp);
        assert!(groups.next().unwrap().iter().eq([0x0DFE, 0x0020]));
        assert!(groups.next().unwrap().iter().eq([0x33CD, 0x0040]));
        assert!(groups.next().is_none());
        // AP §6.15: write file 4 record 7, three registers.
        let w = [6, 0, 4, 0, 7, 0, 3, 0x06, 0xAF, 0x04, 0xBE, 0x10, 0x0D];
        let mut it = write_groups(&w);
        let (head, data) = it.next().unwrap();
        assert_eq!(head, r(4, 7, 3));
        assert!(data.iter().eq([0x06AF, 0x04BE, 0x100D]));
        assert!(it.next().is_none());
    }

    #[test]
    fn truncated_groups_end_the_iteration() {
        assert_eq!(write_groups(&[6, 0, 4, 0, 7, 0, 3, 0x06]).count(), 0);
        assert_eq!(read_responses(&[5, 6, 0x0D]).count(), 0);
        assert_eq!(read_responses(&[0]).count(), 0);
        assert_eq!(read_requests(&[6, 0, 4]).count(), 0);
    }

    #[test]
    fn spec_ranges() {
        assert!(r(1, 0, 10).in_spec());
        assert!(r(1, 9999, 1).in_spec());
        assert!(!r(0, 0, 1).in_spec(), "file 0");
        assert!(!r(1, 10000, 1).in_spec(), "record above 9999");
        assert!(!r(1, 9999, 2).in_spec(), "runs past the last record");
    }
}
