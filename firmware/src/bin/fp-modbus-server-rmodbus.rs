//! Footprint: the Modbus server job of `fp-modbus-server` written with
//! `rmodbus` (a peer, for comparison): its frame processor over its own
//! storage, eight coils and eight holding registers.
//!
//! Row: Modbus server, FC01/03/05/06/10 | `rmodbus` 0.13
//! Result: 6
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use heapless::Vec;
use rmodbus::server::ModbusFrame;
use rmodbus::server::storage::ModbusStorage;
use rmodbus::{ModbusProto, guess_request_frame_len};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    // Coils, discrete inputs, input registers, holding registers.
    let mut map: ModbusStorage<8, 1, 1, 8> = ModbusStorage::new();
    let mut rx = [0u8; 256];
    let mut answered = 0;
    while answered < job::REQUESTS {
        let complete = |b: &[u8]| match b.len() {
            0..2 => Some(false),
            n => match guess_request_frame_len(b, ModbusProto::Rtu) {
                Ok(len) => Some(n >= usize::from(len)),
                // The byte count of FC0F/FC10 is not there yet.
                Err(_) if n < 7 => Some(false),
                Err(_) => None,
            },
        };
        let Some(n) = job::frame(uart, &mut rx, complete) else {
            report::fail(format_args!("requests stopped after {answered}"));
        };
        let mut tx: Vec<u8, 256> = Vec::new();
        let request = rx.get(..n).unwrap_or_default();
        let mut frame = ModbusFrame::new(1, request, ModbusProto::Rtu, &mut tx);
        if frame.parse().is_err() {
            continue;
        }
        if frame.processing_required {
            let done = if frame.readonly {
                frame.process_read(&map)
            } else {
                frame.process_write(&mut map)
            };
            if done.is_err() {
                continue;
            }
        }
        if frame.response_required && frame.finalize_response().is_ok() {
            let _ = uart.write_all(&tx);
            answered += 1;
        }
    }
    job::finish(answered)
}
