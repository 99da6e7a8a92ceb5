//! A Modbus RTU client on UART0 (9600 baud): reads holding and input
//! registers of unit 1, writes a set point and a run command, reads them
//! back, and is refused twice (a value out of range, an address outside
//! the map), printing each outcome through semihosting; then exits 0.
//!
//! The unit is meant to be `modbus-sim`'s drive (its register map: the
//! ENC EDS manuals', see `examples/src/modbus_sim.rs`). Each line is
//! `<what> values=a,b,...`, `<what> ok` or `<what> exception=<code>`.
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_rt::entry;
use cortex_m_semihosting::{hprint, hprintln};
use firmware::{Board, Ticks, Uart, report};
use modbus_rtu_lite::{Config, Line, Parity, Request, Response, Words};
use transports::{Clock, Error, modbus};

const UNIT: u8 = 1;
/// Until the unit first answers: this reply timeout, this many times.
const HELLO_TRIES: u32 = 40;
const HELLO_TIMEOUT: Duration = Duration::from_millis(500);

type Driver = modbus::Driver<Uart, Ticks>;

#[entry]
fn main() -> ! {
    // The CMSDK UART is 8N1; the line only sets the framer's timing.
    let line = Line::new(9600, Parity::None, 1);
    let Some(board) = Board::take(line.baud) else {
        report::fail(format_args!("board already taken"));
    };
    // Replies framed by predicted length (Config::new): QEMU's UART, like
    // a pseudo-terminal, does not keep the gaps between bytes.
    let config = Config::new(line);
    let hello_config = Config {
        timeout: HELLO_TIMEOUT,
        ..config
    };
    let mut hello = Driver::new(
        board.uart,
        board.clock,
        hello_config.client(board.clock.now()),
    );
    let first = Request::ReadHoldingRegisters {
        start: 0x2000,
        quantity: 2,
    };
    let mut tries = 0;
    while let Err(e) = hello.ask(&(UNIT, first)) {
        tries += 1;
        if !matches!(e, Error::Timeout) || tries == HELLO_TRIES {
            report::fail(format_args!("unit {UNIT} does not answer: {e}"));
        }
    }
    let (mut uart, clock, _) = hello.into_parts();
    uart.drain(Duration::from_millis(300));
    let mut bus = Driver::new(uart, clock, config.client(clock.now()));

    let mut ask = |what: &str, request: Request<'_>| show(what, &mut bus, request);
    ask("read-holding 8192 2", first);
    ask(
        "read-input 8448 5",
        Request::ReadInputRegisters {
            start: 0x2100,
            quantity: 5,
        },
    );
    ask(
        "write-register 8193 2500",
        Request::WriteSingleRegister {
            address: 0x2001,
            value: 2500,
        },
    );
    ask(
        "write-registers 8192 5",
        Request::WriteMultipleRegisters {
            start: 0x2000,
            values: Words::new(&[0, 5]),
        },
    );
    ask("read-holding 8192 2", first);
    ask(
        "read-input 8448 1",
        Request::ReadInputRegisters {
            start: 0x2100,
            quantity: 1,
        },
    );
    ask(
        "write-register 8193 6000",
        Request::WriteSingleRegister {
            address: 0x2001,
            value: 6000,
        },
    );
    ask(
        "read-holding 12288 1",
        Request::ReadHoldingRegisters {
            start: 0x3000,
            quantity: 1,
        },
    );
    // Field by field: Debug formatting would link a kilobyte or more.
    let c = bus.counters();
    hprintln!(
        "counters stray {} cut {} discarded {}",
        c.stray,
        c.cut,
        c.discarded
    );
    report::pass()
}

/// Asks `request` of the unit and prints the outcome after `what`; fails
/// the run on no reply or a reply that does not fit.
fn show(what: &str, bus: &mut Driver, request: Request<'_>) {
    let reply = match bus.ask(&(UNIT, request)) {
        Ok(reply) => reply,
        Err(e) => report::fail(format_args!("{what}: {e}")),
    };
    match reply.response() {
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
