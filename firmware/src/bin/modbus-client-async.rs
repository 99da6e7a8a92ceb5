//! The Modbus RTU client of `modbus-client`, async: the same requests
//! (`firmware::modbus_steps`) through `transports`' async driver, as one
//! task under Embassy's executor, waiting on the UART's receive interrupt
//! and SysTick instead of polling; then exits 0.
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_semihosting::hprintln;
use embassy_executor::Spawner;
use firmware::modbus_steps::{HELLO, STEPS, UNIT, print};
use firmware::{AsyncUart, Board, Ticks, report};
use modbus_rtu_lite::{Config, Line, Mode, Parity};
use transports::asynch::Timer as _;
use transports::{Error, modbus};

/// Until the unit first answers: this reply timeout, this many times.
const HELLO_TRIES: u32 = 40;
const HELLO_TIMEOUT: Duration = Duration::from_millis(500);

type Driver = modbus::AsyncDriver<AsyncUart, Ticks>;

#[embassy_executor::main]
async fn main(_spawner: Spawner) {
    // The CMSDK UART is 8N1; the line only sets the framer's timing.
    let line = Line::new(9600, Parity::None, 1);
    let Some(board) = Board::take(line.baud) else {
        report::fail(format_args!("board already taken"));
    };
    let Board { uart, clock } = board;
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
        AsyncUart::new(uart),
        clock,
        hello_config.client(clock.now()),
    );
    let mut tries = 0;
    while let Err(e) = hello.ask(&(UNIT, HELLO)).await {
        tries += 1;
        if !matches!(e, Error::Timeout) || tries == HELLO_TRIES {
            report::fail(format_args!("unit {UNIT} does not answer: {e}"));
        }
    }
    // Then the real timeout; a reply to a hello that timed out, if one
    // comes late, is dropped first (blocking: the task has nothing else
    // to do meanwhile).
    let (mut uart, clock, _) = hello.into_parts();
    uart.uart_mut().drain(Duration::from_millis(300));
    let mut bus = Driver::new(uart, clock, config.client(clock.now()));
    for (what, request) in STEPS {
        match bus.ask(&(UNIT, request)).await {
            Ok(reply) => print(what, reply.response()),
            Err(e) => report::fail(format_args!("{what}: {e}")),
        }
    }
    let c = bus.counters();
    hprintln!(
        "counters stray {} cut {} discarded {}",
        c.stray,
        c.cut,
        c.discarded
    );
    report::pass()
}
