//! 0x47: system parameters, fixed point.

use super::{Out, Temperature, VER, reply};
use crate::{Error, Frame};

/// The unit of the 0x47 current limits, which the sources disagree on:
/// Pylontech's RS485 document divides the raw value by 100, a US5000
/// owner found 10 right (raw 1000 is the pack's 100 A). Choose per model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Scale {
    /// 0.01 A a unit, as the document says.
    CentiAmps,
    /// 0.1 A a unit, as a US5000 sends it.
    DeciAmps,
}

impl Scale {
    /// `raw` in milliamps, exactly.
    pub const fn milliamps(self, raw: i16) -> i32 {
        match self {
            Scale::CentiAmps => raw as i32 * 10,
            Scale::DeciAmps => raw as i32 * 100,
        }
    }
}

/// The 0x47 reply: the pack's protection limits.
///
/// The current limits are kept raw: read them with
/// [`charge_current_limit`](Self::charge_current_limit) and
/// [`discharge_current_limit`](Self::discharge_current_limit) under the
/// [`Scale`] the model uses. The discharge limit is negative as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SystemParameters {
    /// INFOFLAG.
    pub infoflag: u8,
    /// Cell high-voltage limit, mV.
    pub cell_high_mv: u16,
    /// Cell low-voltage limit, mV.
    pub cell_low_mv: u16,
    /// Cell under-voltage limit, mV.
    pub cell_under_mv: u16,
    /// Charge high-temperature limit.
    pub charge_high_temperature: Temperature,
    /// Charge low-temperature limit.
    pub charge_low_temperature: Temperature,
    /// Charge current limit, raw (see [`Scale`]).
    pub charge_current_raw: i16,
    /// Module high-voltage limit, mV.
    pub module_high_mv: u16,
    /// Module low-voltage limit, mV.
    pub module_low_mv: u16,
    /// Module under-voltage limit, mV.
    pub module_under_mv: u16,
    /// Discharge high-temperature limit.
    pub discharge_high_temperature: Temperature,
    /// Discharge low-temperature limit.
    pub discharge_low_temperature: Temperature,
    /// Discharge current limit, raw (see [`Scale`]); negative as sent.
    pub discharge_current_raw: i16,
}

impl SystemParameters {
    /// The charge current limit in mA, under `scale`.
    pub const fn charge_current_limit(&self, scale: Scale) -> i32 {
        scale.milliamps(self.charge_current_raw)
    }

    /// The discharge current limit in mA, under `scale` (negative as sent).
    pub const fn discharge_current_limit(&self, scale: Scale) -> i32 {
        scale.milliamps(self.discharge_current_raw)
    }

    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let p = SystemParameters {
            infoflag: i.u8()?,
            cell_high_mv: i.u16()?,
            cell_low_mv: i.u16()?,
            cell_under_mv: i.u16()?,
            charge_high_temperature: Temperature(i.u16()?),
            charge_low_temperature: Temperature(i.u16()?),
            charge_current_raw: i.i16()?,
            module_high_mv: i.u16()?,
            module_low_mv: i.u16()?,
            module_under_mv: i.u16()?,
            discharge_high_temperature: Temperature(i.u16()?),
            discharge_low_temperature: Temperature(i.u16()?),
            discharge_current_raw: i.i16()?,
        };
        i.finish()?;
        Ok(p)
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.u8(self.infoflag)?;
        for v in [self.cell_high_mv, self.cell_low_mv, self.cell_under_mv] {
            o.u16(v)?;
        }
        o.u16(self.charge_high_temperature.0)?;
        o.u16(self.charge_low_temperature.0)?;
        o.i16(self.charge_current_raw)?;
        for v in [
            self.module_high_mv,
            self.module_low_mv,
            self.module_under_mv,
        ] {
            o.u16(v)?;
        }
        o.u16(self.discharge_high_temperature.0)?;
        o.u16(self.discharge_low_temperature.0)?;
        o.i16(self.discharge_current_raw)?;
        o.frame(VER, adr, buf)
    }
}
