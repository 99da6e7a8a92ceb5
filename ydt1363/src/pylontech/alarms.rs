//! 0x44: alarm information, of one pack or, asked with 0xFF, of all.

use super::{Blocks, List, MAX_ALL_INFO, Out, Text, VER, encode_all, reply};
use crate::{Error, Frame, Info};

/// The most cell alarms an [`Alarms`] holds.
pub const MAX_CELL_ALARMS: usize = 24;
/// The most temperature alarms an [`Alarms`] holds.
pub const MAX_TEMPERATURE_ALARMS: usize = 16;
/// The most status bytes kept after the alarms.
pub const MAX_STATUS: usize = 16;
/// The status bytes a pack's block carries by the document (status 1–5):
/// what [`AlarmsAll`] reads first.
pub const STATUS_BYTES: usize = 5;

/// One alarm byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Alarm {
    /// 0x00: normal.
    #[default]
    Normal,
    /// 0x01: below the lower limit.
    BelowLower,
    /// 0x02: above the upper limit.
    AboveUpper,
    /// 0xF0: another error.
    Other,
    /// Any other byte, kept.
    Unknown(u8),
}

impl Alarm {
    /// The alarm for `raw`.
    pub const fn from_raw(raw: u8) -> Self {
        match raw {
            0x00 => Alarm::Normal,
            0x01 => Alarm::BelowLower,
            0x02 => Alarm::AboveUpper,
            0xF0 => Alarm::Other,
            other => Alarm::Unknown(other),
        }
    }

    /// The byte as sent.
    pub const fn raw(self) -> u8 {
        match self {
            Alarm::Normal => 0x00,
            Alarm::BelowLower => 0x01,
            Alarm::AboveUpper => 0x02,
            Alarm::Other => 0xF0,
            Alarm::Unknown(raw) => raw,
        }
    }
}

/// The 0x44 reply for one pack. The status bytes after the three current
/// and voltage alarms (status 1–5 in the document; one US-series capture
/// has one more) are kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Alarms {
    /// INFOFLAG.
    pub infoflag: u8,
    /// The command value: the pack's address.
    pub pack: u8,
    /// One alarm a cell.
    pub cells: List<Alarm, MAX_CELL_ALARMS>,
    /// One alarm a temperature.
    pub temperatures: List<Alarm, MAX_TEMPERATURE_ALARMS>,
    /// Charge current.
    pub charge_current: Alarm,
    /// Module voltage.
    pub module_voltage: Alarm,
    /// Discharge current.
    pub discharge_current: Alarm,
    /// The status bytes that follow, as sent.
    pub status: Text<MAX_STATUS>,
}

impl Alarms {
    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let infoflag = i.u8()?;
        let pack = i.u8()?;
        Self::read(&mut i, infoflag, pack, None)
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.u8(self.infoflag)?;
        o.u8(self.pack)?;
        self.write(&mut o)?;
        o.frame(VER, adr, buf)
    }

    /// Reads one pack's block, from its cell count to its status bytes:
    /// `status` of them, or the rest of INFO when `None`.
    fn read(
        i: &mut Info<'_>,
        infoflag: u8,
        pack: u8,
        status: Option<usize>,
    ) -> Result<Self, Error> {
        let alarm = |i: &mut Info<'_>| i.u8().map(Alarm::from_raw);
        let at = i.offset();
        let m = i.u8()?;
        let cells = List::read(i, at, usize::from(m), alarm)?;
        let at = i.offset();
        let n = i.u8()?;
        let temperatures = List::read(i, at, usize::from(n), alarm)?;
        let charge_current = alarm(i)?;
        let module_voltage = alarm(i)?;
        let discharge_current = alarm(i)?;
        let status = match status {
            None => Text::read_rest(i)?,
            Some(count) => {
                let at = i.offset();
                Text(List::read(i, at, count, |i| i.u8())?)
            }
        };
        Ok(Alarms {
            infoflag,
            pack,
            cells,
            temperatures,
            charge_current,
            module_voltage,
            discharge_current,
            status,
        })
    }

    /// Writes the block: counts, alarms, status bytes.
    fn write<const N: usize>(&self, o: &mut Out<N>) -> Result<(), Error> {
        o.u8(self.cells.count())?;
        for a in self.cells.as_slice() {
            o.u8(a.raw())?;
        }
        o.u8(self.temperatures.count())?;
        for a in self.temperatures.as_slice() {
            o.u8(a.raw())?;
        }
        o.u8(self.charge_current.raw())?;
        o.u8(self.module_voltage.raw())?;
        o.u8(self.discharge_current.raw())?;
        o.bytes(self.status.as_bytes())
    }
}

/// The 0x44 reply to "all packs" (command value 0xFF): INFOFLAG, the
/// number of packs, then each pack's block as in the one-pack reply
/// (cell alarms, temperature alarms, the three current and voltage
/// alarms, status bytes), in address order, the same layout as the
/// all-packs 0x42 reply ([`AnalogAll`](super::AnalogAll)). Read pack by
/// pack, without allocation: [`AlarmsAll`] is an iterator of one
/// [`Alarms`] per pack.
///
/// Two things the block does not say, and how they are read:
///
/// - where its status bytes end. The document has five (status 1–5,
///   [`STATUS_BYTES`]); one US-series capture of the one-pack reply has
///   six. [`decode`](Self::decode) takes five when the blocks then fill
///   INFO exactly, else the one number from 0 to [`MAX_STATUS`] that does
///   (the same for every pack); [`decode_with_status`](Self::decode_with_status)
///   takes the number given.
/// - the pack's address. Each [`Alarms`] gets the reply's ADR (the
///   master's) plus its position: the master first, then in address
///   order, as the packs of a stack are numbered. Its `infoflag` is the
///   reply's.
///
/// Fewer blocks than the count announces: the whole blocks come out, then
/// one [`Error::Cut`] for the first missing one, then nothing (as with
/// [`AnalogAll`](super::AnalogAll)). Bytes left after the last block come
/// out as a last [`Error::Trailing`].
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AlarmsAll<'a> {
    /// INFOFLAG.
    pub infoflag: u8,
    /// The number of packs the reply announces.
    pub count: u8,
    /// The status bytes read in each pack's block.
    pub status_len: usize,
    adr: u8,
    blocks: Blocks<'a>,
}

impl<'a> AlarmsAll<'a> {
    /// The most INFO bytes [`encode`](Self::encode) writes: LENID's limit.
    pub const MAX_INFO: usize = MAX_ALL_INFO;

    /// Checks the reply and reads its header; the packs are read by
    /// iterating. The status bytes a block carries are found as the type
    /// docs say.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, Error> {
        let all = Self::decode_with_status(frame, STATUS_BYTES)?;
        let fits = |n: usize| blocks_fit(&all.blocks.info, all.count, n);
        let status_len = if fits(STATUS_BYTES) {
            STATUS_BYTES
        } else {
            (0..=MAX_STATUS).find(|&n| fits(n)).unwrap_or(STATUS_BYTES)
        };
        Ok(AlarmsAll { status_len, ..all })
    }

    /// As [`decode`](Self::decode), with `status_len` status bytes in each
    /// block (over [`MAX_STATUS`] is [`Error::TooMany`] when read).
    pub fn decode_with_status(frame: &Frame<'a>, status_len: usize) -> Result<Self, Error> {
        let mut info = reply(frame)?;
        Ok(AlarmsAll {
            infoflag: info.u8()?,
            count: info.u8()?,
            status_len,
            adr: frame.adr,
            blocks: Blocks::new(info),
        })
    }

    /// Writes the reply frame from the device at `adr`: `infoflag`, the
    /// number of packs, each pack's block (its `infoflag` and `pack` are
    /// not sent). Give every pack the same number of status bytes, so
    /// that a host can tell the blocks apart. The INFO is assembled on the
    /// stack ([`Self::MAX_INFO`] bytes); more than 255 packs, or INFO over
    /// that size, is an error.
    pub fn encode(infoflag: u8, packs: &[Alarms], adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        encode_all(infoflag, packs, adr, buf, Alarms::write)
    }
}

/// Whether `count` blocks with `status` status bytes each, or fewer whole
/// ones (at least one), fill `info` exactly.
fn blocks_fit(info: &Info<'_>, count: u8, status: usize) -> bool {
    let mut i = info.clone();
    let skip = |i: &mut Info<'_>, n: usize| (0..n).try_for_each(|_| i.u8().map(drop));
    let block = |i: &mut Info<'_>| -> Result<(), Error> {
        let m = i.u8()?;
        skip(i, usize::from(m))?;
        let n = i.u8()?;
        skip(i, usize::from(n) + 3 + status)
    };
    for read in 0..count {
        if read > 0 && i.remaining() == 0 {
            return true;
        }
        if block(&mut i).is_err() {
            return false;
        }
    }
    i.remaining() == 0
}

impl Iterator for AlarmsAll<'_> {
    type Item = Result<Alarms, Error>;

    /// The next pack's alarms; after an error, nothing more.
    fn next(&mut self) -> Option<Self::Item> {
        let (infoflag, adr, status) = (self.infoflag, self.adr, self.status_len);
        self.blocks.next(self.count, |info, at| {
            Alarms::read(info, infoflag, adr.wrapping_add(at), Some(status))
        })
    }
}
