//! A simulated Axpert inverter, built on the device side of `axpert-proto`.
//!
//! It answers every inquiry of the protocol document with values that
//! change: the sun rises and sets over a compressed day, the load wanders,
//! the battery charges and discharges accordingly. Settings are range
//! checked by the protocol crate, applied, and show up in QPIRI and QFLAG;
//! anything it does not know, or refuses, gets `(NAK`.

use std::time::Duration;

use axpert_proto::{
    BatterySystem, BatteryType, ChargerSource, Command, Decimal, Device, DeviceStatus,
    DeviceStatusHigh, Error, FaultCode, FlagSet, InputRange, Inquiry, MachineType, Mode,
    ModelNumber, OutputMode, OutputSource, ParallelStatusBits, Response, Setting, Text, Topology,
    Warnings,
    response::{
        CurrentList, Defaults, Equalization, Extra, Firmware, FlagStatus, GeneralStatus,
        ParallelStatus, RatedInfo, SerialId, WarningStatus,
    },
};
use embedded_io::{Read, Write};
use transports::{StdClock, serve::Call};

/// Length of the simulated day: the sun goes round in ten minutes.
pub const DAY: Duration = Duration::from_secs(600);

const SERIAL: &str = "92932105105335";
const CHARGE_CURRENTS: &[u16] = &[10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
const UTILITY_CURRENTS: &[u16] = &[2, 10, 20, 30, 40, 50, 60];

/// `v` as a decimal with `scale` decimals, `width` characters wide.
fn d(v: f64, scale: u8, width: u8) -> Decimal {
    let m = (v * 10f64.powi(i32::from(scale))).round();
    let max = 10f64
        .powi(i32::from(width - if scale > 0 { scale + 1 } else { 0 }) + i32::from(scale))
        - 1.0;
    Decimal::new(m.clamp(0.0, max) as i32, scale).with_width(width)
}

fn text<const N: usize>(s: &str) -> Text<N> {
    Text::from_bytes(s.as_bytes()).unwrap_or_default()
}

/// The simulated unit: its settings and its live state.
#[derive(Debug, Clone)]
pub struct Inverter {
    system: BatterySystem,
    clock: Duration,
    rng: u64,
    // Settings (voltages in tenths of a volt, equalization voltage in hundredths).
    output_source: OutputSource,
    charger_source: ChargerSource,
    battery_type: BatteryType,
    input_range: InputRange,
    output_mode: OutputMode,
    frequency: u8,
    recharge: i32,
    redischarge: i32,
    cutoff: i32,
    bulk: i32,
    float: i32,
    max_charge: u16,
    max_utility_charge: u16,
    enabled: FlagSet,
    pv_ok_all: bool,
    pv_balance: bool,
    eq_enabled: bool,
    eq_time: u16,
    eq_period: u16,
    eq_voltage: i32,
    eq_over_time: u16,
    eq_active: bool,
    cv_time: u16,
    // Live state.
    soc: f64,
    load_w: f64,
    grid_on: bool,
}

impl Inverter {
    /// A 5 kVA unit with a battery of `system`'s voltage.
    pub fn new(system: BatterySystem) -> Self {
        let k = match system {
            BatterySystem::V12 => 0.25,
            BatterySystem::V24 => 0.5,
            _ => 1.0,
        };
        let v = |x: f64| (x * k * 10.0).round() as i32;
        Inverter {
            system,
            // Mid-morning, so the sun is up when a demo starts.
            clock: DAY / 8,
            rng: 0x2545_F491_4F6C_DD1D,
            output_source: OutputSource::Sbu,
            charger_source: ChargerSource::Solar,
            battery_type: BatteryType::User,
            input_range: InputRange::Appliance,
            output_mode: OutputMode::Single,
            frequency: 50,
            recharge: v(46.0),
            redischarge: v(54.0),
            cutoff: v(42.0),
            bulk: v(56.4),
            float: v(54.0),
            max_charge: 60,
            max_utility_charge: 30,
            enabled: FlagSet::BUZZER | FlagSet::BACKLIGHT | FlagSet::PRIMARY_SOURCE_ALARM,
            pv_ok_all: false,
            pv_balance: true,
            eq_enabled: false,
            eq_time: 30,
            eq_period: 30,
            eq_voltage: (58.40 * k * 100.0).round() as i32,
            eq_over_time: 120,
            eq_active: false,
            cv_time: 0,
            soc: 0.62,
            load_w: 650.0,
            grid_on: true,
        }
    }

    fn random(&mut self) -> f64 {
        // xorshift64: deterministic, good enough for wandering values.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }

    fn nominal(&self) -> f64 {
        match self.system {
            BatterySystem::V12 => 12.0,
            BatterySystem::V24 => 24.0,
            _ => 48.0,
        }
    }

    /// PV power now: a half sine over the day, zero at night.
    fn pv_w(&self) -> f64 {
        let phase = self.clock.as_secs_f64() / DAY.as_secs_f64() * std::f64::consts::TAU;
        (phase.sin().max(0.0) * 3200.0 * 1.02).min(3200.0)
    }

    fn battery_v(&self) -> f64 {
        let cells = self.nominal() / 2.0;
        cells * (1.92 + 0.24 * self.soc) + self.net_w() / 2000.0
    }

    /// Power into the battery (negative: out of it).
    fn net_w(&self) -> f64 {
        let from_grid = if self.grid_on && self.output_source == OutputSource::Utility {
            self.load_w
        } else {
            0.0
        };
        self.pv_w() + from_grid - self.load_w
    }

    /// Moves the simulation on by `dt`.
    pub fn advance(&mut self, dt: Duration) {
        self.clock += dt;
        let s = dt.as_secs_f64();
        let step = (self.random() - 0.5) * 120.0 * s.sqrt();
        self.load_w = (self.load_w + step).clamp(150.0, 2800.0);
        let capacity_wh = 10_000.0;
        let mut net = self.net_w();
        if net > 0.0 {
            net = net.min(f64::from(self.max_charge) * self.battery_v());
        }
        // Compress time like the day: one real second is 144 simulated.
        self.soc = (self.soc + net * s * 144.0 / 3600.0 / capacity_wh).clamp(0.05, 1.0);
    }

    fn mode(&self) -> Mode {
        if self.grid_on && self.output_source == OutputSource::Utility {
            Mode::Line
        } else {
            Mode::Battery
        }
    }

    fn general_status(&mut self) -> GeneralStatus {
        let jitter = self.random() - 0.5;
        let bv = self.battery_v();
        let net = self.net_w();
        let pv = self.pv_w();
        let pv_v = if pv > 0.0 {
            240.0 + 90.0 * (pv / 3200.0) + jitter
        } else {
            0.0
        };
        let charging = net > 0.0;
        let mut status = DeviceStatus::LOAD_ON | DeviceStatus::SCC_FIRMWARE_UPDATED;
        if charging {
            status |= DeviceStatus::CHARGING | DeviceStatus::SCC_CHARGING;
        }
        GeneralStatus {
            grid_voltage: d(
                if self.grid_on {
                    230.0 + 2.0 * jitter
                } else {
                    0.0
                },
                1,
                5,
            ),
            grid_frequency: d(
                if self.grid_on {
                    50.0 + 0.1 * jitter
                } else {
                    0.0
                },
                1,
                4,
            ),
            ac_output_voltage: d(230.0 + jitter * 0.4, 1, 5),
            ac_output_frequency: d(f64::from(self.frequency), 1, 4),
            ac_output_apparent_power: d(self.load_w / 0.92, 0, 4),
            ac_output_active_power: d(self.load_w, 0, 4),
            output_load_percent: d(self.load_w / 50.0, 0, 3),
            bus_voltage: d(bv * 7.6 + 40.0, 0, 3),
            battery_voltage: d(bv, 2, 5),
            battery_charging_current: d(if charging { net / bv } else { 0.0 }, 0, 3),
            battery_capacity: d(self.soc * 100.0, 0, 3),
            heat_sink_temperature: d(30.0 + self.load_w / 200.0, 0, 4),
            pv_input_current: d(if pv_v > 0.0 { pv / pv_v } else { 0.0 }, 1, 4),
            pv_input_voltage: d(pv_v, 1, 5),
            battery_voltage_from_scc: d(if pv > 0.0 { bv } else { 0.0 }, 2, 5),
            battery_discharge_current: d(if charging { 0.0 } else { -net / bv }, 0, 5),
            device_status: status,
            battery_voltage_offset_for_fans: Some(d(0.0, 0, 2)),
            eeprom_version: Some(d(0.0, 0, 2)),
            pv_charging_power: Some(d(pv, 0, 5)),
            device_status_high: Some(DeviceStatusHigh::SWITCH_ON),
            extra: Extra::default(),
        }
    }

    fn rated_info(&self) -> RatedInfo {
        let v = |x: i32| d(f64::from(x) / 10.0, 1, 4);
        RatedInfo {
            grid_rating_voltage: d(230.0, 1, 5),
            grid_rating_current: d(21.7, 1, 4),
            ac_output_rating_voltage: d(230.0, 1, 5),
            ac_output_rating_frequency: d(f64::from(self.frequency), 1, 4),
            ac_output_rating_current: d(21.7, 1, 4),
            ac_output_rating_apparent_power: d(5000.0, 0, 4),
            ac_output_rating_active_power: d(5000.0, 0, 4),
            battery_rating_voltage: d(self.nominal(), 1, 4),
            battery_recharge_voltage: v(self.recharge),
            battery_under_voltage: v(self.cutoff),
            battery_bulk_voltage: v(self.bulk),
            battery_float_voltage: v(self.float),
            battery_type: self.battery_type,
            max_ac_charging_current: d(f64::from(self.max_utility_charge), 0, 2),
            max_charging_current: d(f64::from(self.max_charge), 0, 3),
            input_voltage_range: self.input_range,
            output_source_priority: self.output_source,
            charger_source_priority: self.charger_source,
            parallel_max_number: d(6.0, 0, 1),
            machine_type: MachineType::OffGrid,
            topology: Topology::Transformerless,
            output_mode: self.output_mode,
            battery_redischarge_voltage: v(self.redischarge),
            pv_ok_condition: self.pv_ok_all,
            pv_power_balance: self.pv_balance,
            max_cv_charging_time: Some(d(f64::from(self.cv_time), 0, 3)),
            extra: Extra::default(),
        }
    }

    fn defaults(&self) -> Defaults {
        let v = |x: f64| d(x * self.nominal() / 48.0, 1, 4);
        Defaults {
            ac_output_voltage: d(230.0, 1, 5),
            ac_output_frequency: d(50.0, 1, 4),
            max_ac_charging_current: d(30.0, 0, 4),
            battery_under_voltage: v(42.0),
            float_voltage: v(54.0),
            bulk_voltage: v(56.4),
            battery_recharge_voltage: v(46.0),
            max_charging_current: d(60.0, 0, 2),
            input_voltage_range: InputRange::Appliance,
            output_source_priority: OutputSource::Utility,
            charger_source_priority: ChargerSource::SolarOnly,
            battery_type: BatteryType::Agm,
            buzzer: false,
            power_saving: false,
            overload_restart: false,
            over_temperature_restart: false,
            lcd_backlight: true,
            primary_source_alarm: true,
            fault_code_record: false,
            overload_bypass: false,
            lcd_return_default: true,
            output_mode: OutputMode::Single,
            battery_redischarge_voltage: v(54.0),
            pv_ok_condition: false,
            pv_power_balance: true,
            max_cv_charging_time: Some(d(0.0, 0, 3)),
            extra: Extra::default(),
        }
    }

    fn parallel_status(&mut self) -> ParallelStatus {
        let s = self.general_status();
        let mut bits = ParallelStatusBits::SCC_OK | ParallelStatusBits::LOAD_ON;
        if s.device_status.contains(DeviceStatus::SCC_CHARGING) {
            bits |= ParallelStatusBits::SCC_CHARGING;
        }
        if !self.grid_on {
            bits |= ParallelStatusBits::LINE_LOSS;
        }
        ParallelStatus {
            unit_exists: true,
            serial_number: text(SERIAL),
            work_mode: self.mode(),
            fault_code: FaultCode::None,
            grid_voltage: s.grid_voltage,
            grid_frequency: d(s.grid_frequency.to_f64().unwrap_or(0.0), 2, 5),
            ac_output_voltage: s.ac_output_voltage,
            ac_output_frequency: d(s.ac_output_frequency.to_f64().unwrap_or(0.0), 2, 5),
            ac_output_apparent_power: s.ac_output_apparent_power,
            ac_output_active_power: s.ac_output_active_power,
            load_percent: s.output_load_percent,
            battery_voltage: d(s.battery_voltage.to_f64().unwrap_or(0.0), 1, 4),
            battery_charging_current: s.battery_charging_current,
            battery_capacity: s.battery_capacity,
            pv_input_voltage: s.pv_input_voltage,
            total_charging_current: s.battery_charging_current,
            total_ac_output_apparent_power: d(
                s.ac_output_apparent_power.to_f64().unwrap_or(0.0),
                0,
                5,
            ),
            total_output_active_power: d(s.ac_output_active_power.to_f64().unwrap_or(0.0), 0, 5),
            total_ac_output_percent: s.output_load_percent,
            status: bits,
            output_mode: self.output_mode,
            charger_source_priority: self.charger_source,
            max_charger_current: d(f64::from(self.max_charge), 0, 3),
            max_charger_range: d(120.0, 0, 3),
            max_ac_charger_current: d(f64::from(self.max_utility_charge), 0, 2),
            pv_input_current: d(s.pv_input_current.to_f64().unwrap_or(0.0), 0, 2),
            battery_discharge_current: d(s.battery_discharge_current.to_f64().unwrap_or(0.0), 0, 3),
            extra: Extra::default(),
        }
    }

    fn warnings(&self) -> WarningStatus {
        let mut w = Warnings::empty();
        if !self.grid_on {
            w |= Warnings::LINE_FAIL;
        }
        if self.soc < 0.2 {
            w |= Warnings::BATTERY_LOW;
        }
        if self.load_w > 2600.0 {
            w |= Warnings::OVER_LOAD;
        }
        WarningStatus {
            bits: w,
            positions: 32,
        }
    }

    /// The reply to one received command (or to a command that was refused).
    pub fn answer(&mut self, command: Result<Command, Error>) -> Response {
        let Ok(command) = command else {
            return Response::Nak;
        };
        match command {
            Command::Inquiry(i) => self.inquiry(i),
            Command::Setting(s) => {
                if self.apply(s) {
                    Response::Ack
                } else {
                    Response::Nak
                }
            }
            Command::Raw(_) => Response::Nak,
        }
    }

    fn inquiry(&mut self, i: Inquiry) -> Response {
        match i {
            Inquiry::ProtocolId => Response::ProtocolId(text("PI30")),
            Inquiry::SerialNumber => Response::SerialNumber(text(SERIAL)),
            Inquiry::SerialId => Response::SerialId(SerialId {
                valid_length: d(14.0, 0, 2),
                digits: text(&format!("{SERIAL}000000")),
            }),
            Inquiry::Firmware => Response::Firmware(Firmware {
                version: text("00072.70"),
            }),
            Inquiry::Firmware2 => Response::Firmware2(Firmware {
                version: text("00044.11"),
            }),
            Inquiry::RatedInfo => Response::RatedInfo(self.rated_info()),
            Inquiry::Flags => Response::Flags(FlagStatus::new(
                self.enabled,
                FlagSet::all_documented().difference(self.enabled),
            )),
            Inquiry::GeneralStatus => Response::GeneralStatus(self.general_status()),
            Inquiry::ParallelStatus(0) => Response::ParallelStatus(self.parallel_status()),
            Inquiry::ParallelStatus(_) => Response::Nak,
            Inquiry::Mode => Response::Mode(self.mode()),
            Inquiry::Warnings => Response::Warnings(self.warnings()),
            Inquiry::Defaults => Response::Defaults(self.defaults()),
            Inquiry::ChargingCurrents => CurrentList::new(CHARGE_CURRENTS)
                .map(Response::ChargingCurrents)
                .unwrap_or(Response::Nak),
            Inquiry::UtilityChargingCurrents => CurrentList::new(UTILITY_CURRENTS)
                .map(Response::UtilityChargingCurrents)
                .unwrap_or(Response::Nak),
            Inquiry::OutputMode => Response::OutputMode(self.output_mode),
            Inquiry::ModelName => Response::ModelName(text("VMIII-5000")),
            Inquiry::ModelNumber => Response::ModelNumber(match self.system {
                BatterySystem::V48Hv64 => ModelNumber::MksHv48v64,
                _ => ModelNumber::Vm5000,
            }),
            Inquiry::Equalization => Response::Equalization(Equalization {
                enabled: self.eq_enabled,
                time: d(f64::from(self.eq_time), 0, 3),
                period: d(f64::from(self.eq_period), 0, 3),
                max_current: d(80.0, 0, 3),
                reserved_5: d(21.0, 0, 3),
                voltage: d(f64::from(self.eq_voltage) / 100.0, 2, 5),
                reserved_7: d(224.0, 0, 3),
                over_time: d(f64::from(self.eq_over_time), 0, 3),
                active: self.eq_active,
                reserved_10: d(234.0, 0, 4),
                extra: Extra::default(),
            }),
        }
    }

    /// `PF`: every setting QDI lists goes back to what QDI reports; the
    /// equalization settings, which QDI does not list, to a new unit's.
    /// The live state (time, battery, load, grid) is not a setting.
    fn reset_defaults(&mut self) {
        let q = self.defaults();
        let tenths = |x: Decimal| x.at_scale(1).unwrap_or(0);
        let whole = |x: Decimal| x.to_u32().and_then(|v| u16::try_from(v).ok()).unwrap_or(0);
        let mut enabled = FlagSet::empty();
        for (on, flag) in [
            (q.buzzer, FlagSet::BUZZER),
            (q.overload_bypass, FlagSet::OVERLOAD_BYPASS),
            (q.power_saving, FlagSet::POWER_SAVING),
            (q.lcd_return_default, FlagSet::LCD_RETURN_DEFAULT),
            (q.overload_restart, FlagSet::OVERLOAD_RESTART),
            (
                q.over_temperature_restart,
                FlagSet::OVER_TEMPERATURE_RESTART,
            ),
            (q.lcd_backlight, FlagSet::BACKLIGHT),
            (q.primary_source_alarm, FlagSet::PRIMARY_SOURCE_ALARM),
            (q.fault_code_record, FlagSet::FAULT_RECORD),
        ] {
            enabled.set(flag, on);
        }
        *self = Inverter {
            output_source: q.output_source_priority,
            charger_source: q.charger_source_priority,
            battery_type: q.battery_type,
            input_range: q.input_voltage_range,
            output_mode: q.output_mode,
            frequency: u8::try_from(whole(q.ac_output_frequency)).unwrap_or(50),
            recharge: tenths(q.battery_recharge_voltage),
            redischarge: tenths(q.battery_redischarge_voltage),
            cutoff: tenths(q.battery_under_voltage),
            bulk: tenths(q.bulk_voltage),
            float: tenths(q.float_voltage),
            max_charge: whole(q.max_charging_current),
            max_utility_charge: whole(q.max_ac_charging_current),
            enabled,
            pv_ok_all: q.pv_ok_condition,
            pv_balance: q.pv_power_balance,
            cv_time: q.max_cv_charging_time.map_or(0, whole),
            clock: self.clock,
            rng: self.rng,
            soc: self.soc,
            load_w: self.load_w,
            grid_on: self.grid_on,
            ..Inverter::new(self.system)
        };
    }

    /// Applies a setting the protocol crate has already range-checked;
    /// `false` for what this unit refuses on top (currents not in its lists).
    fn apply(&mut self, s: Setting) -> bool {
        let deci = |v: axpert_proto::Volts| v.value.at_scale(1).unwrap_or(0);
        match s {
            Setting::Enable(f) => self.enabled |= f,
            Setting::Disable(f) => self.enabled.remove(f),
            Setting::ResetDefaults => self.reset_defaults(),
            Setting::MaxChargingCurrent(a) if CHARGE_CURRENTS.contains(&a) => self.max_charge = a,
            Setting::MaxChargingCurrentOf { unit: 0, amps } if amps <= 120 => {
                self.max_charge = amps
            }
            Setting::MaxUtilityChargingCurrent(a) if UTILITY_CURRENTS.contains(&a) => {
                self.max_utility_charge = a
            }
            Setting::OutputFrequency(hz) => self.frequency = hz,
            Setting::OutputSource(o) => self.output_source = o,
            Setting::RechargeVoltage(v) => self.recharge = deci(v),
            Setting::RedischargeVoltage(v) => self.redischarge = deci(v),
            Setting::ChargerSource(c) => self.charger_source = c,
            Setting::InputRange(r) => self.input_range = r,
            Setting::BatteryType(t) => self.battery_type = t,
            Setting::OutputMode(m) => self.output_mode = m,
            Setting::ChargerSourceOf { unit: 0, source } => self.charger_source = source,
            Setting::CutoffVoltage(v) => self.cutoff = deci(v),
            Setting::BulkVoltage(v) => self.bulk = deci(v),
            Setting::FloatVoltage(v) => self.float = deci(v),
            Setting::ParallelPvOk(b) => self.pv_ok_all = b,
            Setting::PvPowerBalance(b) => self.pv_balance = b,
            Setting::EqualizationEnabled(b) => self.eq_enabled = b,
            Setting::EqualizationTime(m) => self.eq_time = m,
            Setting::EqualizationPeriod(p) => self.eq_period = p,
            Setting::EqualizationVoltage(v) => self.eq_voltage = v.value.at_scale(2).unwrap_or(0),
            Setting::EqualizationOverTime(m) => self.eq_over_time = m,
            Setting::EqualizationNow(b) => self.eq_active = b,
            Setting::MaxCvTime(m) => self.cv_time = m,
            _ => return false,
        }
        true
    }

    /// The battery system the unit checks voltage settings against.
    pub fn system(&self) -> BatterySystem {
        self.system
    }

    /// Simulates a grid failure or its return.
    pub fn set_grid(&mut self, on: bool) {
        self.grid_on = on;
    }
}

/// Serves `inverter` on `io` until `stop` returns true or the link fails;
/// `log` sees every command and its reply.
pub fn serve<T: Read + Write>(
    inverter: &mut Inverter,
    io: &mut T,
    stop: impl FnMut() -> bool,
    mut log: impl FnMut(&str, &Response),
) -> Result<(), T::Error> {
    let mut device = Device::<256>::new(inverter.system());
    let clock = StdClock::new();
    let mut last = Duration::ZERO;
    transports::serve::serve(io, &clock, &mut device, stop, |now, call| {
        inverter.advance(now.saturating_sub(last));
        last = now;
        let Call::Request(command) = call else {
            return None;
        };
        let name = match &command {
            Ok(c) => c.to_string(),
            Err(e) => format!("refused ({e})"),
        };
        let reply = inverter.answer(command);
        log(&name, &reply);
        Some(reply)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inquiry_encodes_and_decodes_back() {
        let mut inv = Inverter::new(BatterySystem::V48);
        for step in 0..50 {
            inv.advance(Duration::from_secs(7));
            for i in Inquiry::ALL {
                let r = inv.answer(Ok(Command::Inquiry(i)));
                let mut buf = [0u8; 300];
                let n = r.encode(&mut buf).unwrap();
                let back = Response::decode_bytes(Some(i), &buf[..n]).unwrap();
                assert_eq!(back, r, "step {step}, {i:?}");
            }
        }
    }

    #[test]
    fn values_change_over_the_day() {
        let mut inv = Inverter::new(BatterySystem::V48);
        let mut pv = Vec::new();
        for _ in 0..10 {
            inv.advance(DAY / 10);
            pv.push(inv.general_status().pv_input_voltage);
        }
        assert!(pv.iter().any(|v| v.to_f32() > Some(200.0)));
        assert!(pv.iter().any(|v| v.to_f32() == Some(0.0)));
    }

    #[test]
    fn settings_show_up_in_qpiri() {
        let mut inv = Inverter::new(BatterySystem::V48);
        let cmd = Command::from_name("PCVV", &["57.6"], BatterySystem::V48).unwrap();
        assert_eq!(inv.answer(Ok(cmd)), Response::Ack);
        let Response::RatedInfo(r) = inv.answer(Ok(Inquiry::RatedInfo.into())) else {
            panic!()
        };
        assert_eq!(r.battery_bulk_voltage.to_string(), "57.6");
        let cmd = Command::from_name("MCHGC", &["35"], BatterySystem::V48).unwrap();
        assert_eq!(inv.answer(Ok(cmd)), Response::Nak, "35 A is not in QMCHGCR");
    }

    /// QPIRI's and QFLAG's settable values equal QDI's defaults.
    fn assert_settings_are_the_defaults(inv: &mut Inverter) {
        let Response::RatedInfo(r) = inv.answer(Ok(Inquiry::RatedInfo.into())) else {
            panic!("QPIRI")
        };
        let Response::Defaults(q) = inv.answer(Ok(Inquiry::Defaults.into())) else {
            panic!("QDI")
        };
        let Response::Flags(f) = inv.answer(Ok(Inquiry::Flags.into())) else {
            panic!("QFLAG")
        };
        let num = |x: Decimal| x.to_f64().unwrap();
        let pairs = [
            (
                "frequency",
                r.ac_output_rating_frequency,
                q.ac_output_frequency,
            ),
            (
                "re-charge",
                r.battery_recharge_voltage,
                q.battery_recharge_voltage,
            ),
            (
                "re-discharge",
                r.battery_redischarge_voltage,
                q.battery_redischarge_voltage,
            ),
            ("cut-off", r.battery_under_voltage, q.battery_under_voltage),
            ("bulk", r.battery_bulk_voltage, q.bulk_voltage),
            ("float", r.battery_float_voltage, q.float_voltage),
            (
                "max charging",
                r.max_charging_current,
                q.max_charging_current,
            ),
            (
                "max AC charging",
                r.max_ac_charging_current,
                q.max_ac_charging_current,
            ),
            (
                "max C.V. time",
                r.max_cv_charging_time.unwrap(),
                q.max_cv_charging_time.unwrap(),
            ),
        ];
        for (what, now, default) in pairs {
            assert_eq!(num(now), num(default), "{what}");
        }
        assert_eq!(r.battery_type, q.battery_type);
        assert_eq!(r.input_voltage_range, q.input_voltage_range);
        assert_eq!(r.output_source_priority, q.output_source_priority);
        assert_eq!(r.charger_source_priority, q.charger_source_priority);
        assert_eq!(r.output_mode, q.output_mode);
        assert_eq!(r.pv_ok_condition, q.pv_ok_condition);
        assert_eq!(r.pv_power_balance, q.pv_power_balance);
        let on = f.enabled_set();
        for (flag, default) in [
            (FlagSet::BUZZER, q.buzzer),
            (FlagSet::OVERLOAD_BYPASS, q.overload_bypass),
            (FlagSet::POWER_SAVING, q.power_saving),
            (FlagSet::LCD_RETURN_DEFAULT, q.lcd_return_default),
            (FlagSet::OVERLOAD_RESTART, q.overload_restart),
            (
                FlagSet::OVER_TEMPERATURE_RESTART,
                q.over_temperature_restart,
            ),
            (FlagSet::BACKLIGHT, q.lcd_backlight),
            (FlagSet::PRIMARY_SOURCE_ALARM, q.primary_source_alarm),
            (FlagSet::FAULT_RECORD, q.fault_code_record),
        ] {
            assert_eq!(on.contains(flag), default, "{flag:?}");
        }
    }

    #[test]
    fn pf_restores_what_qdi_reports() {
        for system in [
            BatterySystem::V12,
            BatterySystem::V24,
            BatterySystem::V48,
            BatterySystem::V48Hv64,
        ] {
            let mut inv = Inverter::new(system);
            inv.set_grid(false);
            let mut set = |name: &str, args: &[&str]| {
                let cmd = Command::from_name(name, args, system).unwrap();
                assert_eq!(inv.answer(Ok(cmd)), Response::Ack, "{system:?} {cmd}");
            };
            set("POP", &["1"]);
            set("PCP", &["2"]);
            set("PBT", &["1"]);
            set("PGR", &["1"]);
            set("POPM", &["2"]);
            set("F", &["60"]);
            set("MCHGC", &["110"]);
            set("MUCHGC", &["2"]);
            set("PE", &["bjkuvz"]);
            set("PD", &["axy"]);
            set("PPVOKC", &["1"]);
            set("PSPB", &["0"]);
            set("PCVT", &["120"]);
            if system == BatterySystem::V48 {
                set("PBCV", &["49"]);
                set("PBDV", &["57"]);
                set("PSDV", &["44.5"]);
                set("PCVV", &["57.6"]);
                set("PBFT", &["55.2"]);
            }
            set("PF", &[]);
            assert_settings_are_the_defaults(&mut inv);
            assert!(!inv.grid_on, "the grid is not a setting");
        }
    }
}
