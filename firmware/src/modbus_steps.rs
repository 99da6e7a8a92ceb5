//! What the Modbus client images ask unit 1, in order, and how they print
//! the outcomes: one script for the blocking and the async image, so the
//! test holds both to the same lines.
//!
//! The unit is meant to be `modbus-sim`'s drive (the ENC EDS manuals'
//! register map, `examples/src/modbus_sim.rs`): read its set point and
//! state, write a set point and a run command, read them back, and be
//! refused twice (a value out of range, an address outside the map).

use cortex_m_semihosting::{hprint, hprintln};
use modbus_rtu_lite::{Request, Response, Words};

use crate::report;

/// The unit asked.
pub const UNIT: u8 = 1;

/// The first request, asked until the unit answers.
pub const HELLO: Request<'static> = Request::ReadHoldingRegisters {
    start: 0x2000,
    quantity: 2,
};

/// Each request and the words its line starts with.
pub const STEPS: [(&str, Request<'static>); 8] = [
    ("read-holding 8192 2", HELLO),
    (
        "read-input 8448 5",
        Request::ReadInputRegisters {
            start: 0x2100,
            quantity: 5,
        },
    ),
    (
        "write-register 8193 2500",
        Request::WriteSingleRegister {
            address: 0x2001,
            value: 2500,
        },
    ),
    (
        "write-registers 8192 5",
        Request::WriteMultipleRegisters {
            start: 0x2000,
            values: Words::new(&[0, 5]),
        },
    ),
    ("read-holding 8192 2", HELLO),
    (
        "read-input 8448 1",
        Request::ReadInputRegisters {
            start: 0x2100,
            quantity: 1,
        },
    ),
    (
        "write-register 8193 6000",
        Request::WriteSingleRegister {
            address: 0x2001,
            value: 6000,
        },
    ),
    (
        "read-holding 12288 1",
        Request::ReadHoldingRegisters {
            start: 0x3000,
            quantity: 1,
        },
    ),
];

/// Prints `<what> values=a,b,...`, `<what> ok` or `<what> exception=N`;
/// fails the run on a reply that answers another request.
pub fn print(what: &str, response: Response<'_>) {
    match response {
        Response::ReadHoldingRegisters(words) | Response::ReadInputRegisters(words) => {
            hprint!("{} values=", what);
            for (i, v) in words.iter().enumerate() {
                hprint!("{}{}", if i == 0 { "" } else { "," }, v);
            }
            hprintln!();
        }
        Response::WriteSingleRegister { .. } | Response::WriteMultipleRegisters { .. } => {
            hprintln!("{} ok", what);
        }
        Response::Exception { code, .. } => hprintln!("{} exception={}", what, code.code()),
        _ => report::fail(format_args!("{what}: a reply to another request")),
    }
}
