//! Footprint: `ydt1363`'s codec alone, Pylontech 0x42. Asks pack 2 for
//! its analog values, reads the reply through the crate's `Framer` a
//! byte at a time (256 characters, as the bridge's client holds: a
//! single pack's longest reply is 220), decodes it into the typed
//! values (`pylontech::Analog::decode`) and reports the pack voltage in
//! mV.
//!
//! The input, `jobs/ydt1363.in`, is a real one-pack 0x42 reply (UP2500,
//! address 2, eight cells, 24-bit capacities) from python-pylontech's
//! tests (Frankkkkk/python-pylontech `tests/test_basic.py`), as in the
//! crate's own tests and the benches.
//!
//! Row: Pylontech 0x42 analog values, request encode and reply decode | `ydt1363`
//! Result: 26638
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use ydt1363::Framer;
use ydt1363::pylontech::{Analog, Command};

/// The pack asked, by its address.
const PACK: u8 = 2;

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let mut tx = [0u8; 32];
    let Ok(n) = Command::Analog { pack: PACK }.encode(PACK, &mut tx) else {
        report::fail(format_args!("encode"));
    };
    let _ = uart.write_all(tx.get(..n).unwrap_or_default());
    let mut framer = Framer::<256>::new();
    loop {
        let Some(b) = job::byte(uart) else {
            report::fail(format_args!("no reply"));
        };
        match framer.feed(&[b]) {
            (_, None) => continue,
            (_, Some(Ok(frame))) => match Analog::decode(&frame) {
                Ok(analog) if frame.adr == PACK && analog.pack == PACK => {
                    job::finish(u32::from(analog.block.voltage_mv))
                }
                _ => report::fail(format_args!("not the pack's analog values")),
            },
            (_, Some(Err(_))) => report::fail(format_args!("bad frame")),
        }
    }
}
