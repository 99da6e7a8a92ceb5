//! Footprint: the Modbus FC03 client job of `fp-modbus-client`, written
//! with `rmodbus` (a peer, for comparison).
//!
//! Row: Modbus FC03 client | `rmodbus` 0.13
//! Result: 655618
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use heapless::Vec;
use rmodbus::client::ModbusRequest;
use rmodbus::{ModbusProto, guess_response_frame_len};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let mut request = ModbusRequest::new(1, ModbusProto::Rtu);
    let mut tx: Vec<u8, 8> = Vec::new();
    if request.generate_get_holdings(0, 2, &mut tx).is_err() {
        report::fail(format_args!("encode"));
    }
    let _ = uart.write_all(&tx);
    let mut rx = [0u8; 256];
    let complete = |b: &[u8]| match b.len() {
        0..3 => Some(false),
        n => guess_response_frame_len(b, ModbusProto::Rtu)
            .ok()
            .map(|len| n >= usize::from(len)),
    };
    let Some(n) = job::frame(uart, &mut rx, complete) else {
        report::fail(format_args!("no reply"));
    };
    let mut words: Vec<u16, 2> = Vec::new();
    match request.parse_u16(rx.get(..n).unwrap_or_default(), &mut words) {
        Ok(()) => {
            let word = |i| u32::from(words.get(i).copied().unwrap_or(0));
            job::finish(word(0) << 16 | word(1))
        }
        Err(_) => report::fail(format_args!("bad reply")),
    }
}
