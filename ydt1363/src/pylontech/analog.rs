//! 0x42: analog values of one pack, fixed point.

use super::{List, Out, Temperature, VER, reply};
use crate::{Error, Frame};

/// The most cell voltages an [`Analog`] holds.
pub const MAX_CELLS: usize = 24;
/// The most temperatures an [`Analog`] holds.
pub const MAX_TEMPERATURES: usize = 16;

/// The user-defined count that adds the 24-bit capacities.
const USER_DEFINED_U24: u8 = 4;

/// The 24-bit capacities that follow when the user-defined count is 4
/// (the 16-bit fields then read 0xFFFF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Capacity24 {
    /// Remaining capacity, mAh (24 bits).
    pub remaining_mah: u32,
    /// Total capacity, mAh (24 bits).
    pub total_mah: u32,
}

/// The 0x42 reply for one pack.
///
/// The current is in 0.1 A: an inference (python-pylontech reads it so;
/// the document is read by some as 10 mA; the captures carry 0 and 201,
/// and 20.1 A is the plausible one). Kept raw, signed.
///
/// `capacity24` is written after the cycle count when it is `Some`; it
/// is decoded when `user_defined` is 4, so keep the two in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Analog {
    /// INFOFLAG.
    pub infoflag: u8,
    /// The command value: the pack's address.
    pub pack: u8,
    /// Cell voltages, mV.
    pub cells_mv: List<u16, MAX_CELLS>,
    /// Temperatures: the BMS board first, then cell groups.
    pub temperatures: List<Temperature, MAX_TEMPERATURES>,
    /// Current, 0.1 A (see above), signed.
    pub current_da: i16,
    /// Module voltage, mV.
    pub voltage_mv: u16,
    /// Remaining capacity, mAh (0xFFFF when `capacity24` holds it).
    pub remaining_mah16: u16,
    /// The user-defined count (4: `capacity24` follows).
    pub user_defined: u8,
    /// Total capacity, mAh (0xFFFF when `capacity24` holds it).
    pub total_mah16: u16,
    /// Cycle count.
    pub cycles: u16,
    /// The 24-bit capacities.
    pub capacity24: Option<Capacity24>,
}

impl Analog {
    /// Remaining capacity, mAh: the 24-bit field when there is one.
    pub fn remaining_mah(&self) -> u32 {
        match self.capacity24 {
            Some(c) => c.remaining_mah,
            None => u32::from(self.remaining_mah16),
        }
    }

    /// Total capacity, mAh: the 24-bit field when there is one.
    pub fn total_mah(&self) -> u32 {
        match self.capacity24 {
            Some(c) => c.total_mah,
            None => u32::from(self.total_mah16),
        }
    }

    /// Decodes the reply. More than [`MAX_CELLS`] cells or
    /// [`MAX_TEMPERATURES`] temperatures is [`Error::TooMany`].
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let infoflag = i.u8()?;
        let pack = i.u8()?;
        let at = i.offset();
        let m = i.u8()?;
        let cells_mv = List::read(&mut i, at, usize::from(m), |i| i.u16())?;
        let at = i.offset();
        let n = i.u8()?;
        let temperatures = List::read(&mut i, at, usize::from(n), |i| i.u16().map(Temperature))?;
        let current_da = i.i16()?;
        let voltage_mv = i.u16()?;
        let remaining_mah16 = i.u16()?;
        let user_defined = i.u8()?;
        let total_mah16 = i.u16()?;
        let cycles = i.u16()?;
        let capacity24 = if user_defined == USER_DEFINED_U24 {
            Some(Capacity24 {
                remaining_mah: i.u24()?,
                total_mah: i.u24()?,
            })
        } else {
            None
        };
        i.finish()?;
        Ok(Analog {
            infoflag,
            pack,
            cells_mv,
            temperatures,
            current_da,
            voltage_mv,
            remaining_mah16,
            user_defined,
            total_mah16,
            cycles,
            capacity24,
        })
    }

    /// Writes the reply frame from the device at `adr`. The 24-bit
    /// capacities keep their low 24 bits.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::new();
        o.u8(self.infoflag)?;
        o.u8(self.pack)?;
        o.u8(self.cells_mv.count())?;
        for &v in self.cells_mv.as_slice() {
            o.u16(v)?;
        }
        o.u8(self.temperatures.count())?;
        for t in self.temperatures.as_slice() {
            o.u16(t.0)?;
        }
        o.i16(self.current_da)?;
        o.u16(self.voltage_mv)?;
        o.u16(self.remaining_mah16)?;
        o.u8(self.user_defined)?;
        o.u16(self.total_mah16)?;
        o.u16(self.cycles)?;
        if let Some(c) = self.capacity24 {
            o.u24(c.remaining_mah)?;
            o.u24(c.total_mah)?;
        }
        o.frame(VER, adr, buf)
    }
}
