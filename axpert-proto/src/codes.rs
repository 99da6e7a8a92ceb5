//! The protocol document's code tables as total enums: a code nobody has
//! documented decodes as `Unknown(raw)` and encodes back to the same code.

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident: $raw:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code the protocol document does not list.
            Unknown($raw),
        }

        impl $name {
            /// The variant for a code.
            pub const fn from_code(code: $raw) -> Self {
                match code {
                    $( $code => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }

            /// The code on the wire.
            pub const fn code(self) -> $raw {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Unknown(other) => other,
                }
            }

            /// Whether the code is one the protocol document lists.
            pub const fn is_known(self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl crate::codes::CodeTable for $name {
            fn from_u32(v: u32) -> Option<Self> {
                <$raw>::try_from(v).ok().map(Self::from_code)
            }
            fn to_u32(self) -> u32 {
                u32::from(self.code())
            }
        }
    };
}

/// A code table: conversion from and to the number on the wire.
pub trait CodeTable: Sized + Copy {
    /// The variant for a number, `None` when it does not fit the raw type.
    fn from_u32(v: u32) -> Option<Self>;
    /// The number on the wire.
    fn to_u32(self) -> u32;
}

code_enum! {
    /// Battery type (QPIRI field 13, QDI field 12, `PBT`).
    BatteryType: u8 {
        /// AGM.
        Agm = 0,
        /// Flooded.
        Flooded = 1,
        /// User defined.
        User = 2,
    }
}

code_enum! {
    /// AC input voltage range (QPIRI field 16, `PGR`).
    InputRange: u8 {
        /// Appliance (wide range).
        Appliance = 0,
        /// UPS (narrow range).
        Ups = 1,
    }
}

code_enum! {
    /// Output source priority (QPIRI field 17, `POP`).
    OutputSource: u8 {
        /// Utility first.
        Utility = 0,
        /// Solar first.
        Solar = 1,
        /// Solar, battery, utility.
        Sbu = 2,
    }
}

code_enum! {
    /// Charger source priority (QPIRI field 18, `PCP`, `PPCP`).
    ChargerSource: u8 {
        /// Utility first.
        Utility = 0,
        /// Solar first.
        Solar = 1,
        /// Solar and utility.
        SolarAndUtility = 2,
        /// Solar only.
        SolarOnly = 3,
    }
}

code_enum! {
    /// Machine type (QPIRI field 20, two digits on the wire).
    MachineType: u8 {
        /// Grid-tie.
        GridTie = 0,
        /// Off-grid.
        OffGrid = 1,
        /// Hybrid (`10` on the wire).
        Hybrid = 10,
    }
}

code_enum! {
    /// Topology (QPIRI field 21).
    Topology: u8 {
        /// Transformerless.
        Transformerless = 0,
        /// With transformer.
        Transformer = 1,
    }
}

code_enum! {
    /// Output mode (QPIRI field 22, QOPM, `POPM`, QPGSn field 21).
    OutputMode: u8 {
        /// Single unit.
        Single = 0,
        /// Parallel.
        Parallel = 1,
        /// Phase 1 of a three-phase system.
        Phase1 = 2,
        /// Phase 2 of a three-phase system.
        Phase2 = 3,
        /// Phase 3 of a three-phase system.
        Phase3 = 4,
    }
}

code_enum! {
    /// Device mode letter (QMOD, QPGSn field 3). `C` and `G` occur on real
    /// units but are undocumented, so they decode as `Unknown`.
    Mode: u8 {
        /// `P`, power on.
        PowerOn = b'P',
        /// `S`, standby.
        Standby = b'S',
        /// `L`, line (grid).
        Line = b'L',
        /// `B`, battery.
        Battery = b'B',
        /// `F`, fault.
        Fault = b'F',
        /// `H`, power saving.
        PowerSaving = b'H',
    }
}

code_enum! {
    /// Model number (QGMN, docs/protocols/axpert.md §4.9).
    ModelNumber: u16 {
        /// VP-5000.
        Vp5000 = 1,
        /// VM-5000.
        Vm5000 = 2,
        /// VP-3000.
        Vp3000 = 3,
        /// VM-3000.
        Vm3000 = 4,
        /// MKS+-2000-48-LV-LY.
        MksPlus2000 = 5,
        /// MLV 3KVA (Axpert MLV 3K-24).
        Mlv3k = 6,
        /// PLV 3KVA (Axpert PLV 3K-24).
        Plv3k = 7,
        /// MKS HV 24V 3KVA (Axpert MKS 3KP).
        MksHv24v3k = 8,
        /// KS HV 24V 3KVA (Axpert KS 3KP).
        KsHv24v3k = 9,
        /// MKS HV 24V 5KVA (Axpert MKS 5KP).
        MksHv24v5k = 10,
        /// KS HV 24V 5KVA (Axpert KS 5KP).
        KsHv24v5k = 11,
        /// MKS HV 48V 4K/5KVA/64V (Axpert MKS 4K/5K 64VDC).
        MksHv48v64 = 12,
        /// KS HV 48V 4/5KVA/64V (Axpert KS 4K/5K 64VDC).
        KsHv48v64 = 13,
        /// Axpert MKS 4/5KVA.
        Mks5k = 14,
        /// Axpert KS 4/5KVA.
        Ks5k = 15,
        /// ALFA M-5000.
        AlfaM5000 = 16,
        /// ALFA P-5000.
        AlfaP5000 = 17,
        /// Axpert Plus Duo/Tri 5KVA.
        PlusDuoTri5k = 18,
    }
}

code_enum! {
    /// Fault code (QPGSn field 4, docs/protocols/axpert.md §5). `0` is no fault.
    FaultCode: u8 {
        /// No fault.
        None = 0,
        /// Fan locked.
        FanLocked = 1,
        /// Over temperature.
        OverTemperature = 2,
        /// Battery voltage too high.
        BatteryVoltageHigh = 3,
        /// Battery voltage too low.
        BatteryVoltageLow = 4,
        /// Output short-circuited or over temperature.
        OutputShort = 5,
        /// Output voltage too high.
        OutputVoltageHigh = 6,
        /// Overload time-out.
        OverloadTimeout = 7,
        /// Bus voltage too high.
        BusVoltageHigh = 8,
        /// Bus soft start failed.
        BusSoftStartFailed = 9,
        /// Main relay failed.
        MainRelayFailed = 11,
        /// Inverter over current.
        InverterOverCurrent = 51,
        /// Bus soft start failed.
        BusSoftStartFailed2 = 52,
        /// Inverter soft start failed.
        InverterSoftStartFailed = 53,
        /// Self-test failed.
        SelfTestFailed = 54,
        /// Over DC voltage on inverter output.
        OutputDcOverVoltage = 55,
        /// Battery connection open.
        BatteryOpen = 56,
        /// Current sensor failed.
        CurrentSensorFailed = 57,
        /// Output voltage too low.
        OutputVoltageLow = 58,
        /// Inverter negative power.
        InverterNegativePower = 60,
        /// Parallel version different.
        ParallelVersionDifferent = 71,
        /// Output circuit failed.
        OutputCircuitFailed = 72,
        /// CAN communication failed.
        CanFailed = 80,
        /// Parallel host line lost.
        ParallelHostLineLost = 81,
        /// Parallel synchronized signal lost.
        ParallelSyncLost = 82,
        /// Parallel battery voltage detected different.
        ParallelBatteryVoltageDifferent = 83,
        /// Parallel line voltage or frequency detected different.
        ParallelLineDifferent = 84,
        /// Parallel line input current unbalanced.
        ParallelCurrentUnbalanced = 85,
        /// Parallel output setting different.
        ParallelOutputSettingDifferent = 86,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_round_trip() {
        assert_eq!(Mode::from_code(b'C'), Mode::Unknown(b'C'));
        assert_eq!(Mode::from_code(b'C').code(), b'C');
        assert_eq!(Mode::from_code(b'B'), Mode::Battery);
        assert_eq!(ModelNumber::from_code(44), ModelNumber::Unknown(44));
        assert_eq!(ModelNumber::from_code(12), ModelNumber::MksHv48v64);
        assert_eq!(MachineType::from_code(10), MachineType::Hybrid);
        assert_eq!(OutputMode::from_code(6).code(), 6);
        assert!(!ChargerSource::from_code(4).is_known());
    }
}
