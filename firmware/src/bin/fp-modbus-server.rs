//! Footprint: the Modbus server job with `modbus-rtu-lite`'s `Server`:
//! unit 1, eight coils and eight holding registers (FC01, FC03, FC05,
//! FC06, FC10), answering the requests `footprint` sends until it has
//! answered [`job::REQUESTS`]; reports how many it answered.
//!
//! Row: Modbus server, FC01/03/05/06/10 | `modbus-rtu-lite` `Server`
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use modbus_rtu_lite::{Bits, Exception, Handler, Line, Mode, Parity, Server, Words};
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

impl Handler for Map {
    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        let r = range(start, out.len(), self.coils.len())?;
        out.copy_from_slice(self.coils.get(r).unwrap_or_default());
        Ok(())
    }

    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let r = range(start, out.len(), self.holding.len())?;
        out.copy_from_slice(self.holding.get(r).unwrap_or_default());
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
    let mode = Mode::Length {
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
