//! QBEQI, battery equalization status (docs/protocols/axpert.md §4.8).

use super::fields::{Bit, Dec, record};
use crate::Decimal;

record! {
    /// QBEQI reply.
    pub struct Equalization {
        required {
            /// 1: equalization enabled.
            enabled: bool => Bit,
            /// 2: equalization time, min.
            time: Decimal => Dec,
            /// 3: period, days.
            period: Decimal => Dec,
            /// 4: max current, A.
            max_current: Decimal => Dec,
            /// 5: reserved.
            reserved_5: Decimal => Dec,
            /// 6: equalization voltage, V.
            voltage: Decimal => Dec,
            /// 7: reserved.
            reserved_7: Decimal => Dec,
            /// 8: over-time, min.
            over_time: Decimal => Dec,
            /// 9: equalization active now.
            active: bool => Bit,
            /// 10: reserved.
            reserved_10: Decimal => Dec,
        }
        optional {}
    }
}
