//! Polls an Axpert inverter on UART0: QPIGS (live values) and QPIRI
//! (ratings and settings) every few seconds, for a few rounds, printing
//! the decoded values through semihosting; then exits 0. A missing or
//! malformed reply fails the run.
//!
//! Values print exactly as the wire has them (`Decimal`'s `Display`), one
//! `name=value` per field, so a test can hold them against what the
//! inverter sent.
#![no_std]
#![no_main]

use core::time::Duration;

use axpert_proto::{Client, CommandSet, Inquiry, Link, Response, command_set};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::{Board, report};
use transports::{Clock, Error, axpert, blocking};

/// Rounds of QPIGS and QPIRI, and the time from one round's start to the next.
const ROUNDS: u32 = 3;
const PERIOD: Duration = Duration::from_secs(2);
/// Until the inverter first answers: QPI, each with this reply timeout.
const HELLO_TRIES: u32 = 40;
const HELLO_TIMEOUT: Duration = Duration::from_millis(500);

/// The only commands the poller sends: the link links their encoders and
/// decoders, and no other reply's or setting's.
const POLLER: CommandSet = command_set(&[
    Inquiry::ProtocolId,
    Inquiry::GeneralStatus,
    Inquiry::RatedInfo,
]);

/// The poller's client: the framer's default capacity, [`POLLER`] only.
type Poller = Client<{ axpert_proto::CAPACITY }, POLLER>;

/// A client for [`POLLER`] with `timeout` for each reply.
const fn client(timeout: Duration) -> Poller {
    Poller::new(Link::new(), timeout)
}

#[entry]
fn main() -> ! {
    let Some(board) = Board::take(axpert::LINE.baud) else {
        report::fail(format_args!("board already taken"));
    };
    // Wait for the inverter (on a bench: until it is switched on; under
    // QEMU: until the host side opens the pseudo-terminal), asking often
    // with a short timeout.
    let mut hello = blocking::Driver::new(board.uart, board.clock, client(HELLO_TIMEOUT));
    let mut tries = 0;
    loop {
        tries += 1;
        match hello.ask(&Inquiry::ProtocolId.into()) {
            Ok(Response::ProtocolId(id)) => {
                hprintln!("qpi {}", id);
                break;
            }
            Ok(_) => report::fail(format_args!("qpi: not a protocol id")),
            Err(Error::Timeout) if tries < HELLO_TRIES => {}
            Err(e) => report::fail(format_args!("qpi: {e}")),
        }
    }
    // Then the real timeout; a reply to a hello that timed out, if one
    // comes late, is dropped first.
    let (mut uart, clock, _) = hello.into_parts();
    uart.drain(Duration::from_millis(300));
    let mut inverter = blocking::Driver::new(uart, clock, client(axpert::DEFAULT_TIMEOUT));
    let start = clock.now();
    for round in 1..=ROUNDS {
        match inverter.ask(&Inquiry::GeneralStatus.into()) {
            Ok(Response::GeneralStatus(s)) => hprintln!(
                "qpigs {} grid_voltage={} grid_frequency={} ac_output_voltage={} \
                 ac_output_apparent_power={} ac_output_active_power={} output_load_percent={} \
                 bus_voltage={} battery_voltage={} battery_charging_current={} \
                 battery_capacity={} pv_input_current={} pv_input_voltage={} \
                 battery_discharge_current={}",
                round,
                s.grid_voltage,
                s.grid_frequency,
                s.ac_output_voltage,
                s.ac_output_apparent_power,
                s.ac_output_active_power,
                s.output_load_percent,
                s.bus_voltage,
                s.battery_voltage,
                s.battery_charging_current,
                s.battery_capacity,
                s.pv_input_current,
                s.pv_input_voltage,
                s.battery_discharge_current,
            ),
            Ok(_) => report::fail(format_args!("qpigs: not a general status")),
            Err(e) => report::fail(format_args!("qpigs: {e}")),
        }
        match inverter.ask(&Inquiry::RatedInfo.into()) {
            Ok(Response::RatedInfo(r)) => hprintln!(
                "qpiri {} grid_rating_voltage={} grid_rating_current={} \
                 ac_output_rating_voltage={} ac_output_rating_frequency={} \
                 ac_output_rating_active_power={} battery_rating_voltage={} \
                 battery_recharge_voltage={} battery_under_voltage={} battery_bulk_voltage={} \
                 battery_float_voltage={} max_ac_charging_current={} max_charging_current={}",
                round,
                r.grid_rating_voltage,
                r.grid_rating_current,
                r.ac_output_rating_voltage,
                r.ac_output_rating_frequency,
                r.ac_output_rating_active_power,
                r.battery_rating_voltage,
                r.battery_recharge_voltage,
                r.battery_under_voltage,
                r.battery_bulk_voltage,
                r.battery_float_voltage,
                r.max_ac_charging_current,
                r.max_charging_current,
            ),
            Ok(_) => report::fail(format_args!("qpiri: not rated information")),
            Err(e) => report::fail(format_args!("qpiri: {e}")),
        }
        if round < ROUNDS {
            clock.sleep_until(start + PERIOD * round);
        }
    }
    // Whole milliseconds as u32, and the counters field by field: u128 and
    // Debug formatting would each link a kilobyte or more.
    let took = u32::try_from((clock.now() - start).as_millis()).unwrap_or(u32::MAX);
    let c = inverter.counters();
    hprintln!(
        "rounds {} in {} ms, stray {} cut {} discarded {}",
        ROUNDS,
        took,
        c.stray,
        c.cut,
        c.discarded
    );
    report::pass()
}
