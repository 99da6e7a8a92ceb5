//! Footprint: `bms-can`'s emitter alone. Emits a battery's CAN frame set
//! (Pylon LV profile) for one report, each frame's identifier and data
//! sent on the UART; reports how many frames it sent.
//!
//! Row: battery CAN frame set, emitter | `bms-can`
//! Result: 6
#![no_std]
#![no_main]

use bms_can::{Ascii, Emitter, Profile, Protection, Report, Requests};
use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::job;
use transports::Clock;

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let now = board.clock.now();
    let report = Report {
        charge_voltage_dv: 532,
        charge_current_da: 250,
        discharge_current_da: 250,
        discharge_voltage_dv: 470,
        soc_centi: 8000,
        soh: 100,
        voltage_cv: 5120,
        current_da: -35,
        temperature_dc: 215,
        protection: Protection::empty(),
        requests: Requests::CHARGE_ENABLE | Requests::DISCHARGE_ENABLE,
        modules: 1,
        capacity_ah: 50,
        name: Ascii::new(b"PYLON   "),
    };
    let mut emitter = Emitter::new(Profile::PylonV12, report, now);
    let mut sent = 0;
    while let Some(frame) = emitter.poll_transmit(now) {
        let _ = board.uart.write_all(&frame.id.to_le_bytes());
        let _ = board.uart.write_all(frame.bytes());
        sent += 1;
    }
    job::finish(sent)
}
