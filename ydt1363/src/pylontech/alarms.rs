//! 0x44: alarm information of one pack.

use super::{List, Out, Text, VER, reply};
use crate::{Error, Frame};

/// The most cell alarms an [`Alarms`] holds.
pub const MAX_CELL_ALARMS: usize = 24;
/// The most temperature alarms an [`Alarms`] holds.
pub const MAX_TEMPERATURE_ALARMS: usize = 16;
/// The most status bytes kept after the alarms.
pub const MAX_STATUS: usize = 16;

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
        let alarm = |i: &mut crate::Info<'_>| i.u8().map(Alarm::from_raw);
        let at = i.offset();
        let m = i.u8()?;
        let cells = List::read(&mut i, at, usize::from(m), alarm)?;
        let at = i.offset();
        let n = i.u8()?;
        let temperatures = List::read(&mut i, at, usize::from(n), alarm)?;
        let charge_current = alarm(&mut i)?;
        let module_voltage = alarm(&mut i)?;
        let discharge_current = alarm(&mut i)?;
        let status = Text::read_rest(&mut i)?;
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

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.u8(self.infoflag)?;
        o.u8(self.pack)?;
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
        o.bytes(self.status.as_bytes())?;
        o.frame(VER, adr, buf)
    }
}
