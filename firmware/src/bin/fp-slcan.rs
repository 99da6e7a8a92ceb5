//! Footprint: `slcan`'s codec alone. Reads one SLCAN line (CR-ended),
//! decodes it, encodes its frame back and sends it; reports the frame's
//! identifier.
//!
//! Row: SLCAN line decode and frame encode | `slcan`
//! Result: 854
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use slcan::{Message, decode_line, encode_frame};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let mut rx = [0u8; 32];
    let complete = |b: &[u8]| Some(b.last() == Some(&b'\r'));
    let Some(n) = job::frame(uart, &mut rx, complete) else {
        report::fail(format_args!("no line"));
    };
    let line = rx.get(..n - 1).unwrap_or_default();
    let Ok(Message::Frame(frame)) = decode_line(line) else {
        report::fail(format_args!("not a frame"));
    };
    let mut tx = [0u8; 32];
    let Ok(len) = encode_frame(&frame, &mut tx) else {
        report::fail(format_args!("encode"));
    };
    let _ = uart.write_all(tx.get(..len).unwrap_or_default());
    job::finish(frame.id)
}
