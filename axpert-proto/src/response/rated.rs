//! QPIRI, rated information (docs/protocols/axpert.md §4.2).

use super::fields::{Bit, Code, Dec, record};
use crate::{
    BatteryType, ChargerSource, Decimal, InputRange, MachineType, OutputMode, OutputSource,
    Topology,
};

record! {
    /// QPIRI reply: ratings and current settings.
    ///
    /// Real units send 25 to 29 fields: field 26 is left out by some, and
    /// fields 27–29 of MAX-class units are undocumented and kept in `extra`.
    pub struct RatedInfo {
        required {
            /// 1: grid rating voltage, V.
            grid_rating_voltage: Decimal => Dec,
            /// 2: grid rating current, A.
            grid_rating_current: Decimal => Dec,
            /// 3: AC output rating voltage, V.
            ac_output_rating_voltage: Decimal => Dec,
            /// 4: AC output rating frequency, Hz.
            ac_output_rating_frequency: Decimal => Dec,
            /// 5: AC output rating current, A.
            ac_output_rating_current: Decimal => Dec,
            /// 6: AC output rating apparent power, VA.
            ac_output_rating_apparent_power: Decimal => Dec,
            /// 7: AC output rating active power, W.
            ac_output_rating_active_power: Decimal => Dec,
            /// 8: battery rating voltage, V.
            battery_rating_voltage: Decimal => Dec,
            /// 9: battery re-charge voltage, V.
            battery_recharge_voltage: Decimal => Dec,
            /// 10: battery under voltage, V.
            battery_under_voltage: Decimal => Dec,
            /// 11: battery bulk voltage, V.
            battery_bulk_voltage: Decimal => Dec,
            /// 12: battery float voltage, V.
            battery_float_voltage: Decimal => Dec,
            /// 13: battery type.
            battery_type: BatteryType => Code<BatteryType, 1>,
            /// 14: current max AC charging current, A.
            max_ac_charging_current: Decimal => Dec,
            /// 15: current max charging current, A.
            max_charging_current: Decimal => Dec,
            /// 16: input voltage range.
            input_voltage_range: InputRange => Code<InputRange, 1>,
            /// 17: output source priority.
            output_source_priority: OutputSource => Code<OutputSource, 1>,
            /// 18: charger source priority.
            charger_source_priority: ChargerSource => Code<ChargerSource, 1>,
            /// 19: parallel max number (`-` on some units: not available).
            parallel_max_number: Decimal => Dec,
            /// 20: machine type.
            machine_type: MachineType => Code<MachineType, 2>,
            /// 21: topology.
            topology: Topology => Code<Topology, 1>,
            /// 22: output mode.
            output_mode: OutputMode => Code<OutputMode, 1>,
            /// 23: battery re-discharge voltage, V.
            battery_redischarge_voltage: Decimal => Dec,
            /// 24: PV OK condition for parallel (true: all units need PV).
            pv_ok_condition: bool => Bit,
            /// 25: PV power balance (true: PV max power = charge power + load power).
            pv_power_balance: bool => Bit,
        }
        optional {
            /// 26: max charging time at the C.V. stage, min.
            max_cv_charging_time: Decimal => Dec,
        }
    }
}
