//! Footprint: the Modbus server job of `fp-modbus-server` with
//! `modbus-rtu-lite`'s `Responder`, the requests framed by the image as
//! the peers' images frame theirs (`job::frame`, by the length the
//! request's first bytes give, no silence timing): the same harness as
//! `fp-modbus-server-core` and `fp-modbus-server-rmodbus`.
//!
//! Row: Modbus server, FC01/03/05/06/10 | `modbus-rtu-lite` `Responder`
//! Result: 6
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use modbus_rtu_lite::{
    Bits, Exception, Functions, Handler, MAX_ADU, Responder, Words, length::Length,
};

/// The map: eight coils and eight holding registers, all zero at first.
struct Map {
    coils: [bool; 8],
    holding: [u16; 8],
}

/// The slots `start..start + len` of a table of `size`, or exception 02.
fn range(start: u16, len: usize, size: usize) -> Result<core::ops::Range<usize>, Exception> {
    let start = usize::from(start);
    match start + len {
        end if end <= size => Ok(start..end),
        _ => Err(Exception::IllegalDataAddress),
    }
}

/// `out` from `from`, element by element: a handful of values, for which
/// `copy_from_slice` would link `memcpy` (900 B).
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

    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        let r = range(start, out.len(), self.coils.len())?;
        copy(out, self.coils.get(r).unwrap_or_default());
        Ok(())
    }

    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let r = range(start, out.len(), self.holding.len())?;
        copy(out, self.holding.get(r).unwrap_or_default());
        Ok(())
    }

    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let r = range(start, usize::from(values.len()), self.coils.len())?;
        let slots = self.coils.get_mut(r).unwrap_or_default();
        for (slot, v) in slots.iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }

    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        let r = range(start, values.len(), self.holding.len())?;
        let slots = self.holding.get_mut(r).unwrap_or_default();
        for (slot, v) in slots.iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }
}

/// The request and reply buffer, 8-aligned.
#[repr(align(8))]
struct Buffer([u8; MAX_ADU]);

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let map = Map {
        coils: [false; 8],
        holding: [0; 8],
    };
    let mut responder = Responder::new(map, [1, 0, 0, 0]);
    // 8-aligned, as a DMA buffer usually is; its zeroing then shares the
    // `__aeabi_memclr8` the responder's register piece links rather than
    // adding a `__aeabi_memclr4` (174 B), which is where an unaligned
    // buffer on the stack landed.
    let mut buf = Buffer([0u8; MAX_ADU]);
    let buf = &mut buf.0;
    let mut answered = 0;
    while answered < job::REQUESTS {
        let complete = |b: &[u8]| match Responder::<Map>::length(b) {
            Length::Exact(n) => Some(b.len() >= n),
            Length::AtLeast(_) => Some(false),
            // A code outside the map's: only silence would end it.
            Length::Unknown => None,
        };
        let Some(n) = job::frame(uart, buf, complete) else {
            report::fail(format_args!("requests stopped after {answered}"));
        };
        let len = responder.answer(buf, n);
        if let Some(reply) = buf.get(..len).filter(|r| !r.is_empty()) {
            let _ = uart.write_all(reply);
            answered += 1;
        }
    }
    job::finish(answered)
}
