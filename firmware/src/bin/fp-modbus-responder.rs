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
use firmware::{job, report, server_map::Map};
use modbus_rtu_lite::{MAX_ADU, Responder, length::Length};

/// The request and reply buffer, 8-aligned.
#[repr(align(8))]
struct Buffer([u8; MAX_ADU]);

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let map = Map::new();
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
