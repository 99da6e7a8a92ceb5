//! The footprint Modbus server job's map, shared by `fp-modbus-server`
//! (the `Server`) and `fp-modbus-responder` (the `Responder`): eight
//! coils and eight holding registers, all zero at first, answering
//! FC01, FC03, FC05, FC06 and FC10 only.

use modbus_rtu_lite::{Bits, Exception, Functions, Handler, Words};

/// The map: eight coils and eight holding registers, all zero at first.
/// 8-aligned, as the images' buffers are: every zeroing in an image then
/// calls one `__aeabi_memclr8`, not that and a `__aeabi_memclr4` (174 B),
/// whichever stack slot the compiler gives the map.
#[repr(align(8))]
pub struct Map {
    coils: [bool; 8],
    holding: [u16; 8],
}

impl Map {
    /// All zero.
    pub const fn new() -> Self {
        Map {
            coils: [false; 8],
            holding: [0; 8],
        }
    }
}

impl Default for Map {
    fn default() -> Self {
        Self::new()
    }
}

/// The slots `start..start + len` of a table of `size`, or exception 02.
#[inline]
fn range(start: u16, len: usize, size: usize) -> Result<core::ops::Range<usize>, Exception> {
    let start = usize::from(start);
    match start + len {
        end if end <= size => Ok(start..end),
        _ => Err(Exception::IllegalDataAddress),
    }
}

/// `out` from `from`, element by element: a handful of values, for which
/// `copy_from_slice` would link `memcpy` (900 B).
#[inline]
fn copy<T: Copy>(out: &mut [T], from: &[T]) {
    for (o, v) in out.iter_mut().zip(from) {
        *o = *v;
    }
}

impl Handler for Map {
    // The job's function codes only: the server links nothing for the rest.
    const FUNCTIONS: Functions = Functions::READ_COILS
        .union(Functions::READ_HOLDING_REGISTERS)
        .union(Functions::WRITE_SINGLE_COIL)
        .union(Functions::WRITE_SINGLE_REGISTER)
        .union(Functions::WRITE_MULTIPLE_REGISTERS);
    // Nothing reads the counters (no FC08, no `counters()`): none kept.
    const COUNTERS: bool = false;

    #[inline]
    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        let r = range(start, out.len(), self.coils.len())?;
        copy(out, self.coils.get(r).unwrap_or_default());
        Ok(())
    }

    #[inline]
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let r = range(start, out.len(), self.holding.len())?;
        copy(out, self.holding.get(r).unwrap_or_default());
        Ok(())
    }

    #[inline]
    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let r = range(start, usize::from(values.len()), self.coils.len())?;
        let slots = self.coils.get_mut(r).unwrap_or_default();
        for (slot, v) in slots.iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }

    #[inline]
    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        let r = range(start, values.len(), self.holding.len())?;
        let slots = self.holding.get_mut(r).unwrap_or_default();
        for (slot, v) in slots.iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }
}
