//! From a Pylontech pack's RS485 readings (YD/T 1363: 0x42 analog values,
//! 0x92 charge/discharge management) to what the battery reports on CAN
//! (`bms_can::Report`, Pylon LV): the bridge image's one piece of logic.
//!
//! Units and signs, `docs/protocols/ydt1363.md` §3 against
//! `docs/protocols/bms-can.md` §2:
//!
//! | CAN | from | conversion |
//! |---|---|---|
//! | 0x351 charge voltage, 0.1 V | 0x92, mV | rounded down: never above the pack's limit (53,250 mV is 53.2 V, as real packs send it) |
//! | 0x351 charge current, 0.1 A | 0x92, 0.1 A | as sent (a negative one is 0) |
//! | 0x351 discharge current, 0.1 A, **positive** | 0x92, 0.1 A, **negative** | the magnitude |
//! | 0x351 discharge voltage, 0.1 V | 0x92, mV | rounded up: never below the pack's cut-off |
//! | 0x355 SOC, % | 0x42 remaining / total capacity | 0.01 % rounded down, which the emitter rounds to the nearest % |
//! | 0x355 SOH, % | none: YD/T's commands do not carry it | 100 |
//! | 0x356 voltage, 0.01 V | 0x42 module voltage, mV | to the nearest 10 mV |
//! | 0x356 current, 0.1 A, positive charging | 0x42 current, 0.1 A, positive charging | as sent |
//! | 0x356 temperature, 0.1 °C | 0x42 temperatures, 0.1 K from 273.1 K | the highest of them |
//! | 0x35C charge / discharge allowed | 0x92 status bits 7 / 6 | as sent |
//! | 0x359 module count | | 1: one pack is read |
//! | 0x359 protections | none (0x44 is not read) | none |

use bms_can::{Ascii, Protection, Report, Requests};
use ydt1363::pylontech::{Block, Management, ManagementStatus};

/// 0x355's state of health: YD/T 1363's Pylontech commands carry none.
pub const SOH: u16 = 100;

/// The CAN report of one pack, from its analog values and its limits.
pub fn report(block: &Block, limits: &Management) -> Report {
    let total = u64::from(block.total_mah());
    let soc_centi = match total {
        0 => 0,
        _ => (u64::from(block.remaining_mah()) * 10_000 / total).min(10_000) as u16,
    };
    let temperature = block
        .temperatures
        .as_slice()
        .iter()
        .map(|t| t.celsius())
        .max()
        .unwrap_or(0);
    let mut requests = Requests::empty();
    requests.set(
        Requests::CHARGE_ENABLE,
        limits.status.contains(ManagementStatus::CHARGE_ENABLE),
    );
    requests.set(
        Requests::DISCHARGE_ENABLE,
        limits.status.contains(ManagementStatus::DISCHARGE_ENABLE),
    );
    Report {
        charge_voltage_dv: limits.charge_voltage_mv / 100,
        charge_current_da: limits.charge_current_da.max(0),
        // Negative on RS485, positive on CAN.
        discharge_current_da: clamp_i16(i32::from(limits.discharge_current_da).abs()),
        discharge_voltage_dv: limits.discharge_voltage_mv.div_ceil(100),
        soc_centi,
        soh: SOH,
        voltage_cv: clamp_i16((i32::from(block.voltage_mv) + 5) / 10),
        current_da: block.current_da,
        temperature_dc: clamp_i16(temperature),
        protection: Protection::empty(),
        requests,
        modules: 1,
        capacity_ah: u16::try_from(block.total_mah() / 1000).unwrap_or(u16::MAX),
        name: Ascii::new(b"PYLON   "),
    }
}

fn clamp_i16(v: i32) -> i16 {
    v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}
