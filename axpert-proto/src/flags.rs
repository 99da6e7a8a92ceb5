//! Bit sets of the protocol: QFLAG letters, QPIWS warnings, QPIGS and
//! QPGSn status bits.

use bitflags::bitflags;

bitflags! {
    /// Setting letters of QFLAG, `PE` and `PD`: bit `n` is the letter `'a' + n`.
    ///
    /// Letters the document does not list (`d`, `g`, `l`, `n` occur on real
    /// units) are kept as unnamed bits.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct FlagSet: u32 {
        /// `a`, buzzer.
        const BUZZER = 1 << 0;
        /// `b`, overload bypass.
        const OVERLOAD_BYPASS = 1 << 1;
        /// `j`, power saving.
        const POWER_SAVING = 1 << 9;
        /// `k`, LCD returns to the default page after 1 minute.
        const LCD_RETURN_DEFAULT = 1 << 10;
        /// `u`, overload restart.
        const OVERLOAD_RESTART = 1 << 20;
        /// `v`, over-temperature restart.
        const OVER_TEMPERATURE_RESTART = 1 << 21;
        /// `x`, backlight.
        const BACKLIGHT = 1 << 23;
        /// `y`, alarm on primary-source interrupt.
        const PRIMARY_SOURCE_ALARM = 1 << 24;
        /// `z`, fault-code record.
        const FAULT_RECORD = 1 << 25;
        /// Keep every other letter.
        const _ = !0;
    }
}

impl FlagSet {
    /// The flag of a lower-case letter, or `None` for anything else.
    pub const fn from_letter(letter: u8) -> Option<Self> {
        if letter.is_ascii_lowercase() {
            Some(FlagSet::from_bits_retain(1 << (letter - b'a')))
        } else {
            None
        }
    }

    /// The letters, in alphabetical order.
    pub fn letters(self) -> impl Iterator<Item = u8> {
        (0..26u8)
            .filter(move |i| self.bits() & (1 << i) != 0)
            .map(|i| b'a' + i)
    }

    /// Whether every letter is one the document lists (settable with `PE`/`PD`).
    pub const fn is_documented(self) -> bool {
        FlagSet::all_documented().contains(self)
    }

    /// Every letter the document lists.
    pub const fn all_documented() -> Self {
        FlagSet::from_bits_retain(
            FlagSet::BUZZER.bits()
                | FlagSet::OVERLOAD_BYPASS.bits()
                | FlagSet::POWER_SAVING.bits()
                | FlagSet::LCD_RETURN_DEFAULT.bits()
                | FlagSet::OVERLOAD_RESTART.bits()
                | FlagSet::OVER_TEMPERATURE_RESTART.bits()
                | FlagSet::BACKLIGHT.bits()
                | FlagSet::PRIMARY_SOURCE_ALARM.bits()
                | FlagSet::FAULT_RECORD.bits(),
        )
    }
}

bitflags! {
    /// QPIWS warning and fault bits; bit `n` is position `a<n>`.
    ///
    /// Positions past a31 (36-position replies) are kept as bits 32 and up.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Warnings: u64 {
        /// a1, inverter fault.
        const INVERTER_FAULT = 1 << 1;
        /// a2, bus over.
        const BUS_OVER = 1 << 2;
        /// a3, bus under.
        const BUS_UNDER = 1 << 3;
        /// a4, bus soft fail.
        const BUS_SOFT_FAIL = 1 << 4;
        /// a5, line fail.
        const LINE_FAIL = 1 << 5;
        /// a6, OPV short.
        const OPV_SHORT = 1 << 6;
        /// a7, inverter voltage too low.
        const INVERTER_VOLTAGE_LOW = 1 << 7;
        /// a8, inverter voltage too high.
        const INVERTER_VOLTAGE_HIGH = 1 << 8;
        /// a9, over temperature (a fault when a1 is set).
        const OVER_TEMPERATURE = 1 << 9;
        /// a10, fan locked (a fault when a1 is set).
        const FAN_LOCKED = 1 << 10;
        /// a11, battery voltage high (a fault when a1 is set).
        const BATTERY_VOLTAGE_HIGH = 1 << 11;
        /// a12, battery low alarm.
        const BATTERY_LOW = 1 << 12;
        /// a13, overcharge.
        const OVERCHARGE = 1 << 13;
        /// a14, battery under shutdown.
        const BATTERY_UNDER_SHUTDOWN = 1 << 14;
        /// a15, battery derating.
        const BATTERY_DERATING = 1 << 15;
        /// a16, over load (a fault when a1 is set).
        const OVER_LOAD = 1 << 16;
        /// a17, EEPROM fault.
        const EEPROM_FAULT = 1 << 17;
        /// a18, inverter over current.
        const INVERTER_OVER_CURRENT = 1 << 18;
        /// a19, inverter soft fail.
        const INVERTER_SOFT_FAIL = 1 << 19;
        /// a20, self test fail.
        const SELF_TEST_FAIL = 1 << 20;
        /// a21, OP DC voltage over.
        const OP_DC_VOLTAGE_OVER = 1 << 21;
        /// a22, battery open.
        const BATTERY_OPEN = 1 << 22;
        /// a23, current sensor fail.
        const CURRENT_SENSOR_FAIL = 1 << 23;
        /// a24, battery short.
        const BATTERY_SHORT = 1 << 24;
        /// a25, power limit.
        const POWER_LIMIT = 1 << 25;
        /// a26, PV voltage high.
        const PV_VOLTAGE_HIGH = 1 << 26;
        /// a27, MPPT overload fault.
        const MPPT_OVERLOAD_FAULT = 1 << 27;
        /// a28, MPPT overload warning.
        const MPPT_OVERLOAD_WARNING = 1 << 28;
        /// a29, battery too low to charge.
        const BATTERY_TOO_LOW_TO_CHARGE = 1 << 29;
        /// Keep reserved and extra positions.
        const _ = !0;
    }
}

impl Warnings {
    /// Bits the document classes as faults whatever a1 says.
    const ALWAYS_FAULT: Warnings = Warnings::from_bits_retain(
        Warnings::INVERTER_FAULT.bits()
            | Warnings::BUS_OVER.bits()
            | Warnings::BUS_UNDER.bits()
            | Warnings::BUS_SOFT_FAIL.bits()
            | Warnings::INVERTER_VOLTAGE_LOW.bits()
            | Warnings::INVERTER_VOLTAGE_HIGH.bits()
            | Warnings::OVERCHARGE.bits()
            | Warnings::INVERTER_OVER_CURRENT.bits()
            | Warnings::INVERTER_SOFT_FAIL.bits()
            | Warnings::SELF_TEST_FAIL.bits()
            | Warnings::OP_DC_VOLTAGE_OVER.bits()
            | Warnings::BATTERY_OPEN.bits()
            | Warnings::CURRENT_SENSOR_FAIL.bits()
            | Warnings::BATTERY_SHORT.bits(),
    );

    /// Bits that are faults when a1 (inverter fault) is set, warnings otherwise.
    const FAULT_WITH_A1: Warnings = Warnings::from_bits_retain(
        Warnings::OVER_TEMPERATURE.bits()
            | Warnings::FAN_LOCKED.bits()
            | Warnings::BATTERY_VOLTAGE_HIGH.bits()
            | Warnings::OVER_LOAD.bits(),
    );

    /// The set bits that are faults, by the document's classes (docs/protocols/axpert.md §4.3).
    pub fn faults(self) -> Warnings {
        let mut f = self & Self::ALWAYS_FAULT;
        if self.contains(Warnings::INVERTER_FAULT) {
            f |= self & Self::FAULT_WITH_A1;
        }
        f
    }

    /// The set bits that are warnings, not faults (reserved bits excluded).
    pub fn warnings(self) -> Warnings {
        (self & Warnings::all_named()).difference(self.faults())
    }

    /// a1..=a29, the positions the document names.
    fn all_named() -> Warnings {
        Warnings::from_bits_retain(0x3FFF_FFFE)
    }
}

bitflags! {
    /// QPIGS device status, field 17 (`b7..b0`, b7 first on the wire).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DeviceStatus: u8 {
        /// b0, AC charging on.
        const AC_CHARGING = 1 << 0;
        /// b1, SCC charging on.
        const SCC_CHARGING = 1 << 1;
        /// b2, charging on.
        const CHARGING = 1 << 2;
        /// b3, battery voltage steady while charging.
        const BATTERY_VOLTAGE_STEADY = 1 << 3;
        /// b4, load on.
        const LOAD_ON = 1 << 4;
        /// b5, SCC firmware updated.
        const SCC_FIRMWARE_UPDATED = 1 << 5;
        /// b6, configuration changed.
        const CONFIGURATION_CHANGED = 1 << 6;
        /// b7, SBU priority version.
        const SBU_PRIORITY_VERSION = 1 << 7;
    }
}

bitflags! {
    /// QPIGS device status, field 21 (`b10b9b8`, b10 first on the wire):
    /// bit 0 here is b8.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct DeviceStatusHigh: u8 {
        /// b8, dustproof kit installed (V series).
        const DUSTPROOF_INSTALLED = 1 << 0;
        /// b9, switch on.
        const SWITCH_ON = 1 << 1;
        /// b10, charging to float.
        const CHARGING_TO_FLOAT = 1 << 2;
    }
}

bitflags! {
    /// QPGSn status bits (field 20, b7..b0). Bits b4b3 are the battery
    /// state, read with [`ParallelStatusBits::battery`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ParallelStatusBits: u8 {
        /// b0, configuration changed.
        const CONFIGURATION_CHANGED = 1 << 0;
        /// b1, load on.
        const LOAD_ON = 1 << 1;
        /// b2, line loss.
        const LINE_LOSS = 1 << 2;
        /// b3, low bit of the battery state.
        const BATTERY_LOW_BIT = 1 << 3;
        /// b4, high bit of the battery state.
        const BATTERY_HIGH_BIT = 1 << 4;
        /// b5, SCC charging.
        const SCC_CHARGING = 1 << 5;
        /// b6, AC charging.
        const AC_CHARGING = 1 << 6;
        /// b7, SCC OK.
        const SCC_OK = 1 << 7;
    }
}

/// Battery state of QPGSn status bits b4b3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BatteryState {
    /// `00`, normal.
    Normal,
    /// `01`, under voltage.
    Under,
    /// `10`, open.
    Open,
    /// `11`, not documented.
    Unknown,
}

impl ParallelStatusBits {
    /// The battery state of b4b3.
    pub fn battery(self) -> BatteryState {
        match (self.bits() >> 3) & 0b11 {
            0 => BatteryState::Normal,
            1 => BatteryState::Under,
            2 => BatteryState::Open,
            _ => BatteryState::Unknown,
        }
    }
}

#[cfg(feature = "defmt")]
macro_rules! flags_defmt {
    ($($t:ty),*) => {$(
        /// Formats as the raw bits, in hex.
        impl defmt::Format for $t {
            fn format(&self, f: defmt::Formatter) {
                defmt::write!(f, "{}({=u64:#x})", stringify!($t), u64::from(self.bits()))
            }
        }
    )*};
}

#[cfg(feature = "defmt")]
flags_defmt!(
    FlagSet,
    Warnings,
    DeviceStatus,
    DeviceStatusHigh,
    ParallelStatusBits
);

#[cfg(feature = "serde")]
mod serde_impl {
    //! Flag sets serialise as an object of `snake_case` flag name to bool,
    //! the form home-automation consumers want, with undocumented bits under
    //! `"other_bits"`.

    use super::*;
    use bitflags::Flags;
    use serde::{Deserializer, Serializer, de, ser::SerializeMap};

    fn write_lower<'b>(name: &str, buf: &'b mut [u8; 48]) -> &'b str {
        let n = name.len().min(buf.len());
        for (d, s) in buf.iter_mut().zip(name.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        core::str::from_utf8(buf.get(..n).unwrap_or_default()).unwrap_or_default()
    }

    pub(super) fn serialize<F, S>(flags: &F, s: S) -> Result<S::Ok, S::Error>
    where
        F: Flags,
        F::Bits: Into<u64>,
        S: Serializer,
    {
        let mut map = s.serialize_map(None)?;
        let mut named = 0u64;
        for f in F::FLAGS.iter().filter(|f| f.is_named()) {
            let mut buf = [0u8; 48];
            let bits: u64 = f.value().bits().into();
            named |= bits;
            map.serialize_entry(
                write_lower(f.name(), &mut buf),
                &flags.contains(F::from_bits_retain(f.value().bits())),
            )?;
        }
        let other = flags.bits().into() & !named;
        if other != 0 {
            map.serialize_entry("other_bits", &other)?;
        }
        map.end()
    }

    pub(super) fn deserialize<'de, F, D>(d: D) -> Result<F, D::Error>
    where
        F: Flags,
        F::Bits: TryFrom<u64>,
        D: Deserializer<'de>,
    {
        struct V<F>(core::marker::PhantomData<F>);
        impl<'de, F: Flags> de::Visitor<'de> for V<F>
        where
            F::Bits: TryFrom<u64>,
        {
            type Value = F;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("an object of flag names to booleans")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<F, A::Error> {
                let mut out = F::empty();
                while let Some(key) = map.next_key::<&str>()? {
                    if key == "other_bits" {
                        let v: u64 = map.next_value()?;
                        let bits = F::Bits::try_from(v)
                            .map_err(|_| de::Error::custom("other_bits too wide"))?;
                        out.insert(F::from_bits_retain(bits));
                        continue;
                    }
                    let on: bool = map.next_value()?;
                    let flag = F::FLAGS
                        .iter()
                        .find(|f| f.is_named() && f.name().eq_ignore_ascii_case(key))
                        .ok_or_else(|| de::Error::unknown_field(key, &[]))?;
                    if on {
                        out.insert(F::from_bits_retain(flag.value().bits()));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(core::marker::PhantomData))
    }

    macro_rules! flags_serde {
        ($($t:ty),*) => {$(
            impl serde::Serialize for $t {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    serialize(self, s)
                }
            }
            impl<'de> serde::Deserialize<'de> for $t {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    deserialize(d)
                }
            }
        )*};
    }
    flags_serde!(
        FlagSet,
        Warnings,
        DeviceStatus,
        DeviceStatusHigh,
        ParallelStatusBits
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_map_to_bits() {
        assert_eq!(FlagSet::from_letter(b'a'), Some(FlagSet::BUZZER));
        assert_eq!(FlagSet::from_letter(b'z'), Some(FlagSet::FAULT_RECORD));
        assert_eq!(FlagSet::from_letter(b'A'), None);
        let s = FlagSet::BUZZER | FlagSet::from_letter(b'l').unwrap();
        assert!(!s.is_documented());
        assert!(s.letters().eq(b"al".iter().copied()));
    }

    #[test]
    fn fault_classes_follow_a1() {
        let w = Warnings::FAN_LOCKED | Warnings::LINE_FAIL;
        assert_eq!(w.faults(), Warnings::empty());
        assert_eq!(w.warnings(), w);
        let w = w | Warnings::INVERTER_FAULT;
        assert_eq!(w.faults(), Warnings::FAN_LOCKED | Warnings::INVERTER_FAULT);
        assert_eq!(w.warnings(), Warnings::LINE_FAIL);
    }

    #[test]
    fn battery_state_bits() {
        assert_eq!(
            ParallelStatusBits::from_bits_retain(0b1010_0110).battery(),
            BatteryState::Normal
        );
        assert_eq!(
            ParallelStatusBits::from_bits_retain(0b0000_1000).battery(),
            BatteryState::Under
        );
        assert_eq!(
            ParallelStatusBits::from_bits_retain(0b0001_0000).battery(),
            BatteryState::Open
        );
    }
}
