//! Commands: every inquiry and setting of the protocol document
//! (docs/protocols/axpert.md §3), and a raw escape hatch for any other command string.
//!
//! Setting arguments are checked against the document's ranges and steps
//! before a byte is written: [`Command::encode`] refuses an out-of-range
//! value with [`Error::OutOfRange`] and writes nothing usable. Battery
//! voltage settings carry the unit's [`BatterySystem`], because the allowed
//! voltages depend on it and a wrong one damages batteries.

use core::fmt;

use crate::{
    BatteryType, ChargerSource, Decimal, Error, FlagSet, InputRange, OutputMode, OutputSource,
    Text, frame::Writer,
};

/// Capacity of a raw command string.
pub const RAW_CAPACITY: usize = 32;

/// Nominal battery voltage of the unit, which decides the allowed battery
/// voltage settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BatterySystem {
    /// 12 V unit.
    V12,
    /// 24 V unit.
    V24,
    /// 48 V unit.
    #[default]
    V48,
    /// 48 V unit of the 012/013 models (MKS/KS 64 VDC), whose bulk and float
    /// voltages go up to 64.0 V.
    V48Hv64,
}

impl BatterySystem {
    /// The system for a QPIRI battery rating voltage (12, 24 or 48 V).
    pub fn from_rating(volts: Decimal) -> Option<Self> {
        match volts.at_scale(0)? {
            12 => Some(BatterySystem::V12),
            24 => Some(BatterySystem::V24),
            48 => Some(BatterySystem::V48),
            _ => None,
        }
    }
}

/// An inquiry: a `Q` command whose reply is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Inquiry {
    /// `QPI`, protocol id (`PI30`).
    ProtocolId,
    /// `QID`, serial number.
    SerialNumber,
    /// `QSID`, serial number with its valid length.
    SerialId,
    /// `QVFW`, main CPU firmware version.
    Firmware,
    /// `QVFW2`, second CPU firmware version.
    Firmware2,
    /// `QPIRI`, rated information.
    RatedInfo,
    /// `QFLAG`, enabled and disabled settings.
    Flags,
    /// `QPIGS`, general status.
    GeneralStatus,
    /// `QPGSn`, status of parallel unit n (0..=9).
    ParallelStatus(u8),
    /// `QMOD`, device mode.
    Mode,
    /// `QPIWS`, warning status.
    Warnings,
    /// `QDI`, default settings.
    Defaults,
    /// `QMCHGCR`, selectable max charging currents.
    ChargingCurrents,
    /// `QMUCHGCR`, selectable max utility charging currents.
    UtilityChargingCurrents,
    /// `QOPM`, output mode.
    OutputMode,
    /// `QMN`, model name.
    ModelName,
    /// `QGMN`, model number.
    ModelNumber,
    /// `QBEQI`, battery equalization status.
    Equalization,
}

impl Inquiry {
    /// Every inquiry (with unit 0 for `QPGSn`).
    pub const ALL: [Inquiry; 18] = [
        Inquiry::ProtocolId,
        Inquiry::SerialNumber,
        Inquiry::SerialId,
        Inquiry::Firmware,
        Inquiry::Firmware2,
        Inquiry::RatedInfo,
        Inquiry::Flags,
        Inquiry::GeneralStatus,
        Inquiry::ParallelStatus(0),
        Inquiry::Mode,
        Inquiry::Warnings,
        Inquiry::Defaults,
        Inquiry::ChargingCurrents,
        Inquiry::UtilityChargingCurrents,
        Inquiry::OutputMode,
        Inquiry::ModelName,
        Inquiry::ModelNumber,
        Inquiry::Equalization,
    ];

    /// The command name (`QPGS` for `QPGSn`, without its unit digit).
    pub const fn name(self) -> &'static str {
        match self {
            Inquiry::ProtocolId => "QPI",
            Inquiry::SerialNumber => "QID",
            Inquiry::SerialId => "QSID",
            Inquiry::Firmware => "QVFW",
            Inquiry::Firmware2 => "QVFW2",
            Inquiry::RatedInfo => "QPIRI",
            Inquiry::Flags => "QFLAG",
            Inquiry::GeneralStatus => "QPIGS",
            Inquiry::ParallelStatus(_) => "QPGS",
            Inquiry::Mode => "QMOD",
            Inquiry::Warnings => "QPIWS",
            Inquiry::Defaults => "QDI",
            Inquiry::ChargingCurrents => "QMCHGCR",
            Inquiry::UtilityChargingCurrents => "QMUCHGCR",
            Inquiry::OutputMode => "QOPM",
            Inquiry::ModelName => "QMN",
            Inquiry::ModelNumber => "QGMN",
            Inquiry::Equalization => "QBEQI",
        }
    }

    /// This inquiry's bit in a [`CommandSet`](crate::CommandSet): its
    /// place in [`ALL`](Self::ALL) (`QPGSn` for every unit).
    pub const fn bit(self) -> crate::CommandSet {
        1 << match self {
            Inquiry::ProtocolId => 0,
            Inquiry::SerialNumber => 1,
            Inquiry::SerialId => 2,
            Inquiry::Firmware => 3,
            Inquiry::Firmware2 => 4,
            Inquiry::RatedInfo => 5,
            Inquiry::Flags => 6,
            Inquiry::GeneralStatus => 7,
            Inquiry::ParallelStatus(_) => 8,
            Inquiry::Mode => 9,
            Inquiry::Warnings => 10,
            Inquiry::Defaults => 11,
            Inquiry::ChargingCurrents => 12,
            Inquiry::UtilityChargingCurrents => 13,
            Inquiry::OutputMode => 14,
            Inquiry::ModelName => 15,
            Inquiry::ModelNumber => 16,
            Inquiry::Equalization => 17,
        }
    }

    /// The command string: the name, and `QPGSn`'s unit digit.
    /// Checks the argument: `QPGSn` has one digit, so units 0..=9 only
    /// (written as `n % 10`, unit 12 would ask unit 2).
    fn validate(self) -> Result<(), Error> {
        match self {
            Inquiry::ParallelStatus(n) => range(0, 9, 1).check("QPGS", i32::from(n), 0),
            _ => Ok(()),
        }
    }

    fn write(self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.put(self.name().as_bytes())?;
        if let Inquiry::ParallelStatus(n) = self {
            w.put(&[b'0' + n % 10])?;
        }
        Ok(())
    }

    fn from_wire(cmd: &[u8]) -> Option<Self> {
        if let [b'Q', b'P', b'G', b'S', d @ b'0'..=b'9'] = cmd {
            return Some(Inquiry::ParallelStatus(d - b'0'));
        }
        Inquiry::ALL
            .iter()
            .copied()
            .filter(|i| !matches!(i, Inquiry::ParallelStatus(_)))
            .find(|i| i.name().as_bytes() == cmd)
    }
}

/// A battery voltage argument, with the battery system it is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Volts {
    /// The unit's battery system, which decides the allowed range.
    pub system: BatterySystem,
    /// The voltage.
    pub value: Decimal,
}

/// A setting command; the unit answers `(ACK` or `(NAK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Setting {
    /// `PE<letters>`: enable settings (documented letters only).
    Enable(FlagSet),
    /// `PD<letters>`: disable settings (documented letters only).
    Disable(FlagSet),
    /// `PF`: reset all control parameters to their defaults.
    ResetDefaults,
    /// `MCHGC<nnn>`: max charging current, A (0..=999; the unit accepts only
    /// the values QMCHGCR lists).
    MaxChargingCurrent(u16),
    /// `MNCHGC<mnnn>`: max charging current of parallel unit m, A.
    MaxChargingCurrentOf {
        /// Parallel unit number, 0..=9.
        unit: u8,
        /// Current, A, 0..=999.
        amps: u16,
    },
    /// `MUCHGC<nnn>`: max utility charging current, A (0..=999; values from QMUCHGCR).
    MaxUtilityChargingCurrent(u16),
    /// `F<nn>`: output rating frequency, 50 or 60 Hz.
    OutputFrequency(u8),
    /// `POP<NN>`: output source priority.
    OutputSource(OutputSource),
    /// `PBCV<nn.n>`: battery re-charge voltage.
    RechargeVoltage(Volts),
    /// `PBDV<nn.n>`: battery re-discharge voltage; 0 means battery full.
    RedischargeVoltage(Volts),
    /// `PCP<NN>`: charger source priority.
    ChargerSource(ChargerSource),
    /// `PGR<NN>`: AC input voltage range.
    InputRange(InputRange),
    /// `PBT<NN>`: battery type (AGM or flooded).
    BatteryType(BatteryType),
    /// `POPM<nn>`: output mode.
    OutputMode(OutputMode),
    /// `PPCP<MNN>`: charger source priority of parallel unit M.
    ChargerSourceOf {
        /// Parallel unit number, 0..=9.
        unit: u8,
        /// Priority.
        source: ChargerSource,
    },
    /// `PSDV<nn.n>`: battery cut-off voltage.
    CutoffVoltage(Volts),
    /// `PCVV<nn.n>`: C.V. (bulk) charging voltage.
    BulkVoltage(Volts),
    /// `PBFT<nn.n>`: float charging voltage.
    FloatVoltage(Volts),
    /// `PPVOKC<n>`: `true` = all parallel units need PV; `false` = one is enough.
    ParallelPvOk(bool),
    /// `PSPB<n>`: `true` = PV max power is charge power plus load power.
    PvPowerBalance(bool),
    /// `PBEQE<n>`: battery equalization enabled.
    EqualizationEnabled(bool),
    /// `PBEQT<nnn>`: equalization time, 5..=900 min in steps of 5.
    EqualizationTime(u16),
    /// `PBEQP<nnn>`: equalization period, 0..=90 days.
    EqualizationPeriod(u16),
    /// `PBEQV<nn.nn>`: equalization voltage.
    EqualizationVoltage(Volts),
    /// `PBEQOT<nnn>`: equalization over-time, 5..=900 min in steps of 5.
    EqualizationOverTime(u16),
    /// `PBEQA<n>`: activate equalization now.
    EqualizationNow(bool),
    /// `PCVT<nnn>`: max C.V. stage charging time, 0..=900 min in steps of 5; 0 = automatic.
    MaxCvTime(u16),
}

/// Every setting name, longest first so prefixes match unambiguously.
const SETTING_NAMES: [&str; 28] = [
    "MUCHGC", "MNCHGC", "PBEQOT", "PPVOKC", "MCHGC", "PBEQE", "PBEQT", "PBEQP", "PBEQV", "PBEQA",
    "POPM", "PPCP", "PSDV", "PCVV", "PBFT", "PSPB", "PCVT", "PBCV", "PBDV", "POP", "PCP", "PGR",
    "PBT", "PE", "PD", "PF", "F", "",
];

/// An allowed set of values, in the argument's smallest unit.
#[derive(Clone, Copy)]
struct Rule {
    min: i32,
    max: i32,
    step: i32,
    /// Listed values, when the document lists them instead of a step.
    list: &'static [i32],
    /// Zero is allowed besides the range (PBDV `00.0`, battery full).
    zero: bool,
}

const fn range(min: i32, max: i32, step: i32) -> Rule {
    Rule {
        min,
        max,
        step,
        list: &[],
        zero: false,
    }
}

const fn list(list: &'static [i32]) -> Rule {
    Rule {
        min: 0,
        max: 0,
        step: 0,
        list,
        zero: false,
    }
}

impl Rule {
    fn check(self, command: &'static str, value: i32, scale: u8) -> Result<(), Error> {
        let ok = if self.zero && value == 0 {
            true
        } else if !self.list.is_empty() {
            self.list.contains(&value)
        } else {
            (self.min..=self.max).contains(&value) && (value - self.min) % self.step == 0
        };
        if ok {
            return Ok(());
        }
        let (min, max) = match (self.list.first(), self.list.last()) {
            (Some(&a), Some(&b)) => (a, b),
            _ => (self.min, self.max),
        };
        Err(Error::OutOfRange {
            command,
            found: value,
            min,
            max,
            step: self.step,
            scale,
        })
    }
}

impl Setting {
    /// The command name on the wire (`PBEQT`).
    pub const fn name(&self) -> &'static str {
        match self {
            Setting::Enable(_) => "PE",
            Setting::Disable(_) => "PD",
            Setting::ResetDefaults => "PF",
            Setting::MaxChargingCurrent(_) => "MCHGC",
            Setting::MaxChargingCurrentOf { .. } => "MNCHGC",
            Setting::MaxUtilityChargingCurrent(_) => "MUCHGC",
            Setting::OutputFrequency(_) => "F",
            Setting::OutputSource(_) => "POP",
            Setting::RechargeVoltage(_) => "PBCV",
            Setting::RedischargeVoltage(_) => "PBDV",
            Setting::ChargerSource(_) => "PCP",
            Setting::InputRange(_) => "PGR",
            Setting::BatteryType(_) => "PBT",
            Setting::OutputMode(_) => "POPM",
            Setting::ChargerSourceOf { .. } => "PPCP",
            Setting::CutoffVoltage(_) => "PSDV",
            Setting::BulkVoltage(_) => "PCVV",
            Setting::FloatVoltage(_) => "PBFT",
            Setting::ParallelPvOk(_) => "PPVOKC",
            Setting::PvPowerBalance(_) => "PSPB",
            Setting::EqualizationEnabled(_) => "PBEQE",
            Setting::EqualizationTime(_) => "PBEQT",
            Setting::EqualizationPeriod(_) => "PBEQP",
            Setting::EqualizationVoltage(_) => "PBEQV",
            Setting::EqualizationOverTime(_) => "PBEQOT",
            Setting::EqualizationNow(_) => "PBEQA",
            Setting::MaxCvTime(_) => "PCVT",
        }
    }

    /// The allowed voltages of a voltage setting for a battery system, in
    /// units of `10^-scale` V (scale 1, or 2 for `PBEQV`).
    ///
    /// The document gives the 48 V ranges of PSDV, PCVV, PBFT and PBEQV
    /// only (and 24 V for PBEQV); the other 12 V and 24 V ranges here are
    /// the 48 V ones scaled by the cell count, an inference. The 12 V PBDV
    /// list follows the pattern of the document's 12 V PBCV list.
    fn voltage_rule(name: &str, system: BatterySystem) -> Rule {
        use BatterySystem::*;
        let (div, hv) = match system {
            V12 => (4, false),
            V24 => (2, false),
            V48 => (1, false),
            V48Hv64 => (1, true),
        };
        match name {
            "PBCV" => match system {
                V12 => list(&[110, 113, 115, 118, 120, 123, 125, 128]),
                V24 => range(220, 255, 5),
                V48 | V48Hv64 => range(440, 510, 10),
            },
            "PBDV" => Rule {
                zero: true,
                ..match system {
                    V12 => list(&[120, 123, 125, 128, 130, 133, 135, 138, 140, 143, 145]),
                    V24 => range(240, 290, 5),
                    V48 | V48Hv64 => range(480, 580, 10),
                }
            },
            "PSDV" => range(400 / div, 480 / div, 1),
            "PCVV" | "PBFT" => range(480 / div, if hv { 640 } else { 584 / div }, 1),
            // PBEQV: 48.00..=61.00 V (VP/VM-5000), 24.00..=31.50 V (VP/VM-3000
            // and VM-3000 PLUS), both from the document; 24 V is not 48 V halved.
            _ => match system {
                V24 => range(2400, 3150, 1),
                V12 | V48 | V48Hv64 => range(4800 / div, 6100 / div, 1),
            },
        }
    }

    /// Checks the argument against the document's range and step.
    pub fn validate(&self) -> Result<(), Error> {
        let name = self.name();
        let bool_ok = |_: bool| Ok(());
        match *self {
            Setting::Enable(f) | Setting::Disable(f) => {
                if f.is_empty() {
                    return Err(Error::Flag { letter: 0 });
                }
                match f
                    .letters()
                    .find(|&l| FlagSet::from_letter(l).is_some_and(|b| !b.is_documented()))
                {
                    Some(letter) => Err(Error::Flag { letter }),
                    None if f.bits() >> 26 != 0 => Err(Error::Flag { letter: 0 }),
                    None => Ok(()),
                }
            }
            Setting::ResetDefaults => Ok(()),
            Setting::MaxChargingCurrent(a) | Setting::MaxUtilityChargingCurrent(a) => {
                range(0, 999, 1).check(name, i32::from(a), 0)
            }
            Setting::MaxChargingCurrentOf { unit, amps } => {
                range(0, 9, 1).check(name, i32::from(unit), 0)?;
                range(0, 999, 1).check(name, i32::from(amps), 0)
            }
            Setting::OutputFrequency(hz) => range(50, 60, 10).check(name, i32::from(hz), 0),
            Setting::OutputSource(s) => range(0, 2, 1).check(name, i32::from(s.code()), 0),
            Setting::ChargerSource(s) => range(0, 3, 1).check(name, i32::from(s.code()), 0),
            Setting::InputRange(r) => range(0, 1, 1).check(name, i32::from(r.code()), 0),
            Setting::BatteryType(t) => range(0, 1, 1).check(name, i32::from(t.code()), 0),
            Setting::OutputMode(m) => range(0, 4, 1).check(name, i32::from(m.code()), 0),
            Setting::ChargerSourceOf { unit, source } => {
                range(0, 9, 1).check(name, i32::from(unit), 0)?;
                range(0, 3, 1).check(name, i32::from(source.code()), 0)
            }
            Setting::RechargeVoltage(v)
            | Setting::RedischargeVoltage(v)
            | Setting::CutoffVoltage(v)
            | Setting::BulkVoltage(v)
            | Setting::FloatVoltage(v)
            | Setting::EqualizationVoltage(v) => {
                let scale = if name == "PBEQV" { 2 } else { 1 };
                let rule = Self::voltage_rule(name, v.system);
                match v.value.at_scale(scale) {
                    Some(x) => rule.check(name, x, scale),
                    // Not exact at the wire's resolution (46.05 for nn.n): report
                    // the value at a finer scale so the message shows it.
                    None => Err(Error::OutOfRange {
                        command: name,
                        found: v.value.mantissa().unwrap_or(0),
                        min: rule.list.first().copied().unwrap_or(rule.min),
                        max: rule.list.last().copied().unwrap_or(rule.max),
                        step: rule.step,
                        scale: v.value.scale(),
                    }),
                }
            }
            Setting::ParallelPvOk(b)
            | Setting::PvPowerBalance(b)
            | Setting::EqualizationEnabled(b)
            | Setting::EqualizationNow(b) => bool_ok(b),
            Setting::EqualizationTime(m) | Setting::EqualizationOverTime(m) => {
                range(5, 900, 5).check(name, i32::from(m), 0)
            }
            Setting::EqualizationPeriod(d) => range(0, 90, 1).check(name, i32::from(d), 0),
            Setting::MaxCvTime(m) => range(0, 900, 5).check(name, i32::from(m), 0),
        }
    }

    /// The command string, unchecked: the name, then the argument.
    fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.put(self.name().as_bytes())?;
        self.write_arg(w)
    }

    fn write_arg(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        let num = |w: &mut Writer<'_>, v: u16, width: u8| {
            w.display(Decimal::new(i32::from(v), 0).with_width(width))
        };
        let flag = |w: &mut Writer<'_>, b: bool| w.put(if b { b"1" } else { b"0" });
        match *self {
            Setting::Enable(f) | Setting::Disable(f) => {
                for l in f.letters() {
                    w.put(&[l])?;
                }
                Ok(())
            }
            Setting::ResetDefaults => Ok(()),
            Setting::MaxChargingCurrent(a) | Setting::MaxUtilityChargingCurrent(a) => num(w, a, 3),
            Setting::MaxChargingCurrentOf { unit, amps } => {
                num(w, u16::from(unit), 1)?;
                num(w, amps, 3)
            }
            Setting::OutputFrequency(hz) => num(w, u16::from(hz), 2),
            Setting::OutputSource(s) => num(w, u16::from(s.code()), 2),
            Setting::ChargerSource(s) => num(w, u16::from(s.code()), 2),
            Setting::InputRange(r) => num(w, u16::from(r.code()), 2),
            Setting::BatteryType(t) => num(w, u16::from(t.code()), 2),
            Setting::OutputMode(m) => num(w, u16::from(m.code()), 2),
            Setting::ChargerSourceOf { unit, source } => {
                num(w, u16::from(unit), 1)?;
                num(w, u16::from(source.code()), 2)
            }
            Setting::RechargeVoltage(v)
            | Setting::RedischargeVoltage(v)
            | Setting::CutoffVoltage(v)
            | Setting::BulkVoltage(v)
            | Setting::FloatVoltage(v) => {
                let x = v.value.at_scale(1).unwrap_or(0);
                w.display(Decimal::new(x, 1).with_width(4))
            }
            Setting::EqualizationVoltage(v) => {
                let x = v.value.at_scale(2).unwrap_or(0);
                w.display(Decimal::new(x, 2).with_width(5))
            }
            Setting::ParallelPvOk(b)
            | Setting::PvPowerBalance(b)
            | Setting::EqualizationEnabled(b)
            | Setting::EqualizationNow(b) => flag(w, b),
            Setting::EqualizationTime(m)
            | Setting::EqualizationOverTime(m)
            | Setting::EqualizationPeriod(m)
            | Setting::MaxCvTime(m) => num(w, m, 3),
        }
    }

    /// Builds a setting from its name and an argument as the wire has it.
    /// `None` when `arg` does not have the wire's form for that name.
    fn from_wire(name: &str, arg: &[u8], system: BatterySystem) -> Option<Setting> {
        let digits = |width: usize| -> Option<u16> {
            if arg.len() != width || !arg.iter().all(u8::is_ascii_digit) {
                return None;
            }
            arg.iter().try_fold(0u16, |a, &d| {
                a.checked_mul(10)?.checked_add(u16::from(d - b'0'))
            })
        };
        let bit = || match arg {
            b"0" => Some(false),
            b"1" => Some(true),
            _ => None,
        };
        let volts = |width: usize, scale: u8| -> Option<Volts> {
            let value = Decimal::parse(arg).ok()?;
            let m = value.mantissa()?;
            (arg.len() == width && value.scale() == scale && m >= 0).then_some(Volts {
                system,
                value: Decimal::new(m, scale),
            })
        };
        let unit_and = |width: usize| -> Option<(u8, u16)> {
            let (u, rest) = arg.split_first()?;
            if !u.is_ascii_digit() || rest.len() != width || !rest.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let v = rest.iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0'));
            Some((u - b'0', v))
        };
        let code = || digits(2).and_then(|v| u8::try_from(v).ok());
        Some(match name {
            "PE" | "PD" => {
                let mut f = FlagSet::empty();
                for &l in arg {
                    f |= FlagSet::from_letter(l)?;
                }
                if f.is_empty() {
                    return None;
                }
                if name == "PE" {
                    Setting::Enable(f)
                } else {
                    Setting::Disable(f)
                }
            }
            "PF" if arg.is_empty() => Setting::ResetDefaults,
            "MCHGC" => Setting::MaxChargingCurrent(digits(3)?),
            "MUCHGC" => Setting::MaxUtilityChargingCurrent(digits(3)?),
            "MNCHGC" => {
                let (unit, amps) = unit_and(3)?;
                Setting::MaxChargingCurrentOf { unit, amps }
            }
            "F" => Setting::OutputFrequency(code()?),
            "POP" => Setting::OutputSource(OutputSource::from_code(code()?)),
            "PCP" => Setting::ChargerSource(ChargerSource::from_code(code()?)),
            "PGR" => Setting::InputRange(InputRange::from_code(code()?)),
            "PBT" => Setting::BatteryType(BatteryType::from_code(code()?)),
            "POPM" => Setting::OutputMode(OutputMode::from_code(code()?)),
            "PPCP" => {
                let (unit, p) = unit_and(2)?;
                Setting::ChargerSourceOf {
                    unit,
                    source: ChargerSource::from_code(u8::try_from(p).ok()?),
                }
            }
            "PBCV" => Setting::RechargeVoltage(volts(4, 1)?),
            "PBDV" => Setting::RedischargeVoltage(volts(4, 1)?),
            "PSDV" => Setting::CutoffVoltage(volts(4, 1)?),
            "PCVV" => Setting::BulkVoltage(volts(4, 1)?),
            "PBFT" => Setting::FloatVoltage(volts(4, 1)?),
            "PBEQV" => Setting::EqualizationVoltage(volts(5, 2)?),
            "PPVOKC" => Setting::ParallelPvOk(bit()?),
            "PSPB" => Setting::PvPowerBalance(bit()?),
            "PBEQE" => Setting::EqualizationEnabled(bit()?),
            "PBEQA" => Setting::EqualizationNow(bit()?),
            "PBEQT" => Setting::EqualizationTime(digits(3)?),
            "PBEQOT" => Setting::EqualizationOverTime(digits(3)?),
            "PBEQP" => Setting::EqualizationPeriod(digits(3)?),
            "PCVT" => Setting::MaxCvTime(digits(3)?),
            _ => return None,
        })
    }
}

/// A command to send to the inverter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Command {
    /// An inquiry.
    Inquiry(Inquiry),
    /// A setting.
    Setting(Setting),
    /// Any other command string, sent as it is with a correct CRC.
    Raw(Text<RAW_CAPACITY>),
}

impl From<Inquiry> for Command {
    fn from(i: Inquiry) -> Self {
        Command::Inquiry(i)
    }
}

impl From<Setting> for Command {
    fn from(s: Setting) -> Self {
        Command::Setting(s)
    }
}

impl Command {
    /// A raw command string (`QPIGS2`, `QBOOT`).
    pub fn raw(text: &str) -> Result<Self, Error> {
        Text::from_bytes(text.as_bytes()).map(Command::Raw)
    }

    /// Checks a setting's argument, and the unit of `QPGSn` (0..=9);
    /// other inquiries pass, and raw commands unless empty (an empty
    /// string is no command: its frame would be the CRC alone, which no
    /// device reads as a command).
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Command::Inquiry(i) => i.validate(),
            Command::Setting(s) => s.validate(),
            Command::Raw(t) if t.is_empty() => Err(Error::Command { offset: 0 }),
            Command::Raw(_) => Ok(()),
        }
    }

    /// Writes the request frame (command, CRC, CR) into `buf`; returns its length.
    ///
    /// The command is validated first: an out-of-range argument (a
    /// setting's, or a `QPGSn` unit over 9) returns [`Error::OutOfRange`],
    /// an empty raw command [`Error::Command`], and `buf` holds no frame.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.encode_in::<{ crate::EVERY_COMMAND }>(buf)
    }

    /// [`encode`](Self::encode) for a link limited to the command set
    /// `SET`: a command outside it is [`Error::NotInSet`] and `buf` holds
    /// no frame. Where `SET` is a constant, the checks and encoders of the
    /// commands outside it are not linked.
    #[inline(always)]
    pub fn encode_in<const SET: crate::CommandSet>(&self, buf: &mut [u8]) -> Result<usize, Error> {
        // Each arm checks the set first: where `SET` is a constant, an arm
        // outside it returns at once and the rest of it is dead code.
        let settings = SET & crate::SETTINGS != 0;
        let mut w = Writer::new(buf);
        match self {
            Command::Inquiry(i) => {
                if SET & i.bit() == 0 {
                    return Err(Error::NotInSet { command: i.name() });
                }
                i.validate()?;
                i.write(&mut w)?;
            }
            Command::Setting(s) => {
                if !settings {
                    return Err(Error::NotInSet { command: "setting" });
                }
                s.validate()?;
                s.write(&mut w)?;
            }
            Command::Raw(t) => {
                if !settings {
                    return Err(Error::NotInSet { command: "setting" });
                }
                if t.is_empty() {
                    return Err(Error::Command { offset: 0 });
                }
                w.put(t.as_bytes())?;
            }
        }
        w.finish()
    }

    /// The command string, unchecked.
    fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        match self {
            Command::Inquiry(i) => i.write(w),
            Command::Setting(s) => s.write(w),
            Command::Raw(t) => w.put(t.as_bytes()),
        }
    }

    /// Decodes the command bytes of a request (CRC and CR already removed,
    /// as [`RequestFramer`](crate::RequestFramer) hands them over), for a
    /// unit whose battery system is `system`.
    ///
    /// A string that is no command of the document decodes as
    /// [`Command::Raw`]; a known setting with an out-of-range argument is
    /// [`Error::OutOfRange`], which a device answers with `(NAK`.
    pub fn decode(bytes: &[u8], system: BatterySystem) -> Result<Self, Error> {
        if let Some(i) = Inquiry::from_wire(bytes) {
            return Ok(Command::Inquiry(i));
        }
        for name in SETTING_NAMES.iter().filter(|n| !n.is_empty()) {
            if let Some(arg) = bytes.strip_prefix(name.as_bytes())
                && let Some(s) = Setting::from_wire(name, arg, system)
            {
                s.validate()?;
                return Ok(Command::Setting(s));
            }
        }
        Text::from_bytes(bytes).map(Command::Raw)
    }

    /// The inquiry whose reply this command asks for, if it is one.
    pub fn inquiry(&self) -> Option<Inquiry> {
        match self {
            Command::Inquiry(i) => Some(*i),
            _ => None,
        }
    }

    /// Builds a command from its name and human-written arguments, as a
    /// command line has them: `("PBCV", ["46"])`, `("pop", ["2"])`,
    /// `("PE", ["ax"])`, `("MNCHGC", ["1", "120"])`, `("QPGS", ["1"])`.
    ///
    /// Names are case-insensitive. Unknown names become raw commands when
    /// they have no arguments. The result is validated.
    pub fn from_name(name: &str, args: &[&str], system: BatterySystem) -> Result<Self, Error> {
        let mut upper = [0u8; RAW_CAPACITY];
        let up = upper
            .get_mut(..name.len())
            .ok_or(Error::Capacity { max: RAW_CAPACITY })?;
        for (d, s) in up.iter_mut().zip(name.bytes()) {
            *d = s.to_ascii_uppercase();
        }
        let name_up = core::str::from_utf8(up).map_err(|_| Error::Command { offset: 0 })?;
        let bad = |i: usize| Error::Command { offset: i + 1 };
        let arg = |i: usize| args.get(i).copied().ok_or(bad(i));
        let int = |i: usize| -> Result<u16, Error> {
            let d = Decimal::parse(arg(i)?.as_bytes()).map_err(|_| bad(i))?;
            d.to_u32().and_then(|v| u16::try_from(v).ok()).ok_or(bad(i))
        };
        let code = |i: usize| -> Result<u8, Error> { u8::try_from(int(i)?).map_err(|_| bad(i)) };
        let flag = |i: usize| match arg(i)? {
            "1" | "on" | "true" | "enable" => Ok(true),
            "0" | "off" | "false" | "disable" => Ok(false),
            _ => Err(bad(i)),
        };
        let wire_scale = if name_up == "PBEQV" { 2 } else { 1 };
        let volts = |i: usize| -> Result<Volts, Error> {
            let value = Decimal::parse(arg(i)?.as_bytes()).map_err(|_| bad(i))?;
            // Written at the wire's resolution when exact (`46` is 46.0),
            // as the device side decodes it; otherwise kept for the range check.
            let value = value
                .at_scale(wire_scale)
                .map_or(value, |x| Decimal::new(x, wire_scale));
            Ok(Volts { system, value })
        };
        let expect_args = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(bad(args.len().min(n)))
            }
        };
        if name_up == "QPGS" {
            expect_args(1)?;
            return Ok(Command::Inquiry(Inquiry::ParallelStatus(
                code(0).and_then(|u| if u <= 9 { Ok(u) } else { Err(bad(0)) })?,
            )));
        }
        if let Some(i) = Inquiry::from_wire(name_up.as_bytes()) {
            expect_args(0)?;
            return Ok(Command::Inquiry(i));
        }
        let two = matches!(name_up, "MNCHGC" | "PPCP");
        let s = match name_up {
            "PE" | "PD" => {
                expect_args(1)?;
                let mut f = FlagSet::empty();
                for l in arg(0)?.bytes() {
                    f |= FlagSet::from_letter(l).ok_or(Error::Flag { letter: l })?;
                }
                if name_up == "PE" {
                    Setting::Enable(f)
                } else {
                    Setting::Disable(f)
                }
            }
            "PF" => {
                expect_args(0)?;
                Setting::ResetDefaults
            }
            _ if SETTING_NAMES.contains(&name_up) && !name_up.is_empty() => {
                expect_args(if two { 2 } else { 1 })?;
                match name_up {
                    "MCHGC" => Setting::MaxChargingCurrent(int(0)?),
                    "MUCHGC" => Setting::MaxUtilityChargingCurrent(int(0)?),
                    "MNCHGC" => Setting::MaxChargingCurrentOf {
                        unit: code(0)?,
                        amps: int(1)?,
                    },
                    "F" => Setting::OutputFrequency(code(0)?),
                    "POP" => Setting::OutputSource(OutputSource::from_code(code(0)?)),
                    "PCP" => Setting::ChargerSource(ChargerSource::from_code(code(0)?)),
                    "PGR" => Setting::InputRange(InputRange::from_code(code(0)?)),
                    "PBT" => Setting::BatteryType(BatteryType::from_code(code(0)?)),
                    "POPM" => Setting::OutputMode(OutputMode::from_code(code(0)?)),
                    "PPCP" => Setting::ChargerSourceOf {
                        unit: code(0)?,
                        source: ChargerSource::from_code(code(1)?),
                    },
                    "PBCV" => Setting::RechargeVoltage(volts(0)?),
                    "PBDV" => Setting::RedischargeVoltage(volts(0)?),
                    "PSDV" => Setting::CutoffVoltage(volts(0)?),
                    "PCVV" => Setting::BulkVoltage(volts(0)?),
                    "PBFT" => Setting::FloatVoltage(volts(0)?),
                    "PBEQV" => Setting::EqualizationVoltage(volts(0)?),
                    "PPVOKC" => Setting::ParallelPvOk(flag(0)?),
                    "PSPB" => Setting::PvPowerBalance(flag(0)?),
                    "PBEQE" => Setting::EqualizationEnabled(flag(0)?),
                    "PBEQA" => Setting::EqualizationNow(flag(0)?),
                    "PBEQT" => Setting::EqualizationTime(int(0)?),
                    "PBEQOT" => Setting::EqualizationOverTime(int(0)?),
                    "PBEQP" => Setting::EqualizationPeriod(int(0)?),
                    _ => Setting::MaxCvTime(int(0)?),
                }
            }
            _ => {
                expect_args(0)?;
                return Command::raw(name);
            }
        };
        s.validate()?;
        Ok(Command::Setting(s))
    }
}

impl fmt::Display for Command {
    /// The command string as sent, without CRC and CR (`PBEQT030`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; RAW_CAPACITY + 8];
        let mut w = Writer::new(&mut buf);
        self.write(&mut w).map_err(|_| fmt::Error)?;
        let n = w.len();
        f.write_str(core::str::from_utf8(buf.get(..n).unwrap_or_default()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BatterySystem::*;
    extern crate std;
    use std::string::ToString;

    /// Found by fuzz/fuzz_targets/axpert_typed.rs: `QPGS12` was written as
    /// `QPGS2` (asking another unit), and an empty raw command as a CRC
    /// alone, a frame the device side cannot read as a command.
    #[test]
    fn commands_that_do_not_fit_their_frame_are_refused() {
        let mut buf = [0u8; 16];
        assert_eq!(
            Command::Inquiry(Inquiry::ParallelStatus(12)).encode(&mut buf),
            Err(Error::OutOfRange {
                command: "QPGS",
                found: 12,
                min: 0,
                max: 9,
                step: 1,
                scale: 0
            })
        );
        assert!(!buf.contains(&b'\r'));
        let empty = Command::raw("").unwrap();
        assert_eq!(empty.encode(&mut buf), Err(Error::Command { offset: 0 }));
        assert_eq!(empty.validate(), Err(Error::Command { offset: 0 }));
        assert!(!buf.contains(&b'\r'));
        // Unit 9, the last one, still goes out.
        let n = Command::Inquiry(Inquiry::ParallelStatus(9))
            .encode(&mut buf)
            .unwrap();
        assert!(buf[..n].starts_with(b"QPGS9"));
    }

    /// Encodes `cmd` and checks the wire bytes, then decodes them back.
    fn check(cmd: Command, wire: &[u8]) {
        let mut buf = [0u8; 64];
        let n = cmd.encode(&mut buf).unwrap();
        assert_eq!(&buf[..n], wire, "{cmd:?}");
        let line = crate::frame::decode_request(&buf[..n]).unwrap();
        let system = match cmd {
            Command::Setting(
                Setting::RechargeVoltage(v)
                | Setting::RedischargeVoltage(v)
                | Setting::CutoffVoltage(v)
                | Setting::BulkVoltage(v)
                | Setting::FloatVoltage(v)
                | Setting::EqualizationVoltage(v),
            ) => v.system,
            _ => V48,
        };
        assert_eq!(Command::decode(line, system).unwrap(), cmd);
    }

    fn v(system: BatterySystem, text: &str) -> Volts {
        Volts {
            system,
            value: text.parse().unwrap(),
        }
    }

    fn with_crc(cmd: &[u8]) -> std::vec::Vec<u8> {
        let mut out = cmd.to_vec();
        out.extend_from_slice(&crate::crc::wire(cmd));
        out.push(b'\r');
        out
    }

    #[test]
    fn inquiries_encode_exactly() {
        check(Inquiry::GeneralStatus.into(), b"QPIGS\xb7\xa9\r");
        check(Inquiry::RatedInfo.into(), b"QPIRI\xf8\x54\r");
        check(Inquiry::Warnings.into(), b"QPIWS\xb4\xda\r");
        check(Inquiry::Mode.into(), b"QMOD\x49\xc1\r");
        check(Inquiry::ProtocolId.into(), b"QPI\xbe\xac\r");
        check(Inquiry::SerialNumber.into(), b"QID\xd6\xea\r");
        check(Inquiry::ModelNumber.into(), b"QGMN\x49\x29\r");
        check(Inquiry::ParallelStatus(0).into(), b"QPGS0\x3f\xda\r");
        check(Inquiry::ChargingCurrents.into(), b"QMCHGCR\xd8\x55\r");
        check(
            Inquiry::UtilityChargingCurrents.into(),
            b"QMUCHGCR\x26\x34\r",
        );
        check(Inquiry::OutputMode.into(), b"QOPM\xa5\xc5\r");
        for i in Inquiry::ALL {
            let cmd = Command::Inquiry(i);
            check(cmd, &with_crc(cmd.to_string().as_bytes()));
        }
    }

    #[test]
    fn settings_encode_exactly() {
        use Setting::*;
        let s = |x: Setting| Command::Setting(x);
        check(
            s(OutputSource(crate::OutputSource::Sbu)),
            b"POP02\xe2\x0b\r",
        );
        check(
            s(OutputSource(crate::OutputSource::Utility)),
            b"POP00\xc2\x48\r",
        );
        check(
            s(OutputSource(crate::OutputSource::Solar)),
            b"POP01\xd2\x69\r",
        );
        check(s(MaxChargingCurrent(30)), b"MCHGC030\xe2\x44\r");
        check(s(MaxUtilityChargingCurrent(30)), b"MUCHGC030\xc0\xc0\r");
        check(
            s(ChargerSource(crate::ChargerSource::Utility)),
            b"PCP00\x8d\x7a\r",
        );
        check(
            s(BatteryType(crate::BatteryType::Flooded)),
            b"PBT01\x37\x2f\r",
        );
        check(
            s(InputRange(crate::InputRange::Appliance)),
            b"PGR00\x29\xeb\r",
        );
        check(s(RechargeVoltage(v(V48, "46.0"))), b"PBCV46.0\x88\x8b\r");
        check(s(Enable(FlagSet::BUZZER)), b"PEa\xd0\x70\r");
        check(s(ResetDefaults), b"PF\x26\xbd\r");
        check(s(OutputFrequency(50)), b"F50\x63\x3e\r");
        check(s(OutputFrequency(60)), b"F60\x36\x6d\r");
    }

    #[test]
    fn every_setting_has_its_wire_form() {
        use Setting::*;
        let cases: &[(Setting, &str)] = &[
            (
                Disable(FlagSet::OVERLOAD_BYPASS | FlagSet::POWER_SAVING),
                "PDbj",
            ),
            (MaxChargingCurrentOf { unit: 1, amps: 120 }, "MNCHGC1120"),
            (RedischargeVoltage(v(V48, "0.0")), "PBDV00.0"),
            (RedischargeVoltage(v(V24, "27.5")), "PBDV27.5"),
            (RedischargeVoltage(v(V12, "13.3")), "PBDV13.3"),
            (RechargeVoltage(v(V12, "11.8")), "PBCV11.8"),
            (OutputMode(crate::OutputMode::Phase3), "POPM04"),
            (
                ChargerSourceOf {
                    unit: 2,
                    source: crate::ChargerSource::SolarOnly,
                },
                "PPCP203",
            ),
            (CutoffVoltage(v(V48, "42.0")), "PSDV42.0"),
            (BulkVoltage(v(V48, "56.4")), "PCVV56.4"),
            (BulkVoltage(v(V48Hv64, "62.0")), "PCVV62.0"),
            (FloatVoltage(v(V48, "54.0")), "PBFT54.0"),
            (ParallelPvOk(true), "PPVOKC1"),
            (PvPowerBalance(false), "PSPB0"),
            (EqualizationEnabled(true), "PBEQE1"),
            (EqualizationTime(30), "PBEQT030"),
            (EqualizationPeriod(90), "PBEQP090"),
            (EqualizationVoltage(v(V48, "58.40")), "PBEQV58.40"),
            (EqualizationVoltage(v(V24, "29.25")), "PBEQV29.25"),
            (EqualizationOverTime(900), "PBEQOT900"),
            (EqualizationNow(false), "PBEQA0"),
            (MaxCvTime(0), "PCVT000"),
            (MaxCvTime(255), "PCVT255"),
        ];
        for (s, text) in cases {
            check(Command::Setting(*s), &with_crc(text.as_bytes()));
        }
    }

    #[test]
    fn out_of_range_settings_produce_no_frame() {
        use Setting::*;
        let refused: &[(Setting, i32)] = &[
            (EqualizationTime(903), 903),
            (EqualizationTime(0), 0),
            (EqualizationTime(905), 905),
            (EqualizationOverTime(4), 4),
            (MaxCvTime(902), 902),
            (MaxCvTime(905), 905),
            (EqualizationPeriod(91), 91),
            (OutputFrequency(55), 55),
            (MaxChargingCurrent(1000), 1000),
            (OutputSource(crate::OutputSource::from_code(3)), 3),
            (ChargerSource(crate::ChargerSource::from_code(4)), 4),
            (BatteryType(crate::BatteryType::User), 2),
            (OutputMode(crate::OutputMode::from_code(5)), 5),
            (RechargeVoltage(v(V48, "43.0")), 430),
            (RechargeVoltage(v(V48, "46.5")), 465),
            (RechargeVoltage(v(V24, "25.2")), 252),
            (RechargeVoltage(v(V12, "11.1")), 111),
            (RedischargeVoltage(v(V48, "59.0")), 590),
            (CutoffVoltage(v(V48, "39.9")), 399),
            (BulkVoltage(v(V48, "58.5")), 585),
            (BulkVoltage(v(V48, "64.0")), 640),
            (FloatVoltage(v(V24, "56.0")), 560),
            (EqualizationVoltage(v(V48, "61.01")), 6101),
            (EqualizationVoltage(v(V24, "48.00")), 4800),
        ];
        for (s, found) in refused {
            let mut buf = [0u8; 32];
            match Command::Setting(*s).encode(&mut buf) {
                Err(Error::OutOfRange { found: f, .. }) => assert_eq!(f, *found, "{s:?}"),
                other => panic!("{s:?} gave {other:?}"),
            }
            assert_eq!(buf, [0u8; 32], "{s:?} wrote bytes");
        }
        // Not exact at the wire's resolution.
        assert!(matches!(
            Command::Setting(RechargeVoltage(v(V48, "46.05"))).encode(&mut [0; 32]),
            Err(Error::OutOfRange {
                found: 4605,
                scale: 2,
                ..
            })
        ));
        // Undocumented flag letters are refused for PE/PD.
        assert_eq!(
            Command::Setting(Enable(FlagSet::from_letter(b'l').unwrap())).encode(&mut [0; 32]),
            Err(Error::Flag { letter: b'l' })
        );
        assert_eq!(
            Command::Setting(Enable(FlagSet::empty())).encode(&mut [0; 32]),
            Err(Error::Flag { letter: 0 })
        );
    }

    /// Both ends of every range the crate validates are accepted (encoded,
    /// and decoded by the device side) and the values just outside both
    /// ends are refused, for each battery system. Ranges from the protocol
    /// document (docs/protocols/axpert.md §3.2); the 12 V and 24 V
    /// PSDV/PCVV/PBFT and 12 V PBEQV ranges are the crate's cell-count
    /// inference.
    #[test]
    fn every_validated_range_at_both_ends() {
        use crate::{BatteryType, ChargerSource, InputRange, OutputMode, OutputSource};
        use Setting::*;
        let accepted: &[(Setting, &str)] = &[
            (MaxChargingCurrent(0), "MCHGC000"),
            (MaxChargingCurrent(999), "MCHGC999"),
            (MaxUtilityChargingCurrent(0), "MUCHGC000"),
            (MaxUtilityChargingCurrent(999), "MUCHGC999"),
            (MaxChargingCurrentOf { unit: 0, amps: 0 }, "MNCHGC0000"),
            (MaxChargingCurrentOf { unit: 9, amps: 999 }, "MNCHGC9999"),
            (OutputFrequency(50), "F50"),
            (OutputFrequency(60), "F60"),
            (OutputSource(OutputSource::from_code(0)), "POP00"),
            (OutputSource(OutputSource::from_code(2)), "POP02"),
            (ChargerSource(ChargerSource::from_code(0)), "PCP00"),
            (ChargerSource(ChargerSource::from_code(3)), "PCP03"),
            (InputRange(InputRange::from_code(0)), "PGR00"),
            (InputRange(InputRange::from_code(1)), "PGR01"),
            (BatteryType(BatteryType::from_code(0)), "PBT00"),
            (BatteryType(BatteryType::from_code(1)), "PBT01"),
            (OutputMode(OutputMode::from_code(0)), "POPM00"),
            (OutputMode(OutputMode::from_code(4)), "POPM04"),
            (
                ChargerSourceOf {
                    unit: 0,
                    source: ChargerSource::from_code(0),
                },
                "PPCP000",
            ),
            (
                ChargerSourceOf {
                    unit: 9,
                    source: ChargerSource::from_code(3),
                },
                "PPCP903",
            ),
            (EqualizationTime(5), "PBEQT005"),
            (EqualizationTime(900), "PBEQT900"),
            (EqualizationOverTime(5), "PBEQOT005"),
            (EqualizationOverTime(900), "PBEQOT900"),
            (EqualizationPeriod(0), "PBEQP000"),
            (EqualizationPeriod(90), "PBEQP090"),
            (MaxCvTime(0), "PCVT000"),
            (MaxCvTime(900), "PCVT900"),
            // PBCV: 12 V listed values, 24 V 22.0–25.5 by 0.5, 48 V 44–51 by 1.
            (RechargeVoltage(v(V12, "11.0")), "PBCV11.0"),
            (RechargeVoltage(v(V12, "12.8")), "PBCV12.8"),
            (RechargeVoltage(v(V24, "22.0")), "PBCV22.0"),
            (RechargeVoltage(v(V24, "25.5")), "PBCV25.5"),
            (RechargeVoltage(v(V48, "44.0")), "PBCV44.0"),
            (RechargeVoltage(v(V48, "51.0")), "PBCV51.0"),
            (RechargeVoltage(v(V48Hv64, "44.0")), "PBCV44.0"),
            (RechargeVoltage(v(V48Hv64, "51.0")), "PBCV51.0"),
            // PBDV: 00.0 (battery full), 12 V 12.0–14.5 listed, 24 V
            // 24.0–29.0 by 0.5, 48 V 48–58 by 1.
            (RedischargeVoltage(v(V12, "0.0")), "PBDV00.0"),
            (RedischargeVoltage(v(V12, "12.0")), "PBDV12.0"),
            (RedischargeVoltage(v(V12, "14.5")), "PBDV14.5"),
            (RedischargeVoltage(v(V24, "24.0")), "PBDV24.0"),
            (RedischargeVoltage(v(V24, "29.0")), "PBDV29.0"),
            (RedischargeVoltage(v(V48, "48.0")), "PBDV48.0"),
            (RedischargeVoltage(v(V48, "58.0")), "PBDV58.0"),
            (RedischargeVoltage(v(V48Hv64, "58.0")), "PBDV58.0"),
            // PSDV: 48 V 40.0–48.0.
            (CutoffVoltage(v(V12, "10.0")), "PSDV10.0"),
            (CutoffVoltage(v(V12, "12.0")), "PSDV12.0"),
            (CutoffVoltage(v(V24, "20.0")), "PSDV20.0"),
            (CutoffVoltage(v(V24, "24.0")), "PSDV24.0"),
            (CutoffVoltage(v(V48, "40.0")), "PSDV40.0"),
            (CutoffVoltage(v(V48, "48.0")), "PSDV48.0"),
            (CutoffVoltage(v(V48Hv64, "40.0")), "PSDV40.0"),
            (CutoffVoltage(v(V48Hv64, "48.0")), "PSDV48.0"),
            // PCVV and PBFT: 48 V 48.0–58.4, 64 VDC models 48.0–64.0.
            (BulkVoltage(v(V12, "12.0")), "PCVV12.0"),
            (BulkVoltage(v(V12, "14.6")), "PCVV14.6"),
            (BulkVoltage(v(V24, "24.0")), "PCVV24.0"),
            (BulkVoltage(v(V24, "29.2")), "PCVV29.2"),
            (BulkVoltage(v(V48, "48.0")), "PCVV48.0"),
            (BulkVoltage(v(V48, "58.4")), "PCVV58.4"),
            (BulkVoltage(v(V48Hv64, "48.0")), "PCVV48.0"),
            (BulkVoltage(v(V48Hv64, "64.0")), "PCVV64.0"),
            (FloatVoltage(v(V12, "12.0")), "PBFT12.0"),
            (FloatVoltage(v(V12, "14.6")), "PBFT14.6"),
            (FloatVoltage(v(V24, "24.0")), "PBFT24.0"),
            (FloatVoltage(v(V24, "29.2")), "PBFT29.2"),
            (FloatVoltage(v(V48, "48.0")), "PBFT48.0"),
            (FloatVoltage(v(V48, "58.4")), "PBFT58.4"),
            (FloatVoltage(v(V48Hv64, "48.0")), "PBFT48.0"),
            (FloatVoltage(v(V48Hv64, "64.0")), "PBFT64.0"),
            // PBEQV: VP/VM-5000 48.00–61.00, VP/VM-3000 24.00–31.50.
            (EqualizationVoltage(v(V12, "12.00")), "PBEQV12.00"),
            (EqualizationVoltage(v(V12, "15.25")), "PBEQV15.25"),
            (EqualizationVoltage(v(V24, "24.00")), "PBEQV24.00"),
            (EqualizationVoltage(v(V24, "31.50")), "PBEQV31.50"),
            (EqualizationVoltage(v(V48, "48.00")), "PBEQV48.00"),
            (EqualizationVoltage(v(V48, "61.00")), "PBEQV61.00"),
            (EqualizationVoltage(v(V48Hv64, "48.00")), "PBEQV48.00"),
            (EqualizationVoltage(v(V48Hv64, "61.00")), "PBEQV61.00"),
        ];
        for (s, text) in accepted {
            assert_eq!(s.validate(), Ok(()), "{s:?}");
            check(Command::Setting(*s), &with_crc(text.as_bytes()));
        }
        let refused: &[(Setting, i32)] = &[
            (MaxChargingCurrent(1000), 1000),
            (MaxUtilityChargingCurrent(1000), 1000),
            (MaxChargingCurrentOf { unit: 10, amps: 0 }, 10),
            (
                MaxChargingCurrentOf {
                    unit: 0,
                    amps: 1000,
                },
                1000,
            ),
            (OutputFrequency(40), 40),
            (OutputFrequency(49), 49),
            (OutputFrequency(61), 61),
            (OutputFrequency(70), 70),
            (OutputSource(OutputSource::from_code(3)), 3),
            (ChargerSource(ChargerSource::from_code(4)), 4),
            (InputRange(InputRange::from_code(2)), 2),
            (BatteryType(BatteryType::from_code(2)), 2),
            (OutputMode(OutputMode::from_code(5)), 5),
            (
                ChargerSourceOf {
                    unit: 10,
                    source: ChargerSource::from_code(0),
                },
                10,
            ),
            (
                ChargerSourceOf {
                    unit: 0,
                    source: ChargerSource::from_code(4),
                },
                4,
            ),
            (EqualizationTime(0), 0),
            (EqualizationTime(4), 4),
            (EqualizationTime(901), 901),
            (EqualizationTime(905), 905),
            (EqualizationOverTime(0), 0),
            (EqualizationOverTime(4), 4),
            (EqualizationOverTime(901), 901),
            (EqualizationOverTime(905), 905),
            (EqualizationPeriod(91), 91),
            (MaxCvTime(901), 901),
            (MaxCvTime(905), 905),
            (RechargeVoltage(v(V12, "10.9")), 109),
            (RechargeVoltage(v(V12, "12.9")), 129),
            (RechargeVoltage(v(V24, "21.5")), 215),
            (RechargeVoltage(v(V24, "26.0")), 260),
            (RechargeVoltage(v(V48, "43.0")), 430),
            (RechargeVoltage(v(V48, "52.0")), 520),
            (RechargeVoltage(v(V48Hv64, "52.0")), 520),
            (RedischargeVoltage(v(V12, "11.9")), 119),
            (RedischargeVoltage(v(V12, "14.6")), 146),
            (RedischargeVoltage(v(V24, "23.5")), 235),
            (RedischargeVoltage(v(V24, "29.5")), 295),
            (RedischargeVoltage(v(V48, "47.0")), 470),
            (RedischargeVoltage(v(V48, "59.0")), 590),
            (CutoffVoltage(v(V12, "9.9")), 99),
            (CutoffVoltage(v(V12, "12.1")), 121),
            (CutoffVoltage(v(V24, "19.9")), 199),
            (CutoffVoltage(v(V24, "24.1")), 241),
            (CutoffVoltage(v(V48, "39.9")), 399),
            (CutoffVoltage(v(V48, "48.1")), 481),
            (CutoffVoltage(v(V48Hv64, "48.1")), 481),
            (BulkVoltage(v(V12, "11.9")), 119),
            (BulkVoltage(v(V12, "14.7")), 147),
            (BulkVoltage(v(V24, "23.9")), 239),
            (BulkVoltage(v(V24, "29.3")), 293),
            (BulkVoltage(v(V48, "47.9")), 479),
            (BulkVoltage(v(V48, "58.5")), 585),
            (BulkVoltage(v(V48Hv64, "47.9")), 479),
            (BulkVoltage(v(V48Hv64, "64.1")), 641),
            (FloatVoltage(v(V12, "11.9")), 119),
            (FloatVoltage(v(V12, "14.7")), 147),
            (FloatVoltage(v(V24, "23.9")), 239),
            (FloatVoltage(v(V24, "29.3")), 293),
            (FloatVoltage(v(V48, "47.9")), 479),
            (FloatVoltage(v(V48, "58.5")), 585),
            (FloatVoltage(v(V48Hv64, "47.9")), 479),
            (FloatVoltage(v(V48Hv64, "64.1")), 641),
            (EqualizationVoltage(v(V12, "11.99")), 1199),
            (EqualizationVoltage(v(V12, "15.26")), 1526),
            (EqualizationVoltage(v(V24, "23.99")), 2399),
            (EqualizationVoltage(v(V24, "31.51")), 3151),
            (EqualizationVoltage(v(V48, "47.99")), 4799),
            (EqualizationVoltage(v(V48, "61.01")), 6101),
            (EqualizationVoltage(v(V48Hv64, "47.99")), 4799),
            (EqualizationVoltage(v(V48Hv64, "61.01")), 6101),
        ];
        for (s, found) in refused {
            match s.validate() {
                Err(Error::OutOfRange { found: f, .. }) => assert_eq!(f, *found, "{s:?}"),
                other => panic!("{s:?} gave {other:?}"),
            }
            let mut buf = [0u8; 32];
            assert!(Command::Setting(*s).encode(&mut buf).is_err(), "{s:?}");
            assert_eq!(buf, [0u8; 32], "{s:?} wrote bytes");
        }
    }

    #[test]
    fn out_of_range_message_is_readable() {
        let e = Command::Setting(Setting::EqualizationTime(903))
            .encode(&mut [0; 32])
            .unwrap_err();
        assert_eq!(e.to_string(), "PBEQT: 903 is outside 5..=900 in steps of 5");
        let e = Command::Setting(Setting::BulkVoltage(v(V48, "58.5")))
            .encode(&mut [0; 32])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "PCVV: 58.5 is outside 48.0..=58.4 in steps of 0.1"
        );
    }

    #[test]
    fn device_decodes_and_refuses() {
        assert_eq!(
            Command::decode(b"QPGS3", V48).unwrap(),
            Command::Inquiry(Inquiry::ParallelStatus(3))
        );
        // Unknown strings and malformed arguments are raw: the device NAKs them.
        assert_eq!(
            Command::decode(b"QPIGS2", V48).unwrap(),
            Command::raw("QPIGS2").unwrap()
        );
        assert_eq!(
            Command::decode(b"PBEQT30", V48).unwrap(),
            Command::raw("PBEQT30").unwrap()
        );
        assert_eq!(
            Command::decode(b"F5", V48).unwrap(),
            Command::raw("F5").unwrap()
        );
        // Well-formed but out of range: refused.
        assert!(matches!(
            Command::decode(b"PBEQT903", V48),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            Command::decode(b"PCVV58.5", V48),
            Err(Error::OutOfRange { .. })
        ));
        assert!(Command::decode(b"PCVV62.0", V48Hv64).is_ok());
    }

    #[test]
    fn from_name_takes_human_arguments() {
        let c = |n: &str, a: &[&str]| Command::from_name(n, a, V48).map(|c| c.to_string());
        assert_eq!(c("qpigs", &[]).unwrap(), "QPIGS");
        assert_eq!(c("QPGS", &["2"]).unwrap(), "QPGS2");
        assert_eq!(c("pbcv", &["46"]).unwrap(), "PBCV46.0");
        assert_eq!(c("PBEQV", &["58.4"]).unwrap(), "PBEQV58.40");
        assert_eq!(c("pop", &["2"]).unwrap(), "POP02");
        assert_eq!(c("PE", &["ax"]).unwrap(), "PEax");
        assert_eq!(c("MNCHGC", &["1", "120"]).unwrap(), "MNCHGC1120");
        assert_eq!(c("PBEQE", &["on"]).unwrap(), "PBEQE1");
        assert_eq!(c("QBOOT", &[]).unwrap(), "QBOOT");
        assert!(matches!(
            c("PBEQT", &["903"]),
            Err(Error::OutOfRange { .. })
        ));
        assert_eq!(c("PBEQT", &[]), Err(Error::Command { offset: 1 }));
        assert_eq!(c("PBEQT", &["x"]), Err(Error::Command { offset: 1 }));
        assert_eq!(c("PE", &["aq"]), Err(Error::Flag { letter: b'q' }));
    }
}
