//! Footprint: the Modbus FC03 client job of `fp-modbus-client`, written
//! with `modbus-core` (a peer, for comparison).
//!
//! Row: Modbus FC03 client | `modbus-core` 0.2
//! Result: 655618
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use modbus_core::rtu::client::{decode_response, encode_request};
use modbus_core::rtu::{Header, RequestAdu, ResponseAdu};
use modbus_core::{Request, RequestPdu, Response, ResponsePdu};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let request = RequestAdu {
        hdr: Header { slave: 1 },
        pdu: RequestPdu(Request::ReadHoldingRegisters(0, 2)),
    };
    let mut tx = [0u8; 8];
    let Ok(n) = encode_request(request, &mut tx) else {
        report::fail(format_args!("encode"));
    };
    let _ = uart.write_all(tx.get(..n).unwrap_or_default());
    let mut rx = [0u8; 256];
    let complete = |b: &[u8]| decode_response(b).ok().map(|r| r.is_some());
    let Some(n) = job::frame(uart, &mut rx, complete) else {
        report::fail(format_args!("no reply"));
    };
    match decode_response(rx.get(..n).unwrap_or_default()) {
        Ok(Some(ResponseAdu {
            hdr: Header { slave: 1 },
            pdu: ResponsePdu(Ok(Response::ReadHoldingRegisters(words))),
        })) => {
            let word = |i| u32::from(words.get(i).unwrap_or(0));
            job::finish(word(0) << 16 | word(1))
        }
        _ => report::fail(format_args!("bad reply")),
    }
}
