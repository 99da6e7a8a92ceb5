//! Modbus requests and responses as JSON: the library's own serde form
//! (feature `serde` of `modbus-rtu-lite`), with the context a PDU does not
//! carry: the unit address, the function code on the wire and, when the
//! request is known, the address of each register read.

use modbus_rtu_lite::{Bits, Request, Response};
use serde::Serialize;
use serde_json::Value;

/// A request with its unit address.
#[derive(Serialize)]
struct RequestJson<'a> {
    address: u8,
    broadcast: bool,
    function: u8,
    request: Request<'a>,
}

/// A response with its unit address and, given the request, the
/// registers read by address.
#[derive(Serialize)]
struct ResponseJson<'a> {
    address: u8,
    /// On the wire: bit 7 is set for an exception.
    function: u8,
    response: Response<'a>,
    /// The exception's code as a number (`response` names it).
    #[serde(skip_serializing_if = "Option::is_none")]
    exception_code: Option<u8>,
    /// FC03/04/17 with their request: each register with its address.
    #[serde(skip_serializing_if = "Option::is_none")]
    registers: Option<Vec<Register>>,
}

#[derive(Serialize)]
struct Register {
    address: u16,
    value: u16,
}

/// The first `quantity` of `b`.
fn cut(b: Bits<'_>, quantity: u16) -> Bits<'_> {
    Bits::new(b.bytes(), quantity.min(b.len()))
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| Value::String(format!("not serialisable: {e}")))
}

/// A request as JSON.
pub fn request(address: u8, r: &Request<'_>) -> Value {
    to_value(&RequestJson {
        address,
        broadcast: address == 0,
        function: r.function(),
        request: *r,
    })
}

/// A response as JSON; with its request, coil and input responses are cut
/// to the quantity asked (a reply carries whole bytes of them) and the
/// registers read are listed with their addresses.
pub fn response(address: u8, r: &Response<'_>, request: Option<&Request<'_>>) -> Value {
    let asked = match request {
        Some(
            Request::ReadCoils { quantity, .. } | Request::ReadDiscreteInputs { quantity, .. },
        ) => Some(*quantity),
        _ => None,
    };
    let response = match (*r, asked) {
        (Response::ReadCoils(b), Some(q)) => Response::ReadCoils(cut(b, q)),
        (Response::ReadDiscreteInputs(b), Some(q)) => Response::ReadDiscreteInputs(cut(b, q)),
        (other, _) => other,
    };
    let read_start = match request {
        Some(
            Request::ReadHoldingRegisters { start, .. }
            | Request::ReadInputRegisters { start, .. }
            | Request::ReadWriteMultipleRegisters {
                read_start: start, ..
            },
        ) => Some(*start),
        _ => None,
    };
    let registers = match response {
        Response::ReadHoldingRegisters(w)
        | Response::ReadInputRegisters(w)
        | Response::ReadWriteMultipleRegisters(w) => read_start.map(|start| {
            (0u16..)
                .zip(w.iter())
                .map(|(i, value)| Register {
                    address: start.wrapping_add(i),
                    value,
                })
                .collect()
        }),
        _ => None,
    };
    let exception_code = match response {
        Response::Exception { code, .. } => Some(code.code()),
        _ => None,
    };
    to_value(&ResponseJson {
        address,
        function: response.function(),
        response,
        exception_code,
        registers,
    })
}
