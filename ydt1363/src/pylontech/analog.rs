//! 0x42: analog values, fixed point: one pack's reply, and the all-packs
//! (0xFF) reply read pack by pack.

use super::{Blocks, List, MAX_ALL_INFO, Out, Temperature, VER, encode_all, reply};
use crate::{Error, Frame, Info};

/// The most cell voltages a [`Block`] holds.
pub const MAX_CELLS: usize = 24;
/// The most temperatures a [`Block`] holds.
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

/// One pack's analog values: the block a 0x42 reply carries once per
/// pack.
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
pub struct Block {
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

impl Block {
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

    /// Reads one block. More than [`MAX_CELLS`] cells or
    /// [`MAX_TEMPERATURES`] temperatures is [`Error::TooMany`].
    fn read(i: &mut Info<'_>) -> Result<Self, Error> {
        if let Some(block) = Self::read_whole(i) {
            return Ok(block);
        }
        let at = i.offset();
        let m = i.u8()?;
        let cells_mv = List::read(i, at, usize::from(m), |i| i.u16())?;
        let at = i.offset();
        let n = i.u8()?;
        let temperatures = List::read(i, at, usize::from(n), |i| i.u16().map(Temperature))?;
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
        Ok(Block {
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

    /// Writes the block. The 24-bit capacities keep their low 24 bits.
    /// [`read`](Self::read) in one step when the block is all there and
    /// right: its length from the two counts and the user-defined byte,
    /// every character of it checked at once, then each field read at its
    /// offset, none waiting for the one before. `None` (nothing read) on
    /// any fault, which the field-by-field read then names.
    #[inline]
    fn read_whole(i: &mut Info<'_>) -> Option<Self> {
        use proto_core::hex::{
            Case,
            swar::{all_digits_in, value, word},
        };
        let s = i.rest();
        // Digits not checked yet: a wrong one fails the check below.
        let u8_at = |at| word::<2>(s, at).map(|x| value(x) as u8);
        let u16_at = |at| word::<4>(s, at).map_or(0, |x| value(x) as u16);
        let u24_at = |at| word::<6>(s, at).map_or(0, value);
        let m = usize::from(u8_at(0)?);
        if m > MAX_CELLS {
            return None;
        }
        let n_at = 2 + 4 * m;
        let n = usize::from(u8_at(n_at)?);
        if n > MAX_TEMPERATURES {
            return None;
        }
        let tail = n_at + 2 + 4 * n;
        let user_defined = u8_at(tail + 12)?;
        let u24 = user_defined == USER_DEFINED_U24;
        let end = tail + 22 + if u24 { 12 } else { 0 };
        if !all_digits_in(s.get(..end)?, Case::Upper) {
            return None;
        }
        let block = Block {
            cells_mv: List::from_fn(m, |k| u16_at(2 + 4 * k))?,
            temperatures: List::from_fn(n, |k| Temperature(u16_at(n_at + 2 + 4 * k)))?,
            current_da: u16_at(tail) as i16,
            voltage_mv: u16_at(tail + 4),
            remaining_mah16: u16_at(tail + 8),
            user_defined,
            total_mah16: u16_at(tail + 14),
            cycles: u16_at(tail + 18),
            capacity24: u24.then(|| Capacity24 {
                remaining_mah: u24_at(tail + 22),
                total_mah: u24_at(tail + 28),
            }),
        };
        i.skip(end).then_some(block)
    }

    fn write<const N: usize>(&self, o: &mut Out<N>) -> Result<(), Error> {
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
        Ok(())
    }
}

/// The 0x42 reply for one pack (asked with its address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Analog {
    /// INFOFLAG.
    pub infoflag: u8,
    /// The command value: the pack's address.
    pub pack: u8,
    /// The pack's values.
    pub block: Block,
}

impl Analog {
    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        let infoflag = i.u8()?;
        let pack = i.u8()?;
        let block = Block::read(&mut i)?;
        i.finish()?;
        Ok(Analog {
            infoflag,
            pack,
            block,
        })
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.u8(self.infoflag)?;
        o.u8(self.pack)?;
        self.block.write(&mut o)?;
        o.frame(VER, adr, buf)
    }
}

/// The 0x42 reply to "all packs" (command value 0xFF): INFOFLAG, the
/// number of packs, then one [`Block`] each, in address order (as
/// python-pylontech reads it; its US2000/US3000 captures are our tests).
/// The blocks are read one at a time, without allocation:
/// [`AnalogAll`] is an iterator over them.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AnalogAll<'a> {
    /// INFOFLAG.
    pub infoflag: u8,
    /// The number of packs the reply announces.
    pub count: u8,
    blocks: Blocks<'a>,
}

impl<'a> AnalogAll<'a> {
    /// The most INFO bytes [`encode`](Self::encode) writes: LENID's limit.
    pub const MAX_INFO: usize = MAX_ALL_INFO;

    /// Checks the reply and reads its header; the blocks are read by
    /// iterating. After the last block, INFO must end: bytes left over
    /// come out as a last [`Error::Trailing`] item.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, Error> {
        let mut info = reply(frame)?;
        Ok(AnalogAll {
            infoflag: info.u8()?,
            count: info.u8()?,
            blocks: Blocks::new(info),
        })
    }

    /// Writes the reply frame from the device at `adr`: `infoflag`, the
    /// number of blocks, the blocks. The INFO is assembled on the stack
    /// ([`Self::MAX_INFO`] bytes); more than 255 blocks, or INFO over
    /// that size, is an error.
    pub fn encode(infoflag: u8, blocks: &[Block], adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        encode_all(infoflag, blocks, adr, buf, Block::write)
    }
}

impl Iterator for AnalogAll<'_> {
    type Item = Result<Block, Error>;

    /// The next pack's block; after an error, nothing more.
    fn next(&mut self) -> Option<Self::Item> {
        self.blocks.next(self.count, |info, _| Block::read(info))
    }
}
