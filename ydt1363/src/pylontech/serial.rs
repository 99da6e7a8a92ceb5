//! 0x93: a module's serial number.

use super::{Out, VER, reply};
use crate::{Error, Frame};

/// The 0x93 reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SerialNumber {
    /// The command value: the pack's address.
    pub pack: u8,
    /// The serial number, 16 ASCII bytes as sent.
    pub serial: [u8; 16],
}

impl SerialNumber {
    /// The serial number as text, when it is UTF-8 (ASCII is).
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.serial).ok()
    }

    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let pack = i.u8()?;
        let mut serial = [0; 16];
        i.bytes(&mut serial)?;
        i.finish()?;
        Ok(SerialNumber { pack, serial })
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.u8(self.pack)?;
        o.bytes(&self.serial)?;
        o.frame(VER, adr, buf)
    }
}
