//! QPIGS, general status (docs/protocols/axpert.md §4.1).

use super::fields::{Bits, Dec, record};
use crate::{Decimal, DeviceStatus, DeviceStatusHigh};

record! {
    /// QPIGS reply: the inverter's live values.
    ///
    /// Most units send 21 fields; 24-field units (VM IV Twin, VMIII-6000)
    /// append `Y ZZ AAAA`, kept in `extra` (community decoders read them as
    /// feed-to-grid status, country and feed-to-grid power; undocumented).
    pub struct GeneralStatus {
        required {
            /// 1: grid voltage, V.
            grid_voltage: Decimal => Dec,
            /// 2: grid frequency, Hz.
            grid_frequency: Decimal => Dec,
            /// 3: AC output voltage, V.
            ac_output_voltage: Decimal => Dec,
            /// 4: AC output frequency, Hz.
            ac_output_frequency: Decimal => Dec,
            /// 5: AC output apparent power, VA.
            ac_output_apparent_power: Decimal => Dec,
            /// 6: AC output active power, W.
            ac_output_active_power: Decimal => Dec,
            /// 7: output load, % (max of W% and VA%).
            output_load_percent: Decimal => Dec,
            /// 8: DC bus voltage, V.
            bus_voltage: Decimal => Dec,
            /// 9: battery voltage, V.
            battery_voltage: Decimal => Dec,
            /// 10: battery charging current, A.
            battery_charging_current: Decimal => Dec,
            /// 11: battery capacity, %.
            battery_capacity: Decimal => Dec,
            /// 12: heat-sink temperature, °C (an NTC A/D value on 1–3 kW models).
            heat_sink_temperature: Decimal => Dec,
            /// 13: PV input current for battery, A.
            pv_input_current: Decimal => Dec,
            /// 14: PV input voltage, V.
            pv_input_voltage: Decimal => Dec,
            /// 15: battery voltage from SCC, V.
            battery_voltage_from_scc: Decimal => Dec,
            /// 16: battery discharge current, A.
            battery_discharge_current: Decimal => Dec,
            /// 17: device status bits b7..b0.
            device_status: DeviceStatus => Bits<DeviceStatus, 8>,
        }
        optional {
            /// 18: battery voltage offset for fans on, 10 mV.
            battery_voltage_offset_for_fans: Decimal => Dec,
            /// 19: EEPROM version.
            eeprom_version: Decimal => Dec,
            /// 20: PV charging power, W.
            pv_charging_power: Decimal => Dec,
            /// 21: device status bits b10..b8.
            device_status_high: DeviceStatusHigh => Bits<DeviceStatusHigh, 3>,
        }
    }
}

impl GeneralStatus {
    /// Which sources are charging, from status bits b2 b1 b0.
    pub fn charging(&self) -> (bool, bool) {
        let s = self.device_status;
        (
            s.contains(DeviceStatus::CHARGING | DeviceStatus::SCC_CHARGING),
            s.contains(DeviceStatus::CHARGING | DeviceStatus::AC_CHARGING),
        )
    }
}
