//! QDI, default settings (docs/protocols/axpert.md §4.6).

use super::fields::{Bit, Code, Dec, record};
use crate::{BatteryType, ChargerSource, Decimal, InputRange, OutputMode, OutputSource};

record! {
    /// QDI reply: the defaults `PF` restores. Real units send 25 or 26 fields.
    pub struct Defaults {
        required {
            /// 1: AC output voltage, V.
            ac_output_voltage: Decimal => Dec,
            /// 2: AC output frequency, Hz.
            ac_output_frequency: Decimal => Dec,
            /// 3: max AC charging current, A.
            max_ac_charging_current: Decimal => Dec,
            /// 4: battery under voltage, V.
            battery_under_voltage: Decimal => Dec,
            /// 5: float charging voltage, V.
            float_voltage: Decimal => Dec,
            /// 6: bulk charging voltage, V.
            bulk_voltage: Decimal => Dec,
            /// 7: battery re-charge voltage, V.
            battery_recharge_voltage: Decimal => Dec,
            /// 8: max charging current, A.
            max_charging_current: Decimal => Dec,
            /// 9: AC input voltage range.
            input_voltage_range: InputRange => Code<InputRange, 1>,
            /// 10: output source priority.
            output_source_priority: OutputSource => Code<OutputSource, 1>,
            /// 11: charger source priority.
            charger_source_priority: ChargerSource => Code<ChargerSource, 1>,
            /// 12: battery type.
            battery_type: BatteryType => Code<BatteryType, 1>,
            /// 13: buzzer enabled.
            buzzer: bool => Bit,
            /// 14: power saving enabled.
            power_saving: bool => Bit,
            /// 15: overload restart enabled.
            overload_restart: bool => Bit,
            /// 16: over-temperature restart enabled.
            over_temperature_restart: bool => Bit,
            /// 17: LCD backlight on.
            lcd_backlight: bool => Bit,
            /// 18: alarm on primary-source interrupt.
            primary_source_alarm: bool => Bit,
            /// 19: fault-code record.
            fault_code_record: bool => Bit,
            /// 20: overload bypass.
            overload_bypass: bool => Bit,
            /// 21: LCD returns to the default page.
            lcd_return_default: bool => Bit,
            /// 22: output mode.
            output_mode: OutputMode => Code<OutputMode, 1>,
            /// 23: battery re-discharge voltage, V (% on one OEM variant).
            battery_redischarge_voltage: Decimal => Dec,
            /// 24: PV OK condition for parallel.
            pv_ok_condition: bool => Bit,
            /// 25: PV power balance.
            pv_power_balance: bool => Bit,
        }
        optional {
            /// 26: max C.V. charging time, min (0: automatic).
            max_cv_charging_time: Decimal => Dec,
        }
    }
}
