//! 0x92: charge/discharge management information.

use bitflags::bitflags;

use super::{Out, VER, reply};
use crate::{Error, Frame};

bitflags! {
    /// The 0x92 status byte. Bits 7 and 6 are documented; the others
    /// (force or full-charge requests, as on CAN 0x35C: unverified) are
    /// kept as sent.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ManagementStatus: u8 {
        /// Bit 7: charging allowed.
        const CHARGE_ENABLE = 1 << 7;
        /// Bit 6: discharging allowed.
        const DISCHARGE_ENABLE = 1 << 6;
        /// The other bits, kept.
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for ManagementStatus {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "ManagementStatus({=u8:#x})", self.bits())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ManagementStatus {
    /// The two enables and the raw byte.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("charge_enable", &self.contains(Self::CHARGE_ENABLE))?;
        m.serialize_entry("discharge_enable", &self.contains(Self::DISCHARGE_ENABLE))?;
        m.serialize_entry("raw", &self.bits())?;
        m.end()
    }
}

/// The 0x92 reply: the limits the pack asks the charger and inverter to
/// keep.
///
/// The discharge current limit is **negative** on this wire (−500 for
/// 50.0 A, as real packs send it) and kept with its sign; CAN 0x351
/// carries the same limit as a positive number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Management {
    /// The command value: the pack's address.
    pub pack: u8,
    /// Charge voltage limit, mV.
    pub charge_voltage_mv: u16,
    /// Discharge voltage limit, mV.
    pub discharge_voltage_mv: u16,
    /// Charge current limit, 0.1 A.
    pub charge_current_da: i16,
    /// Discharge current limit, 0.1 A, negative as sent.
    pub discharge_current_da: i16,
    /// The status byte.
    pub status: ManagementStatus,
}

impl Management {
    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let m = Management {
            pack: i.u8()?,
            charge_voltage_mv: i.u16()?,
            discharge_voltage_mv: i.u16()?,
            charge_current_da: i.i16()?,
            discharge_current_da: i.i16()?,
            status: ManagementStatus::from_bits_retain(i.u8()?),
        };
        i.finish()?;
        Ok(m)
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.u8(self.pack)?;
        o.u16(self.charge_voltage_mv)?;
        o.u16(self.discharge_voltage_mv)?;
        o.i16(self.charge_current_da)?;
        o.i16(self.discharge_current_da)?;
        o.u8(self.status.bits())?;
        o.frame(VER, adr, buf)
    }
}
