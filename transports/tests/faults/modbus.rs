//! Modbus RTU: unit 1, ten holding registers (register n holds 10·n),
//! asked for registers 2..5 (FC03), and for register 7 as the second
//! request.

use std::time::Duration;

use modbus_rtu_lite::{
    Config, Error as Modbus, Exception, Field, Handler, Line, Mode, Parity, Reply, Request,
    Response, Server, decode_request, decode_response, encode_request, encode_response,
};
use transports::Error;

use crate::scenario::{Asked, Column, Failure, Passed};
use crate::{Side, Time};

const TIMEOUT: Duration = Duration::from_millis(500);
/// Registers 2, 3, 4: 20, 30, 40.
const READ: Request<'static> = Request::ReadHoldingRegisters {
    start: 2,
    quantity: 3,
};
/// Register 7 alone: 70.
const OTHER: Request<'static> = Request::ReadHoldingRegisters {
    start: 7,
    quantity: 1,
};

/// Register n holds 10·n.
struct Regs;

impl Handler for Regs {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        for (i, r) in out.iter_mut().enumerate() {
            *r = 10 * (start + i as u16);
        }
        Ok(())
    }
}

/// Unit 1 (the async driver's column too).
pub struct Unit(Server<Regs>);

const LINE: Line = Line::new(9600, Parity::Even, 1);
const MODE: Mode = Mode::Length {
    silence: Duration::from_millis(50),
};

impl Unit {
    fn new() -> Self {
        Unit(Server::new(Regs, [1, 0, 0, 0], LINE, MODE, Duration::ZERO))
    }
}

impl Side for Unit {
    fn answer(&mut self, written: &[u8]) -> Vec<u8> {
        self.0.process(written);
        self.0
            .poll_transmit(Duration::ZERO)
            .unwrap_or_default()
            .to_vec()
    }

    fn another_address(&mut self, _: &[u8], reply: &[u8]) -> Option<Vec<u8>> {
        let (_, response) = decode_response(reply).unwrap();
        let mut buf = [0u8; 256];
        let n = encode_response(2, &response, &mut buf).unwrap();
        Some(buf[..n].to_vec())
    }

    /// The unit reads one register more than asked.
    fn wrong_count(&mut self, written: &[u8], _: &[u8]) -> Vec<u8> {
        let (address, request) = decode_request(written).unwrap();
        let Request::ReadHoldingRegisters { start, quantity } = request else {
            panic!("{request:?}");
        };
        let more = Request::ReadHoldingRegisters {
            start,
            quantity: quantity + 1,
        };
        let mut buf = [0u8; 256];
        let n = encode_request(address, &more, &mut buf).unwrap();
        self.answer(&buf[..n])
    }
}

fn config(time: &Time) -> modbus_rtu_lite::Client {
    let config = Config {
        mode: MODE,
        timeout: TIMEOUT,
        ..Config::new(LINE)
    };
    config.client(transports::Clock::now(time))
}

/// The registers a reply carries.
fn registers(response: Response<'_>) -> Vec<u16> {
    match response {
        Response::ReadHoldingRegisters(w) => w.iter().collect(),
        other => panic!("{other:?}"),
    }
}

impl Column for Unit {
    type Side = Unit;
    type Machine = modbus_rtu_lite::Client;
    type Error = Modbus;

    fn parts(time: &Time) -> (Unit, modbus_rtu_lite::Client) {
        (Unit::new(), config(time))
    }
    fn timeout() -> Duration {
        TIMEOUT
    }

    fn request() -> (u8, Request<'static>) {
        (1, READ)
    }
    fn check(answer: Reply<'_>) {
        assert_eq!(registers(answer.response()), [20, 30, 40]);
    }
    fn next() -> (u8, Request<'static>) {
        (1, OTHER)
    }
    fn check_next(answer: Reply<'_>) {
        assert_eq!(registers(answer.response()), [70]);
    }
    const WRITTEN: [&[u8]; 2] = [
        b"\x01\x03\x00\x02\x00\x03\xa4\x0b",
        b"\x01\x03\x00\x07\x00\x01\x35\xcb",
    ];

    /// The half frame, cut by the silence after it.
    const MID_FRAME: (u32, u64) = (1, 5);
    /// The next request (one register) meets the late reply (three)
    /// first: from the unit asked, for the function asked, but not its
    /// answer.
    fn late(next: Asked<'_, Self>) {
        assert!(matches!(
            next,
            Err(Error::Protocol(Modbus::NotAnswer {
                field: Field::ByteCount,
                expected: 2,
                found: 6
            }))
        ));
    }
    /// Its own reply came after that one ended: unsolicited.
    const LATE: Passed<Modbus> = Passed::Unsolicited(1);
    const TWICE: u32 = 1;
    /// Not a reply: the framer drops it.
    const ECHO: Passed<Modbus> = Passed::Dropped {
        cut: 1,
        discarded: 8,
    };
    const ANOTHER_ADDRESS: Option<Modbus> = Some(Modbus::Mismatch {
        address: 1,
        function: 3,
        found_address: 2,
        found_function: 3,
    });
    /// Four registers for three.
    const WRONG_COUNT: Failure<Self> = Error::Protocol(Modbus::NotAnswer {
        field: Field::ByteCount,
        expected: 6,
        found: 8,
    });
}

scenarios!(Unit in Blocking, addressed);
