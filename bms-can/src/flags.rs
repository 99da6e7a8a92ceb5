//! Flag words: 0x359 protection and warning bits, 0x35C requests, and the
//! 2-bit states of 0x35A.

use bitflags::bitflags;

bitflags! {
    /// 0x359 bytes 0–3 read as one little-endian u32 (Pylon V1.2).
    ///
    /// Bits 0–15 are protections, 16–31 warnings. The "system error" and
    /// "internal communication" bits are disputed between sources (byte 1
    /// bit 3 vs bit 7, byte 3 bit 3 vs bit 7): both readings are named, and
    /// every other bit is kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Protection: u32 {
        /// Byte 0 bit 1: cell or module over-voltage protection.
        const OVER_VOLTAGE = 1 << 1;
        /// Byte 0 bit 2: under-voltage protection.
        const UNDER_VOLTAGE = 1 << 2;
        /// Byte 0 bit 3: over-temperature protection.
        const OVER_TEMPERATURE = 1 << 3;
        /// Byte 0 bit 4: under-temperature protection.
        const UNDER_TEMPERATURE = 1 << 4;
        /// Byte 0 bit 7: discharge over-current protection.
        const DISCHARGE_OVER_CURRENT = 1 << 7;
        /// Byte 1 bit 0: charge over-current protection.
        const CHARGE_OVER_CURRENT = 1 << 8;
        /// Byte 1 bit 3: system error (OpenDTU, diyBMS, the plewka DBC).
        const SYSTEM_ERROR = 1 << 11;
        /// Byte 1 bit 7: system error as Battery-Emulator and ArminJo read it.
        const SYSTEM_ERROR_ALT = 1 << 15;
        /// Byte 2 bit 1: high-voltage warning.
        const HIGH_VOLTAGE_WARNING = 1 << 17;
        /// Byte 2 bit 2: low-voltage warning.
        const LOW_VOLTAGE_WARNING = 1 << 18;
        /// Byte 2 bit 3: high-temperature warning.
        const HIGH_TEMPERATURE_WARNING = 1 << 19;
        /// Byte 2 bit 4: low-temperature warning.
        const LOW_TEMPERATURE_WARNING = 1 << 20;
        /// Byte 2 bit 7: discharge high-current warning.
        const DISCHARGE_HIGH_CURRENT_WARNING = 1 << 23;
        /// Byte 3 bit 0: charge high-current warning.
        const CHARGE_HIGH_CURRENT_WARNING = 1 << 24;
        /// Byte 3 bit 3: internal communication fail warning.
        const COMMUNICATION_WARNING = 1 << 27;
        /// Byte 3 bit 7: internal communication fail, the other reading.
        const COMMUNICATION_WARNING_ALT = 1 << 31;
        /// Keep every other bit.
        const _ = !0;
    }
}

impl Protection {
    /// The protection bits (bytes 0–1).
    pub fn protections(self) -> Protection {
        self & Protection::from_bits_retain(0x0000_FFFF)
    }

    /// The warning bits (bytes 2–3).
    pub fn warnings(self) -> Protection {
        self & Protection::from_bits_retain(0xFFFF_0000)
    }
}

bitflags! {
    /// 0x35C byte 0: what the battery asks of the inverter.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Requests: u8 {
        /// Bit 7: charging allowed.
        const CHARGE_ENABLE = 1 << 7;
        /// Bit 6: discharging allowed.
        const DISCHARGE_ENABLE = 1 << 6;
        /// Bit 5: request force charge I ("charge immediately").
        const FORCE_CHARGE_1 = 1 << 5;
        /// Bit 4: request force charge II (Pytes: SOC below 10 %).
        const FORCE_CHARGE_2 = 1 << 4;
        /// Bit 3: request full charge (periodic calibration).
        const FULL_CHARGE = 1 << 3;
        /// Keep bits 0–2.
        const _ = !0;
    }
}

/// A 2-bit state of 0x35A, read LSB first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Level {
    /// 0: not supported.
    NotSupported,
    /// 1: active.
    Active,
    /// 2: OK.
    Ok,
    /// 3: reserved.
    Reserved,
}

impl Level {
    /// The level of two bits.
    pub const fn from_bits(b: u8) -> Self {
        match b & 0b11 {
            0 => Level::NotSupported,
            1 => Level::Active,
            2 => Level::Ok,
            _ => Level::Reserved,
        }
    }

    /// The two bits.
    pub const fn bits(self) -> u8 {
        match self {
            Level::NotSupported => 0,
            Level::Active => 1,
            Level::Ok => 2,
            Level::Reserved => 3,
        }
    }
}

/// A field of 0x35A; each exists once as an alarm (bytes 0–3) and once as
/// a warning (bytes 4–7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Condition {
    /// Byte 0 bits 1:0: general.
    General,
    /// Byte 0 bits 3:2: high battery voltage.
    HighVoltage,
    /// Byte 0 bits 5:4: low battery voltage.
    LowVoltage,
    /// Byte 0 bits 7:6: high temperature.
    HighTemperature,
    /// Byte 1 bits 1:0: low temperature.
    LowTemperature,
    /// Byte 1 bits 3:2: high temperature while charging.
    HighTemperatureCharge,
    /// Byte 1 bits 5:4: low temperature while charging.
    LowTemperatureCharge,
    /// Byte 1 bits 7:6: high discharge current.
    HighDischargeCurrent,
    /// Byte 2 bits 1:0: high charge current.
    HighChargeCurrent,
    /// Byte 2 bits 3:2: contactor.
    Contactor,
    /// Byte 2 bits 5:4: short circuit.
    ShortCircuit,
    /// Byte 2 bits 7:6: BMS internal.
    BmsInternal,
    /// Byte 3 bits 1:0: cell imbalance.
    CellImbalance,
}

impl Condition {
    /// Every condition, in wire order.
    pub const ALL: [Condition; 13] = [
        Condition::General,
        Condition::HighVoltage,
        Condition::LowVoltage,
        Condition::HighTemperature,
        Condition::LowTemperature,
        Condition::HighTemperatureCharge,
        Condition::LowTemperatureCharge,
        Condition::HighDischargeCurrent,
        Condition::HighChargeCurrent,
        Condition::Contactor,
        Condition::ShortCircuit,
        Condition::BmsInternal,
        Condition::CellImbalance,
    ];

    /// Position of the field: 2-bit slot `n` is byte `n / 4`, bits `2 * (n % 4)`.
    const fn slot(self) -> u32 {
        self as u32
    }

    /// A plain `snake_case` name.
    pub const fn name(self) -> &'static str {
        match self {
            Condition::General => "general",
            Condition::HighVoltage => "high_voltage",
            Condition::LowVoltage => "low_voltage",
            Condition::HighTemperature => "high_temperature",
            Condition::LowTemperature => "low_temperature",
            Condition::HighTemperatureCharge => "high_temperature_charge",
            Condition::LowTemperatureCharge => "low_temperature_charge",
            Condition::HighDischargeCurrent => "high_discharge_current",
            Condition::HighChargeCurrent => "high_charge_current",
            Condition::Contactor => "contactor",
            Condition::ShortCircuit => "short_circuit",
            Condition::BmsInternal => "bms_internal",
            Condition::CellImbalance => "cell_imbalance",
        }
    }
}

/// 0x35A: alarm and warning states (SMA / Victron / Pylon V1.3), as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Alarms {
    /// Bytes 0–7, little-endian (byte 0 in the low bits).
    pub raw: u64,
    /// Data length (7 or 8 on real buses).
    pub len: u8,
}

impl Alarms {
    /// All conditions at `level`, 8 bytes (`AA AA AA 02 AA AA AA 02` for OK).
    pub fn all(level: Level) -> Self {
        let mut a = Alarms { raw: 0, len: 8 };
        for c in Condition::ALL {
            a.set_alarm(c, level);
            a.set_warning(c, level);
        }
        a
    }

    fn get(&self, slot: u32) -> Level {
        Level::from_bits((self.raw >> (2 * slot)) as u8)
    }

    fn set(&mut self, slot: u32, level: Level) {
        self.raw = (self.raw & !(0b11 << (2 * slot))) | (u64::from(level.bits()) << (2 * slot));
    }

    /// The alarm state of `c`.
    pub fn alarm(&self, c: Condition) -> Level {
        self.get(c.slot())
    }

    /// The warning state of `c`.
    pub fn warning(&self, c: Condition) -> Level {
        self.get(c.slot() + 16)
    }

    /// Sets the alarm state of `c`.
    pub fn set_alarm(&mut self, c: Condition, level: Level) {
        self.set(c.slot(), level);
    }

    /// Sets the warning state of `c`.
    pub fn set_warning(&mut self, c: Condition, level: Level) {
        self.set(c.slot() + 16, level);
    }

    /// The conditions whose alarm is active.
    pub fn active_alarms(&self) -> impl Iterator<Item = Condition> + '_ {
        Condition::ALL
            .into_iter()
            .filter(|c| self.alarm(*c) == Level::Active)
    }

    /// Alarms and warnings that mirror 0x359's flags: a named protection
    /// sets its alarm active, a named warning its warning; everything else
    /// reads OK. Emitters use it to send V1.3 frames from V1.2 state.
    pub fn from_protection(p: Protection) -> Self {
        let mut a = Alarms::all(Level::Ok);
        let map = [
            (
                Protection::OVER_VOLTAGE,
                Protection::HIGH_VOLTAGE_WARNING,
                Condition::HighVoltage,
            ),
            (
                Protection::UNDER_VOLTAGE,
                Protection::LOW_VOLTAGE_WARNING,
                Condition::LowVoltage,
            ),
            (
                Protection::OVER_TEMPERATURE,
                Protection::HIGH_TEMPERATURE_WARNING,
                Condition::HighTemperature,
            ),
            (
                Protection::UNDER_TEMPERATURE,
                Protection::LOW_TEMPERATURE_WARNING,
                Condition::LowTemperature,
            ),
            (
                Protection::DISCHARGE_OVER_CURRENT,
                Protection::DISCHARGE_HIGH_CURRENT_WARNING,
                Condition::HighDischargeCurrent,
            ),
            (
                Protection::CHARGE_OVER_CURRENT,
                Protection::CHARGE_HIGH_CURRENT_WARNING,
                Condition::HighChargeCurrent,
            ),
            (
                Protection::SYSTEM_ERROR,
                Protection::COMMUNICATION_WARNING,
                Condition::BmsInternal,
            ),
        ];
        for (alarm, warning, c) in map {
            if p.contains(alarm) {
                a.set_alarm(c, Level::Active);
            }
            if p.contains(warning) {
                a.set_warning(c, Level::Active);
            }
        }
        if !p.protections().is_empty() {
            a.set_alarm(Condition::General, Level::Active);
        }
        a
    }
}

#[cfg(feature = "defmt")]
macro_rules! flags_defmt {
    ($($t:ty),*) => {$(
        impl defmt::Format for $t {
            fn format(&self, f: defmt::Formatter) {
                defmt::write!(f, "{}({=u32:#x})", stringify!($t), u32::from(self.bits()))
            }
        }
    )*};
}

#[cfg(feature = "defmt")]
flags_defmt!(Protection, Requests);

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Named flags to booleans, plus the raw word.
    fn flags<S: Serializer, F: bitflags::Flags>(f: &F, raw: u64, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for flag in F::FLAGS.iter().filter(|x| x.is_named()) {
            let mut name = [0u8; 40];
            let n = flag.name().len().min(40);
            for (d, c) in name.iter_mut().zip(flag.name().bytes()) {
                *d = c.to_ascii_lowercase();
            }
            let key = core::str::from_utf8(name.get(..n).unwrap_or_default()).unwrap_or_default();
            m.serialize_entry(key, &f.contains(F::from_bits_retain(flag.value().bits())))?;
        }
        m.serialize_entry("raw", &raw)?;
        m.end()
    }

    #[derive(Deserialize)]
    struct Raw<T> {
        raw: T,
    }

    impl Serialize for Protection {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            flags(self, u64::from(self.bits()), s)
        }
    }

    impl<'de> Deserialize<'de> for Protection {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Raw::<u32>::deserialize(d).map(|r| Protection::from_bits_retain(r.raw))
        }
    }

    impl Serialize for Requests {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            flags(self, u64::from(self.bits()), s)
        }
    }

    impl<'de> Deserialize<'de> for Requests {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Raw::<u8>::deserialize(d).map(|r| Requests::from_bits_retain(r.raw))
        }
    }

    impl Serialize for Alarms {
        /// `{"alarms": {"general": "ok", ...}, "warnings": {...}, "raw": ..., "len": 8}`.
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            struct Part<'a>(&'a Alarms, bool);
            impl Serialize for Part<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut m = s.serialize_map(Some(Condition::ALL.len()))?;
                    for c in Condition::ALL {
                        let l = if self.1 {
                            self.0.warning(c)
                        } else {
                            self.0.alarm(c)
                        };
                        m.serialize_entry(c.name(), &l)?;
                    }
                    m.end()
                }
            }
            let mut m = s.serialize_map(Some(4))?;
            m.serialize_entry("alarms", &Part(self, false))?;
            m.serialize_entry("warnings", &Part(self, true))?;
            m.serialize_entry("raw", &self.raw)?;
            m.serialize_entry("len", &self.len)?;
            m.end()
        }
    }

    impl<'de> Deserialize<'de> for Alarms {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            #[derive(Deserialize)]
            struct A {
                raw: u64,
                len: u8,
            }
            A::deserialize(d).map(|a| Alarms {
                raw: a.raw,
                len: a.len,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_aa_reads_all_ok() {
        let a = Alarms {
            raw: u64::from_le_bytes([0xAA, 0xAA, 0xAA, 0x02, 0xAA, 0xAA, 0xAA, 0x02]),
            len: 8,
        };
        for c in Condition::ALL {
            assert_eq!((a.alarm(c), a.warning(c)), (Level::Ok, Level::Ok), "{c:?}");
        }
        assert_eq!(Alarms::all(Level::Ok), a);
    }

    #[test]
    fn high_voltage_sits_at_bits_3_2() {
        let mut a = Alarms::all(Level::Ok);
        a.set_alarm(Condition::HighVoltage, Level::Active);
        assert_eq!(a.raw.to_le_bytes()[0], 0b1010_0110);
        assert_eq!(
            a.active_alarms().collect::<std::vec::Vec<_>>(),
            [Condition::HighVoltage]
        );
    }

    #[test]
    fn protection_maps_to_alarms() {
        let a =
            Alarms::from_protection(Protection::OVER_TEMPERATURE | Protection::LOW_VOLTAGE_WARNING);
        assert_eq!(a.alarm(Condition::HighTemperature), Level::Active);
        assert_eq!(a.alarm(Condition::General), Level::Active);
        assert_eq!(a.warning(Condition::LowVoltage), Level::Active);
        assert_eq!(a.alarm(Condition::LowVoltage), Level::Ok);
        assert_eq!(
            Alarms::from_protection(Protection::empty()),
            Alarms::all(Level::Ok)
        );
    }
    extern crate std;
}
