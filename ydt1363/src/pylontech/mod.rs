//! Pylontech's battery commands on CID1 0x46 (`docs/protocols/ydt1363.md`
//! §3), typed both ways: a host encodes a [`Command`] and decodes the
//! reply into its type; a device (a battery emulator) decodes the
//! [`Command`] from a request frame and encodes the reply.
//!
//! Every reply type has `decode(&Frame)`, which checks CID1 and RTN,
//! reads every field through [`Info`] (a field cut short is
//! an [`Error::Cut`] naming its offset) and refuses bytes left over
//! ([`Error::Trailing`]); and `encode(adr, &mut [u8])`, which writes the
//! whole reply frame, RTN 00, so that a decoded reply re-encodes byte for
//! byte. Values stay as the wire has them (integers in the wire's unit);
//! helpers convert exactly, in integers.
//!
//! A reply to "all packs" (command value 0xFF) carries a pack count and
//! one block per pack, read one by one without allocation: [`AnalogAll`]
//! for 0x42 (a [`Block`] per pack), [`AlarmsAll`] for 0x44 (an [`Alarms`]
//! per pack; the block does not say how many status bytes it ends with,
//! nor its pack's address: see [`AlarmsAll`] for how they are read). Each
//! encodes too, so that firmware can answer for a whole stack.
//! [`Analog::decode`] and [`Alarms::decode`] read the one-pack form; given
//! an all-packs reply, [`Analog::decode`] fails on the bytes left over,
//! while [`Alarms::decode`] would take the later packs for its status
//! tail (usually refused as over [`MAX_STATUS`] bytes), so decode what
//! the command value asked for.

use crate::{Error, Frame, Info, Rtn, encode_request};

mod alarms;
mod analog;
mod command;
mod list;
mod management;
mod manufacturer;
mod pace;
mod parameters;
mod serial;
mod temperature;
mod version;

#[cfg(test)]
mod tests;

pub use alarms::{
    Alarm, Alarms, AlarmsAll, MAX_CELL_ALARMS, MAX_STATUS, MAX_TEMPERATURE_ALARMS, STATUS_BYTES,
};
pub use analog::{Analog, AnalogAll, Block, Capacity24, MAX_CELLS, MAX_TEMPERATURES};
pub use command::{Command, MAX_OTHER_INFO};
pub use list::{List, Text};
pub use management::{Management, ManagementStatus};
pub use manufacturer::{MAX_MANUFACTURER, ManufacturerInfo};
pub use pace::{MAX_PACE_TEXT, PaceText};
pub use parameters::{Scale, SystemParameters};
pub use serial::SerialNumber;
pub use temperature::Temperature;
pub use version::ProtocolVersion;

/// CID1 of a lithium battery.
pub const CID1: u8 = 0x46;
/// VER of Pylontech's protocol.
pub const VER: u8 = 0x20;
/// VER of Pace's dialect (0xC1/0xC2 among its commands).
pub const VER_PACE: u8 = 0x25;

/// The longest INFO a reply type here writes, in bytes.
const MAX_INFO: usize = 128;

/// LENID's limit, in bytes: the longest INFO of an all-packs reply.
const MAX_ALL_INFO: usize = crate::frame::MAX_LENID / 2;

/// Writes an all-packs reply from the device at `adr`: `infoflag`, the
/// number of packs, each pack's block as `write` puts it. The INFO is
/// assembled on the stack ([`MAX_ALL_INFO`] bytes); more than 255 packs,
/// or INFO over that size, is an error.
fn encode_all<T>(
    infoflag: u8,
    packs: &[T],
    adr: u8,
    buf: &mut [u8],
    write: impl Fn(&T, &mut Out<MAX_ALL_INFO>) -> Result<(), Error>,
) -> Result<usize, Error> {
    let count = u8::try_from(packs.len()).map_err(|_| Error::TooMany {
        offset: 15,
        count: packs.len(),
        max: 255,
    })?;
    let mut o = Out::<MAX_ALL_INFO>::new();
    o.u8(infoflag)?;
    o.u8(count)?;
    for p in packs {
        write(p, &mut o)?;
    }
    o.frame(VER, adr, buf)
}

/// Where the reading of an all-packs reply is: INFO after the pack
/// count, how many blocks were read, and whether an error ended it.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
struct Blocks<'a> {
    info: Info<'a>,
    read: u8,
    failed: bool,
}

impl<'a> Blocks<'a> {
    const fn new(info: Info<'a>) -> Self {
        Blocks {
            info,
            read: 0,
            failed: false,
        }
    }

    /// The next of `count` blocks, read by `read` (given the block's
    /// position); after the last, [`Error::Trailing`] when bytes are
    /// left; after an error, nothing.
    fn next<T>(
        &mut self,
        count: u8,
        read: impl FnOnce(&mut Info<'a>, u8) -> Result<T, Error>,
    ) -> Option<Result<T, Error>> {
        if self.failed {
            return None;
        }
        let item = if self.read < count {
            let at = self.read;
            self.read += 1;
            read(&mut self.info, at)
        } else {
            match self.info.finish() {
                Ok(()) => return None,
                Err(e) => Err(e),
            }
        };
        self.failed = item.is_err();
        Some(item)
    }
}

/// Checks a reply's CID1 and RTN and hands out its INFO.
fn reply<'a>(frame: &Frame<'a>) -> Result<Info<'a>, Error> {
    if frame.cid1 != CID1 {
        return Err(Error::DeviceType {
            expected: CID1,
            found: frame.cid1,
        });
    }
    match frame.rtn() {
        Rtn::Normal => Ok(frame.info()),
        rtn => Err(Error::Refused { rtn }),
    }
}

/// INFO being written, as bytes, up to `N`.
struct Out<const N: usize = MAX_INFO> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Out<N> {
    const fn new() -> Self {
        Out {
            buf: [0; N],
            len: 0,
        }
    }

    fn bytes(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len + bytes.len();
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(Error::TooLong { max: N * 2 })?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    fn u8(&mut self, v: u8) -> Result<(), Error> {
        self.bytes(&[v])
    }

    fn u16(&mut self, v: u16) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    fn i16(&mut self, v: i16) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    fn u24(&mut self, v: u32) -> Result<(), Error> {
        let [_, a, b, c] = v.to_be_bytes();
        self.bytes(&[a, b, c])
    }

    /// Writes the reply frame (RTN 00) with this INFO.
    fn frame(&self, ver: u8, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let info = self.buf.get(..self.len).unwrap_or_default();
        encode_request(ver, adr, CID1, Rtn::Normal.raw(), info, buf)
    }
}
