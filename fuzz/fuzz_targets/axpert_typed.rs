//! Typed values the other way round: an arbitrary Axpert `Command` (every
//! inquiry, every setting with any argument, raw strings) and an arbitrary
//! `Response` (every reply type, any field values) are encoded, decoded
//! and compared. A value that encodes but decodes to something else is a
//! crash; a refused setting must leave no frame in the buffer.
#![no_main]

use axpert_proto::response::{CurrentList, Firmware, FlagStatus, SerialId, WarningStatus};
use axpert_proto::response::{
    Defaults, Equalization, Extra, GeneralStatus, ParallelStatus, RatedInfo,
};
use axpert_proto::{
    BatterySystem, BatteryType, ChargerSource, Command, Decimal, DeviceStatus, DeviceStatusHigh,
    Error, FaultCode, FlagSet, InputRange, Inquiry, MachineType, Mode, ModelNumber, OutputMode,
    OutputSource, ParallelStatusBits, Response, Setting, Text, Topology, Volts, Warnings, frame,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// The generator: the input, and whether every optional field so far was
/// present (a reply can only carry an optional field, or extra fields,
/// after all the ones before it: fields are found by position).
struct G<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    present: bool,
}

trait Any: Sized {
    fn any(g: &mut G<'_, '_>) -> Result<Self>;
}

impl G<'_, '_> {
    fn any<T: Any>(&mut self) -> Result<T> {
        T::any(self)
    }
}

impl Any for Decimal {
    /// Any i32 at any scale (up to 12 places), padded to any width up to
    /// 40 characters; or a field of dashes. `Decimal::parse` reads any
    /// number of leading zeros and every i32.
    fn any(g: &mut G<'_, '_>) -> Result<Self> {
        let scale: u8 = g.u.int_in_range(0..=12)?;
        if g.u.ratio(1, 8)? {
            return Ok(Decimal::not_available(
                g.u.int_in_range(0..=14)?,
                scale.min(6),
            ));
        }
        let m: i32 = g.u.arbitrary()?;
        let width: u8 = g.u.int_in_range(0..=40)?;
        Ok(Decimal::new(m, scale).with_width(width))
    }
}

impl Any for bool {
    fn any(g: &mut G<'_, '_>) -> Result<Self> {
        g.u.arbitrary()
    }
}

macro_rules! codes {
    ($($t:ty),*) => {$(
        impl Any for $t {
            fn any(g: &mut G<'_, '_>) -> Result<Self> {
                Ok(<$t>::from_code(g.u.arbitrary()?))
            }
        }
    )*};
}
codes!(
    BatteryType,
    InputRange,
    OutputSource,
    ChargerSource,
    MachineType,
    Topology,
    OutputMode,
    ModelNumber,
    FaultCode
);

impl Any for Mode {
    /// A one-letter field: any printable character but the space.
    fn any(g: &mut G<'_, '_>) -> Result<Self> {
        Ok(Mode::from_code(g.u.int_in_range(0x21..=0x7E)?))
    }
}

macro_rules! bits {
    ($($t:ty: $w:literal),*) => {$(
        impl Any for $t {
            /// As many bits as the field has characters.
            fn any(g: &mut G<'_, '_>) -> Result<Self> {
                let mask = ((1u16 << $w) - 1) as u8;
                Ok(<$t>::from_bits_retain(g.u.arbitrary::<u8>()? & mask))
            }
        }
    )*};
}
bits!(DeviceStatus: 8, DeviceStatusHigh: 3, ParallelStatusBits: 8);

/// A field: 1..=n printable characters, no space.
fn token<const N: usize>(g: &mut G<'_, '_>, n: usize) -> Result<Text<N>> {
    let len = g.u.int_in_range(1..=n.min(N))?;
    let mut t = Text::new();
    for _ in 0..len {
        let c: u8 = g.u.int_in_range(0x21..=0x7E)?;
        t.push_bytes(&[c]).expect("within capacity");
    }
    Ok(t)
}

/// Printable text of up to `N` characters, spaces included.
fn text<const N: usize>(g: &mut G<'_, '_>) -> Result<Text<N>> {
    let len = g.u.int_in_range(0..=N)?;
    let mut t = Text::new();
    for _ in 0..len {
        let c: u8 = g.u.int_in_range(0x20..=0x7E)?;
        t.push_bytes(&[c]).expect("within capacity");
    }
    Ok(t)
}

impl Any for Text<20> {
    fn any(g: &mut G<'_, '_>) -> Result<Self> {
        token(g, 20)
    }
}

impl<T: Any> Any for Option<T> {
    fn any(g: &mut G<'_, '_>) -> Result<Self> {
        if g.present && g.u.arbitrary()? {
            return Ok(Some(g.any()?));
        }
        g.present = false;
        Ok(None)
    }
}

impl Any for Extra {
    /// Undocumented fields: only after every optional one, separated by
    /// one space (the wire cannot keep more: fields are split on spaces).
    fn any(g: &mut G<'_, '_>) -> Result<Self> {
        let mut e = Text::new();
        if g.present {
            for i in 0..g.u.int_in_range(0..=4)? {
                let t: Text<12> = token(g, 12)?;
                if i > 0 {
                    e.push_bytes(b" ").expect("within capacity");
                }
                e.push_bytes(t.as_bytes()).expect("within capacity");
            }
        }
        Ok(Extra(e))
    }
}

// The records, field by field in wire order (optional fields last).

fn general_status(g: &mut G<'_, '_>) -> Result<GeneralStatus> {
    Ok(GeneralStatus {
        grid_voltage: g.any()?,
        grid_frequency: g.any()?,
        ac_output_voltage: g.any()?,
        ac_output_frequency: g.any()?,
        ac_output_apparent_power: g.any()?,
        ac_output_active_power: g.any()?,
        output_load_percent: g.any()?,
        bus_voltage: g.any()?,
        battery_voltage: g.any()?,
        battery_charging_current: g.any()?,
        battery_capacity: g.any()?,
        heat_sink_temperature: g.any()?,
        pv_input_current: g.any()?,
        pv_input_voltage: g.any()?,
        battery_voltage_from_scc: g.any()?,
        battery_discharge_current: g.any()?,
        device_status: g.any()?,
        battery_voltage_offset_for_fans: g.any()?,
        eeprom_version: g.any()?,
        pv_charging_power: g.any()?,
        device_status_high: g.any()?,
        extra: g.any()?,
    })
}

fn rated_info(g: &mut G<'_, '_>) -> Result<RatedInfo> {
    Ok(RatedInfo {
        grid_rating_voltage: g.any()?,
        grid_rating_current: g.any()?,
        ac_output_rating_voltage: g.any()?,
        ac_output_rating_frequency: g.any()?,
        ac_output_rating_current: g.any()?,
        ac_output_rating_apparent_power: g.any()?,
        ac_output_rating_active_power: g.any()?,
        battery_rating_voltage: g.any()?,
        battery_recharge_voltage: g.any()?,
        battery_under_voltage: g.any()?,
        battery_bulk_voltage: g.any()?,
        battery_float_voltage: g.any()?,
        battery_type: g.any()?,
        max_ac_charging_current: g.any()?,
        max_charging_current: g.any()?,
        input_voltage_range: g.any()?,
        output_source_priority: g.any()?,
        charger_source_priority: g.any()?,
        parallel_max_number: g.any()?,
        machine_type: g.any()?,
        topology: g.any()?,
        output_mode: g.any()?,
        battery_redischarge_voltage: g.any()?,
        pv_ok_condition: g.any()?,
        pv_power_balance: g.any()?,
        max_cv_charging_time: g.any()?,
        extra: g.any()?,
    })
}

fn defaults(g: &mut G<'_, '_>) -> Result<Defaults> {
    Ok(Defaults {
        ac_output_voltage: g.any()?,
        ac_output_frequency: g.any()?,
        max_ac_charging_current: g.any()?,
        battery_under_voltage: g.any()?,
        float_voltage: g.any()?,
        bulk_voltage: g.any()?,
        battery_recharge_voltage: g.any()?,
        max_charging_current: g.any()?,
        input_voltage_range: g.any()?,
        output_source_priority: g.any()?,
        charger_source_priority: g.any()?,
        battery_type: g.any()?,
        buzzer: g.any()?,
        power_saving: g.any()?,
        overload_restart: g.any()?,
        over_temperature_restart: g.any()?,
        lcd_backlight: g.any()?,
        primary_source_alarm: g.any()?,
        fault_code_record: g.any()?,
        overload_bypass: g.any()?,
        lcd_return_default: g.any()?,
        output_mode: g.any()?,
        battery_redischarge_voltage: g.any()?,
        pv_ok_condition: g.any()?,
        pv_power_balance: g.any()?,
        max_cv_charging_time: g.any()?,
        extra: g.any()?,
    })
}

fn parallel_status(g: &mut G<'_, '_>) -> Result<ParallelStatus> {
    Ok(ParallelStatus {
        unit_exists: g.any()?,
        serial_number: g.any()?,
        work_mode: g.any()?,
        fault_code: g.any()?,
        grid_voltage: g.any()?,
        grid_frequency: g.any()?,
        ac_output_voltage: g.any()?,
        ac_output_frequency: g.any()?,
        ac_output_apparent_power: g.any()?,
        ac_output_active_power: g.any()?,
        load_percent: g.any()?,
        battery_voltage: g.any()?,
        battery_charging_current: g.any()?,
        battery_capacity: g.any()?,
        pv_input_voltage: g.any()?,
        total_charging_current: g.any()?,
        total_ac_output_apparent_power: g.any()?,
        total_output_active_power: g.any()?,
        total_ac_output_percent: g.any()?,
        status: g.any()?,
        output_mode: g.any()?,
        charger_source_priority: g.any()?,
        max_charger_current: g.any()?,
        max_charger_range: g.any()?,
        max_ac_charger_current: g.any()?,
        pv_input_current: g.any()?,
        battery_discharge_current: g.any()?,
        extra: g.any()?,
    })
}

fn equalization(g: &mut G<'_, '_>) -> Result<Equalization> {
    Ok(Equalization {
        enabled: g.any()?,
        time: g.any()?,
        period: g.any()?,
        max_current: g.any()?,
        reserved_5: g.any()?,
        voltage: g.any()?,
        reserved_7: g.any()?,
        over_time: g.any()?,
        active: g.any()?,
        reserved_10: g.any()?,
        extra: g.any()?,
    })
}

fn response(g: &mut G<'_, '_>) -> Result<(Option<Inquiry>, Response)> {
    use Response as R;
    let i = |x| Some(x);
    Ok(match g.u.int_in_range(0..=21u8)? {
        0 => (None, R::Ack),
        1 => (None, R::Nak),
        2 => (i(Inquiry::ProtocolId), R::ProtocolId(text(g)?)),
        3 => (i(Inquiry::SerialNumber), R::SerialNumber(text(g)?)),
        4 => (i(Inquiry::ModelName), R::ModelName(text(g)?)),
        5 => {
            let n: u8 = g.u.int_in_range(0..=99)?;
            let digits: Text<32> = text(g)?;
            let s = SerialId {
                valid_length: Decimal::new(i32::from(n), 0).with_width(2),
                digits,
            };
            (i(Inquiry::SerialId), R::SerialId(s))
        }
        6 => (
            i(Inquiry::Firmware),
            R::Firmware(Firmware { version: text(g)? }),
        ),
        7 => (
            i(Inquiry::Firmware2),
            R::Firmware2(Firmware { version: text(g)? }),
        ),
        8 => (i(Inquiry::RatedInfo), R::RatedInfo(rated_info(g)?)),
        9 => {
            let en: u32 = g.u.arbitrary()?;
            let dis: u32 = g.u.arbitrary()?;
            let f = FlagStatus::new(
                FlagSet::from_bits_truncate(en),
                FlagSet::from_bits_truncate(dis),
            );
            (i(Inquiry::Flags), R::Flags(f))
        }
        10 => (
            i(Inquiry::GeneralStatus),
            R::GeneralStatus(general_status(g)?),
        ),
        11 => (
            i(Inquiry::ParallelStatus(g.u.int_in_range(0..=9)?)),
            R::ParallelStatus(parallel_status(g)?),
        ),
        12 => (i(Inquiry::Mode), R::Mode(g.any()?)),
        13 => {
            let positions: u8 = g.u.int_in_range(1..=64)?;
            let mask = u64::MAX >> (64 - u32::from(positions));
            let bits = Warnings::from_bits_retain(g.u.arbitrary::<u64>()? & mask);
            (
                i(Inquiry::Warnings),
                R::Warnings(WarningStatus { bits, positions }),
            )
        }
        14 => (i(Inquiry::Defaults), R::Defaults(defaults(g)?)),
        15 | 16 => {
            let n = g.u.int_in_range(0..=32)?;
            let mut amps = [0u16; 32];
            for a in &mut amps[..n] {
                *a = g.u.int_in_range(0..=999)?;
            }
            let l = CurrentList::new(&amps[..n]).expect("32 fit");
            if g.u.arbitrary()? {
                (i(Inquiry::ChargingCurrents), R::ChargingCurrents(l))
            } else {
                (
                    i(Inquiry::UtilityChargingCurrents),
                    R::UtilityChargingCurrents(l),
                )
            }
        }
        17 => (i(Inquiry::OutputMode), R::OutputMode(g.any()?)),
        18 => (i(Inquiry::ModelNumber), R::ModelNumber(g.any()?)),
        19 => (i(Inquiry::Equalization), R::Equalization(equalization(g)?)),
        20 => (None, R::Raw(text(g)?)),
        _ => (None, R::Pi18(text(g)?)),
    })
}

/// Whether a whole-payload text reply is one the wire can tell from an
/// acknowledgement: a payload of `ACK` or `NAK` is always read as one.
fn distinct(r: &Response) -> bool {
    let t = match r {
        Response::ProtocolId(t) => t.as_bytes(),
        Response::SerialNumber(t) | Response::ModelName(t) => t.as_bytes(),
        Response::Raw(t) => t.as_bytes(),
        _ => return true,
    };
    t != b"ACK" && t != b"NAK"
}

fn volts(u: &mut Unstructured<'_>, system: BatterySystem) -> Result<Volts> {
    let scale = u.int_in_range(0..=3)?;
    let value =
        Decimal::new(u.int_in_range(-100..=10_000)?, scale).with_width(u.int_in_range(0..=7)?);
    Ok(Volts { system, value })
}

fn setting(u: &mut Unstructured<'_>, system: BatterySystem) -> Result<Setting> {
    use Setting as S;
    let small = |u: &mut Unstructured<'_>| -> Result<u16> {
        Ok(if u.arbitrary()? {
            u.int_in_range(0..=1000)?
        } else {
            u.arbitrary()?
        })
    };
    Ok(match u.int_in_range(0..=26u8)? {
        0 => S::Enable(FlagSet::from_bits_retain(u.arbitrary()?)),
        1 => S::Disable(FlagSet::from_bits_retain(u.arbitrary()?)),
        2 => S::ResetDefaults,
        3 => S::MaxChargingCurrent(small(u)?),
        4 => S::MaxChargingCurrentOf {
            unit: u.arbitrary()?,
            amps: small(u)?,
        },
        5 => S::MaxUtilityChargingCurrent(small(u)?),
        6 => S::OutputFrequency(u.arbitrary()?),
        7 => S::OutputSource(OutputSource::from_code(u.arbitrary()?)),
        8 => S::RechargeVoltage(volts(u, system)?),
        9 => S::RedischargeVoltage(volts(u, system)?),
        10 => S::ChargerSource(ChargerSource::from_code(u.arbitrary()?)),
        11 => S::InputRange(InputRange::from_code(u.arbitrary()?)),
        12 => S::BatteryType(BatteryType::from_code(u.arbitrary()?)),
        13 => S::OutputMode(OutputMode::from_code(u.arbitrary()?)),
        14 => S::ChargerSourceOf {
            unit: u.arbitrary()?,
            source: ChargerSource::from_code(u.arbitrary()?),
        },
        15 => S::CutoffVoltage(volts(u, system)?),
        16 => S::BulkVoltage(volts(u, system)?),
        17 => S::FloatVoltage(volts(u, system)?),
        18 => S::ParallelPvOk(u.arbitrary()?),
        19 => S::PvPowerBalance(u.arbitrary()?),
        20 => S::EqualizationEnabled(u.arbitrary()?),
        21 => S::EqualizationTime(small(u)?),
        22 => S::EqualizationPeriod(small(u)?),
        23 => S::EqualizationVoltage(volts(u, system)?),
        24 => S::EqualizationOverTime(small(u)?),
        25 => S::EqualizationNow(u.arbitrary()?),
        _ => S::MaxCvTime(small(u)?),
    })
}

/// The command as the protocol sees it. A battery voltage is defined by
/// its value at the wire's resolution (`nn.n`, `nn.nn` for PBEQV), not by
/// how it was written: `46`, `46.0` and `046.00` are the same PBCV
/// argument, and the device side reads it back in its natural width.
fn on_the_wire(c: Command) -> Command {
    let norm = |v: Volts, scale: u8| Volts {
        value: v
            .value
            .at_scale(scale)
            .map_or(v.value, |m| Decimal::new(m, scale)),
        ..v
    };
    let Command::Setting(s) = c else {
        return c;
    };
    Command::Setting(match s {
        Setting::RechargeVoltage(v) => Setting::RechargeVoltage(norm(v, 1)),
        Setting::RedischargeVoltage(v) => Setting::RedischargeVoltage(norm(v, 1)),
        Setting::CutoffVoltage(v) => Setting::CutoffVoltage(norm(v, 1)),
        Setting::BulkVoltage(v) => Setting::BulkVoltage(norm(v, 1)),
        Setting::FloatVoltage(v) => Setting::FloatVoltage(norm(v, 1)),
        Setting::EqualizationVoltage(v) => Setting::EqualizationVoltage(norm(v, 2)),
        other => other,
    })
}

fn command(u: &mut Unstructured<'_>) -> Result<()> {
    let system = *u.choose(&[
        BatterySystem::V12,
        BatterySystem::V24,
        BatterySystem::V48,
        BatterySystem::V48Hv64,
    ])?;
    let cmd = match u.int_in_range(0..=2u8)? {
        0 => Command::Inquiry(match *u.choose(&Inquiry::ALL)? {
            Inquiry::ParallelStatus(_) => Inquiry::ParallelStatus(u.arbitrary()?),
            i => i,
        }),
        1 => Command::Setting(setting(u, system)?),
        _ => {
            let len = u.int_in_range(0..=32)?;
            let mut t = Text::new();
            for _ in 0..len {
                t.push_bytes(&[u.int_in_range(0x20..=0x7E)?])
                    .expect("within capacity");
            }
            Command::Raw(t)
        }
    };
    let mut buf = [0u8; 64];
    let n = match cmd.encode(&mut buf) {
        Ok(n) => n,
        Err(e) => {
            // Refused before a byte of frame is written: no CR, so nothing
            // a device could take for a command line.
            assert!(
                matches!(
                    e,
                    Error::OutOfRange { .. }
                        | Error::Flag { .. }
                        | Error::Command { .. }
                        | Error::Capacity { .. }
                ),
                "{cmd:?}: {e:?}"
            );
            assert!(!buf.contains(&b'\r'), "{cmd:?} refused ({e:?}) but framed");
            assert_eq!(
                cmd.validate().is_err(),
                !matches!(e, Error::Capacity { .. })
            );
            return Ok(());
        }
    };
    assert_eq!(cmd.validate(), Ok(()), "{cmd:?} encoded but is invalid");
    let line = frame::decode_request(&buf[..n])
        .unwrap_or_else(|e| panic!("{cmd:?} encoded as {:?}: {e:?}", &buf[..n]));
    match Command::decode(line, system) {
        Ok(back) if matches!(cmd, Command::Raw(_)) => {
            // A raw string that happens to be a known command decodes as
            // that command, which need not write the same string: `PEba`
            // and `PEab` enable the same set of flags. Its own frame must
            // decode to it again.
            let mut again = [0u8; 64];
            let m = back.encode(&mut again).expect("a decoded command encodes");
            let line = frame::decode_request(&again[..m]).expect("our own frame");
            assert_eq!(Command::decode(line, system), Ok(back), "{cmd:?}");
        }
        Ok(back) => assert_eq!(back, on_the_wire(cmd), "{:?}", line),
        // A raw string spelling a known setting with an argument out of
        // range: the device side refuses it, as documented.
        Err(Error::OutOfRange { .. } | Error::Flag { .. }) if matches!(cmd, Command::Raw(_)) => {}
        Err(e) => panic!("{cmd:?} encoded as {line:?} but does not decode: {e:?}"),
    }
    Ok(())
}

fn reply(u: &mut Unstructured<'_>) -> Result<()> {
    let mut g = G { u, present: true };
    let (inquiry, r) = response(&mut g)?;
    if !distinct(&r) {
        return Ok(());
    }
    let mut buf = [0u8; 600];
    let n = match r.encode(&mut buf) {
        Ok(n) => n,
        Err(Error::Capacity { .. } | Error::BufferTooSmall { .. }) => return Ok(()),
        Err(e) => panic!("{r:?} does not encode: {e:?}"),
    };
    match Response::decode_bytes(inquiry, &buf[..n]) {
        Ok(back) => assert_eq!(back, r, "{:?}", String::from_utf8_lossy(&buf[..n])),
        Err(e) => panic!(
            "{r:?} encoded as {:?} but does not decode: {e:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = if u.arbitrary().unwrap_or(false) {
        command(&mut u)
    } else {
        reply(&mut u)
    };
});
