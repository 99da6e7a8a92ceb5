//! Footprint: the Modbus server job of `fp-modbus-server` written with
//! `modbus-core` (a peer, for comparison): its codec, and the dispatch
//! to the map by hand, as its users write it.
//!
//! modbus-core 0.2's stream decoder reads an FC0F/FC10 request's length
//! from the quantity's high byte instead of the byte count, so it never
//! finds such a frame: the image delimits requests by hand and hands the
//! whole frame to `extract_frame` and `Request::try_from`.
//!
//! Row: Modbus server, FC01/03/05/06/10 | `modbus-core` 0.2, dispatch by hand
//! Result: 6
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report};
use modbus_core::rtu::extract_frame;
use modbus_core::rtu::server::encode_response;
use modbus_core::rtu::{Header, ResponseAdu};
use modbus_core::{
    Coils, Data, Exception, ExceptionResponse, FunctionCode, Request, Response, ResponsePdu,
};

/// The map: eight coils and eight holding registers, all zero at first.
struct Map {
    coils: [bool; 8],
    holding: [u16; 8],
}

/// The slots `start..start + len` of a table of `size`, or exception 02.
fn range(start: u16, len: u16, size: usize) -> Result<core::ops::Range<usize>, Exception> {
    let start = usize::from(start);
    match start + usize::from(len) {
        end if end <= size => Ok(start..end),
        _ => Err(Exception::IllegalDataAddress),
    }
}

impl Map {
    /// Carries out `request`; the response is built in `buf`.
    fn execute<'b>(
        &mut self,
        request: Request<'_>,
        buf: &'b mut [u8],
    ) -> Result<Response<'b>, Exception> {
        let failed = |_| Exception::ServerDeviceFailure;
        Ok(match request {
            Request::ReadCoils(start, n) => {
                let bits = self.coils.get(range(start, n, 8)?).unwrap_or_default();
                Response::ReadCoils(Coils::from_bools(bits, buf).map_err(failed)?)
            }
            Request::ReadHoldingRegisters(start, n) => {
                let words = self.holding.get(range(start, n, 8)?).unwrap_or_default();
                Response::ReadHoldingRegisters(Data::from_words(words, buf).map_err(failed)?)
            }
            Request::WriteSingleCoil(address, value) => {
                let r = range(address, 1, 8)?;
                for slot in self.coils.get_mut(r).unwrap_or_default() {
                    *slot = value;
                }
                Response::WriteSingleCoil(address)
            }
            Request::WriteSingleRegister(address, value) => {
                let r = range(address, 1, 8)?;
                for slot in self.holding.get_mut(r).unwrap_or_default() {
                    *slot = value;
                }
                Response::WriteSingleRegister(address, value)
            }
            Request::WriteMultipleRegisters(start, values) => {
                let n = values.len() as u16;
                let r = range(start, n, 8)?;
                let slots = self.holding.get_mut(r).unwrap_or_default();
                for (i, slot) in slots.iter_mut().enumerate() {
                    *slot = values.get(i).unwrap_or(0);
                }
                Response::WriteMultipleRegisters(start, n)
            }
            _ => return Err(Exception::IllegalFunction),
        })
    }
}

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    let mut map = Map {
        coils: [false; 8],
        holding: [0; 8],
    };
    let mut rx = [0u8; 256];
    let mut answered = 0;
    while answered < job::REQUESTS {
        let complete = |b: &[u8]| match (b.get(1), b.get(6)) {
            (Some(0x0F | 0x10), Some(&count)) => Some(b.len() >= 9 + usize::from(count)),
            (Some(0x0F | 0x10), None) | (None, _) => Some(false),
            (Some(_), _) => Some(b.len() >= 8),
        };
        let Some(n) = job::frame(uart, &mut rx, complete) else {
            report::fail(format_args!("requests stopped after {answered}"));
        };
        let Ok(Some(frame)) = extract_frame(rx.get(..n).unwrap_or_default(), n - 3) else {
            continue;
        };
        let Ok(request) = Request::try_from(frame.pdu) else {
            continue;
        };
        if frame.slave != 1 {
            continue;
        }
        let mut data = [0u8; 250];
        let response = map.execute(request, &mut data).map_err(|exception| {
            let function = FunctionCode::from(request);
            ExceptionResponse {
                function,
                exception,
            }
        });
        let adu = ResponseAdu {
            hdr: Header { slave: 1 },
            pdu: ResponsePdu(response),
        };
        let mut tx = [0u8; 256];
        if let Ok(len) = encode_response(adu, &mut tx) {
            let _ = uart.write_all(tx.get(..len).unwrap_or_default());
            answered += 1;
        }
    }
    job::finish(answered)
}
