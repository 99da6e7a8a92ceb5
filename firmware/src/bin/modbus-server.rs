//! A Modbus RTU server on UART0 (9600 baud), unit 1, holding a small
//! register map; it answers until the board is stopped.
//!
//! | table | addresses | access | contents |
//! |---|---|---|---|
//! | holding registers (FC03, FC06, FC10) | 0–7 | read/write | set points, starting at 100, 200, ... 800 |
//! | input registers (FC04) | 0 | read | map version: 1 |
//! | | 1 | read | writes accepted so far |
//! | | 2 | read | seconds since start |
//! | coils (FC01, FC05, FC0F) | 0–7 | read/write | outputs, starting off |
//!
//! FC08 (diagnostics) is answered too. An address outside the map answers
//! exception 02; a function code not listed, 01, before it is decoded
//! (the `Handler`'s `FUNCTIONS`).
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::{Board, Ticks, report};
use modbus_rtu_lite::{Bits, Exception, Functions, Handler, Line, Mode, Parity, Server, Words};
use transports::Clock;

const UNIT: u8 = 1;

/// The register map.
struct Map {
    clock: Ticks,
    holding: [u16; 8],
    coils: [bool; 8],
    writes: u16,
}

impl Map {
    /// The slots `start..start + len` of a table of `size`, or exception 02.
    fn range(start: u16, len: usize, size: usize) -> Result<core::ops::Range<usize>, Exception> {
        let start = usize::from(start);
        let end = start + len;
        if end > size {
            return Err(Exception::IllegalDataAddress);
        }
        Ok(start..end)
    }
}

impl Handler for Map {
    // The codes in the table above, and FC08's diagnostics; the server
    // links nothing for the others, which answer 01.
    const FUNCTIONS: Functions = Functions::READ_COILS
        .union(Functions::READ_HOLDING_REGISTERS)
        .union(Functions::READ_INPUT_REGISTERS)
        .union(Functions::WRITE_SINGLE_COIL)
        .union(Functions::WRITE_SINGLE_REGISTER)
        .union(Functions::WRITE_MULTIPLE_COILS)
        .union(Functions::WRITE_MULTIPLE_REGISTERS)
        .union(Functions::DIAGNOSTICS);

    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let r = Self::range(start, out.len(), self.holding.len())?;
        out.copy_from_slice(self.holding.get(r).unwrap_or_default());
        Ok(())
    }

    fn read_input_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let uptime = self.clock.now().as_secs().min(u64::from(u16::MAX)) as u16;
        let input = [1, self.writes, uptime];
        let r = Self::range(start, out.len(), input.len())?;
        out.copy_from_slice(input.get(r).unwrap_or_default());
        Ok(())
    }

    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        let r = Self::range(start, values.len(), self.holding.len())?;
        for (slot, v) in self
            .holding
            .get_mut(r)
            .unwrap_or_default()
            .iter_mut()
            .zip(values.iter())
        {
            *slot = v;
        }
        self.writes = self.writes.wrapping_add(1);
        Ok(())
    }

    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        let r = Self::range(start, out.len(), self.coils.len())?;
        out.copy_from_slice(self.coils.get(r).unwrap_or_default());
        Ok(())
    }

    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let r = Self::range(start, usize::from(values.len()), self.coils.len())?;
        for (slot, v) in self
            .coils
            .get_mut(r)
            .unwrap_or_default()
            .iter_mut()
            .zip(values.iter())
        {
            *slot = v;
        }
        self.writes = self.writes.wrapping_add(1);
        Ok(())
    }
}

#[entry]
fn main() -> ! {
    // The CMSDK UART is 8N1; the line only sets the framer's timing.
    let line = Line::new(9600, Parity::None, 1);
    let Some(board) = Board::take(line.baud) else {
        report::fail(format_args!("board already taken"));
    };
    let Board { mut uart, clock } = board;
    let map = Map {
        clock,
        holding: [100, 200, 300, 400, 500, 600, 700, 800],
        coils: [false; 8],
        writes: 0,
    };
    // Requests framed by predicted length: QEMU's UART does not keep the
    // gaps between bytes, so t3.5 cannot be seen; 200 ms of silence drops
    // a cut frame (long enough that a busy host pausing QEMU or the peer
    // mid-frame does not cut it).
    let mode = Mode::Length {
        silence: Duration::from_millis(200),
    };
    let mut server = Server::new(map, [UNIT, 0, 0, 0], line, mode, clock.now());
    hprintln!("serving unit {}", UNIT);
    match transports::serve::serve(&mut uart, &clock, &mut server, || false, |_, _| None) {
        Ok(()) => report::pass(),
        Err(e) => report::fail(format_args!("uart: {e}")),
    }
}
