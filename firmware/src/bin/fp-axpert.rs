//! Footprint: `axpert-proto`'s codec alone, for one inquiry. Sends QPIGS,
//! reads the reply through the crate's `Framer` a byte at a time, decodes
//! it as the reply to QPIGS (`Response::decode_in` with a command set of
//! QPIGS only, so no other reply's decoder is linked) and reports the
//! battery voltage in 0.01 V.
//!
//! The input, `jobs/axpert.in`, is a PI30 QPIGS reply from
//! `testdata/captures/axpert.jsonl` (battery at 57.50 V).
//!
//! Row: Axpert QPIGS, request encode and reply decode | `axpert-proto`
//! Result: 5750
#![no_std]
#![no_main]

use axpert_proto::{Command, CommandSet, Framer, Inquiry, Response, command_set};
use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};

/// The one inquiry this job sends.
const QPIGS: CommandSet = command_set(&[Inquiry::GeneralStatus]);

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let mut tx = [0u8; 16];
    let Ok(n) = Command::Inquiry(Inquiry::GeneralStatus).encode_in::<QPIGS>(&mut tx) else {
        report::fail(format_args!("encode"));
    };
    let _ = uart.write_all(tx.get(..n).unwrap_or_default());
    let mut framer: Framer = Framer::new();
    let frame = loop {
        let Some(b) = job::byte(uart) else {
            report::fail(format_args!("no reply"));
        };
        match framer.feed(&[b]) {
            (_, None) => continue,
            (_, Some(Ok(frame))) => break frame,
            (_, Some(Err(_))) => report::fail(format_args!("bad frame")),
        }
    };
    match Response::decode_in::<QPIGS>(Some(Inquiry::GeneralStatus), &frame) {
        Ok(Response::GeneralStatus(s)) => {
            let volts = s.battery_voltage.mantissa().unwrap_or(0);
            job::finish(u32::try_from(volts).unwrap_or(0))
        }
        _ => report::fail(format_args!("not a general status")),
    }
}
