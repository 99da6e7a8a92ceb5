//! Footprint: the Modbus FC03 client job with `modbus-rtu-lite`'s codec.
//! Asks unit 1 for holding registers 0 and 1, reads the reply as long as
//! its bytes say (`length::response`), decodes it as the reply to that
//! request (`decode_response_for`: only FC03's decoder is linked), and
//! reports the two words as one number.
//!
//! Row: Modbus FC03 client | `modbus-rtu-lite` codec
//! Result: 655618
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use modbus_rtu_lite::length::{self, Length};
use modbus_rtu_lite::{MAX_ADU, Request, Response, decode_response_for, encode_request};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let request = Request::ReadHoldingRegisters {
        start: 0,
        quantity: 2,
    };
    let mut tx = [0u8; 8];
    let Ok(n) = encode_request(1, &request, &mut tx) else {
        report::fail(format_args!("encode"));
    };
    let _ = uart.write_all(tx.get(..n).unwrap_or_default());
    let mut rx = [0u8; MAX_ADU];
    let complete = |b: &[u8]| match length::response(b) {
        Length::Exact(len) => Some(b.len() >= len),
        Length::AtLeast(_) => Some(false),
        Length::Unknown => None,
    };
    let Some(n) = job::frame(uart, &mut rx, complete) else {
        report::fail(format_args!("no reply"));
    };
    match decode_response_for(1, &request, rx.get(..n).unwrap_or_default()) {
        Ok(Response::ReadHoldingRegisters(words)) => {
            let word = |i| u32::from(words.get(i).unwrap_or(0));
            job::finish(word(0) << 16 | word(1))
        }
        _ => report::fail(format_args!("bad reply")),
    }
}
