//! Footprint: `enc-ascii`'s codec alone. Asks drive 1 for its run
//! frequency (command 0B, index 01), reads the reply through the
//! crate's `Framer` a byte at a time, decodes it as the response to that
//! request (`Response::decode`, `Response::value`) and reports the
//! frequency in 0.01 Hz.
//!
//! The input, `jobs/enc.in`, is the reply "running at 50.00 Hz, no
//! fault" of `docs/protocols/enc.md` §3 (`~0100000113880256` CR):
//! synthetic, worked out from the manual's rules, as no capture of an
//! ENC drive exists.
//!
//! Row: ENC drive read, request encode and reply decode | `enc-ascii`
//! Result: 5000
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use enc_ascii::{
    Address, Command, Framer, Quantity, Radix, Reading, Request, Response, ResponseCode, Value,
};
use firmware::{job, report};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let Ok(drive) = Address::new(1) else {
        report::fail(format_args!("address"));
    };
    let reading = Reading::RunFrequency;
    let request = Request::new(drive, Command::Read(reading));
    let mut tx = [0u8; 18];
    let Ok(n) = request.encode(&mut tx) else {
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
    let reply = Response::decode(&frame, Radix::Literal);
    if reply.address != drive.get()
        || reply.code != ResponseCode::Normal
        || reply.index != Some(reading.index())
    {
        report::fail(format_args!("not the reply asked for"));
    }
    match reply.value(&request.command) {
        Some(Value::Quantity(Quantity { raw, .. })) => job::finish(u32::from(raw)),
        _ => report::fail(format_args!("no value")),
    }
}
