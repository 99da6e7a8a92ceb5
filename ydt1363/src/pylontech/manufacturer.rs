//! 0x51: manufacturer information.

use super::{Out, Text, VER, reply};
use crate::{Error, Frame};

/// The most bytes of manufacturer name kept.
pub const MAX_MANUFACTURER: usize = 64;

/// The 0x51 reply: ASCII fields, kept byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ManufacturerInfo {
    /// Device name, 10 ASCII bytes (padded as sent).
    pub device_name: [u8; 10],
    /// Software version, 2 bytes.
    pub software_version: [u8; 2],
    /// Manufacturer name: the rest of INFO, ASCII.
    pub manufacturer: Text<MAX_MANUFACTURER>,
}

impl ManufacturerInfo {
    /// The device name as text, when it is UTF-8 (ASCII is).
    pub fn device_name(&self) -> Option<&str> {
        core::str::from_utf8(&self.device_name).ok()
    }

    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let mut device_name = [0; 10];
        i.bytes(&mut device_name)?;
        let mut software_version = [0; 2];
        i.bytes(&mut software_version)?;
        let manufacturer = Text::read_rest(&mut i)?;
        Ok(ManufacturerInfo {
            device_name,
            software_version,
            manufacturer,
        })
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.bytes(&self.device_name)?;
        o.bytes(&self.software_version)?;
        o.bytes(self.manufacturer.as_bytes())?;
        o.frame(VER, adr, buf)
    }
}
