//! QPGSn, status of one unit of a parallel system (docs/protocols/axpert.md §4.7).

use super::fields::{Bit, Bits, Code, Dec, Letter, Txt, record};
use crate::{ChargerSource, Decimal, FaultCode, Mode, OutputMode, ParallelStatusBits, Text};

record! {
    /// QPGSn reply. Real units send 27 or 29 fields; the two extra fields
    /// of 29-field replies (`077.7 00`) are most likely PV2 voltage and
    /// current (undocumented) and are kept in `extra`.
    pub struct ParallelStatus {
        required {
            /// 1: the parallel unit exists.
            unit_exists: bool => Bit,
            /// 2: serial number.
            serial_number: Text<20> => Txt<20>,
            /// 3: work mode.
            work_mode: Mode => Letter<Mode>,
            /// 4: fault code.
            fault_code: FaultCode => Code<FaultCode, 2>,
            /// 5: grid voltage, V.
            grid_voltage: Decimal => Dec,
            /// 6: grid frequency, Hz.
            grid_frequency: Decimal => Dec,
            /// 7: AC output voltage, V.
            ac_output_voltage: Decimal => Dec,
            /// 8: AC output frequency, Hz.
            ac_output_frequency: Decimal => Dec,
            /// 9: AC output apparent power, VA.
            ac_output_apparent_power: Decimal => Dec,
            /// 10: AC output active power, W.
            ac_output_active_power: Decimal => Dec,
            /// 11: load percentage, %.
            load_percent: Decimal => Dec,
            /// 12: battery voltage, V.
            battery_voltage: Decimal => Dec,
            /// 13: battery charging current, A.
            battery_charging_current: Decimal => Dec,
            /// 14: battery capacity, %.
            battery_capacity: Decimal => Dec,
            /// 15: PV input voltage, V.
            pv_input_voltage: Decimal => Dec,
            /// 16: total charging current, A.
            total_charging_current: Decimal => Dec,
            /// 17: total AC output apparent power, VA.
            total_ac_output_apparent_power: Decimal => Dec,
            /// 18: total output active power, W.
            total_output_active_power: Decimal => Dec,
            /// 19: total AC output percentage, %.
            total_ac_output_percent: Decimal => Dec,
            /// 20: status bits b7..b0.
            status: ParallelStatusBits => Bits<ParallelStatusBits, 8>,
            /// 21: output mode (one unit reports 5, outside the table).
            output_mode: OutputMode => Code<OutputMode, 1>,
            /// 22: charger source priority.
            charger_source_priority: ChargerSource => Code<ChargerSource, 1>,
            /// 23: max charger current, A.
            max_charger_current: Decimal => Dec,
            /// 24: max charger range, A.
            max_charger_range: Decimal => Dec,
            /// 25: max AC charger current, A.
            max_ac_charger_current: Decimal => Dec,
            /// 26: PV input current for battery, A.
            pv_input_current: Decimal => Dec,
            /// 27: battery discharge current, A.
            battery_discharge_current: Decimal => Dec,
        }
        optional {}
    }
}
