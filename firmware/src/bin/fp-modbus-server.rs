//! Footprint: the Modbus server job with `modbus-rtu-lite`'s `Server`:
//! unit 1, eight coils and eight holding registers (FC01, FC03, FC05,
//! FC06, FC10), answering the requests `footprint` sends until it has
//! answered [`job::REQUESTS`]; reports how many it answered.
//!
//! Row: Modbus server, FC01/03/05/06/10 | `modbus-rtu-lite` `Server`
//! Result: 6
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use modbus_rtu_lite::{
    Bits, Exception, Functions, Handler, Line, Parity, Server, SimpleLengthMode, Words,
};
use transports::Clock;

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

#[entry]
fn main() -> ! {
    let board = job::start();
    let (mut uart, clock) = (board.uart, board.clock);
    let map = Map {
        coils: [false; 8],
        holding: [0; 8],
    };
    let line = Line::new(9600, Parity::None, 1);
    // By length, fixed at compile time: the timing framer is not linked;
    // and without resynchronising inside garbage (the job's master leaves
    // silence between requests, as the peers' images expect too).
    let mode = SimpleLengthMode {
        silence: Duration::from_millis(50),
    };
    let mut server = Server::new(map, [1, 0, 0, 0], line, mode, clock.now());
    let mut answered = 0;
    while answered < job::REQUESTS {
        let Some(b) = job::byte(&mut uart) else {
            report::fail(format_args!("requests stopped after {answered}"));
        };
        server.feed(clock.now(), &[b]);
        if let Some(reply) = server.poll_transmit(clock.now()) {
            let _ = uart.write_all(reply);
            answered += 1;
        }
    }
    job::finish(answered)
}
