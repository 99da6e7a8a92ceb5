//! Footprint: the harness alone (board, UART, stack paint, report), echoing
//! one byte; subtracted from the other `fp-*` images.
//!
//! Result: 120
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::job;

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let b = job::byte(&mut board.uart).unwrap_or(0);
    let _ = board.uart.write_all(&[b]);
    job::finish(u32::from(b))
}
