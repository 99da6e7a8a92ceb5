//! A Modbus RTU client on UART0 (9600 baud), blocking: asks unit 1 the
//! requests of `firmware::modbus_steps` (reads, writes, two refusals) and
//! prints each outcome through semihosting; then exits 0.
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::modbus_steps::{HELLO, STEPS, UNIT, print};
use firmware::{Board, Ticks, Uart, report};
use modbus_rtu_lite::{Config, Line, Mode, Parity};
use transports::{Clock, Error, modbus};

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
    // 200 ms of silence drops a cut reply: long enough that a busy host
    // pausing QEMU or the simulator mid-frame does not cut it.
    let config = Config {
        mode: Mode::Length {
            silence: Duration::from_millis(200),
        },
        ..Config::new(line)
    };
    let hello_config = Config {
        timeout: HELLO_TIMEOUT,
        ..config
    };
    let mut hello = Driver::new(
        board.uart,
        board.clock,
        hello_config.client(board.clock.now()),
    );
    let mut tries = 0;
    while let Err(e) = hello.ask(&(UNIT, HELLO)) {
        tries += 1;
        if !matches!(e, Error::Timeout) || tries == HELLO_TRIES {
            report::fail(format_args!("unit {UNIT} does not answer: {e}"));
        }
    }
    // Then the real timeout; a reply to a hello that timed out, if one
    // comes late, is dropped first.
    let (mut uart, clock, _) = hello.into_parts();
    uart.drain(Duration::from_millis(300));
    let mut bus = Driver::new(uart, clock, config.client(clock.now()));
    for (what, request) in STEPS {
        match bus.ask(&(UNIT, request)) {
            Ok(reply) => print(what, reply.response()),
            Err(e) => report::fail(format_args!("{what}: {e}")),
        }
    }
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
