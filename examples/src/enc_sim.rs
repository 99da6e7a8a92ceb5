//! A simulated ENC drive with a motor model, built on the device side of
//! `enc-ascii`.
//!
//! The output frequency ramps toward the set point at the rate the
//! acceleration and deceleration times give; current follows frequency and
//! load; voltage follows V/f; the module warms with current. Faults can be
//! injected (at a time, or by writing FF.00) and trip the drive.
//!
//! What the manuals do not say, the simulator decides, and says so here:
//! - Run-control indices past 03: 04 reverse run, 05 stop, 06 jog,
//!   07 fault reset (the manual page with these rows is missing).
//! - State-query codes: 11 stopped and 12 running while serial control is
//!   on (F0.02 = 2), 13 and 14 when it is off, 10 while tripped.
//! - The parameter table below (F2.14–F2.17 follow docs/protocols/enc.md §1; the rest is
//!   a plausible small set).

use std::collections::BTreeMap;
use std::time::Duration;

use embedded_io::{Read, Write};
use enc_ascii::{
    Address, Command, Control, Device, Fault, Incoming, Param, Radix, Reading, Request, Response,
    ResponseCode, StateWord,
};
use transports::{StdClock, serve::Call};

/// A parameter: value, and the largest value a write may set.
#[derive(Debug, Clone, Copy)]
struct Setting {
    value: u16,
    max: u16,
}

/// The simulator's parameter table: (group, number, default, max, meaning).
const PARAMS: &[(u8, u8, u16, u16, &str)] = &[
    (0, 0, 3, 4, "frequency source (3: serial)"),
    (0, 1, 5000, 65535, "digital frequency setting, 0.01 Hz"),
    (
        0,
        2,
        2,
        2,
        "run command source (0 panel, 1 terminals, 2 serial)",
    ),
    (0, 3, 0, 1, "direction (0 forward, 1 reverse)"),
    (0, 4, 5000, 65535, "maximum frequency, 0.01 Hz"),
    (0, 5, 5000, 65535, "upper limit frequency, 0.01 Hz"),
    (0, 6, 0, 65535, "lower limit frequency, 0.01 Hz"),
    (0, 8, 50, 36000, "acceleration time, 0.1 s"),
    (0, 9, 50, 36000, "deceleration time, 0.1 s"),
    (
        2,
        14,
        0x03,
        0x25,
        "communication baud (digit 1) and format (digit 2)",
    ),
    (2, 15, 1, 127, "local address"),
    (2, 16, 0, 10000, "communication timeout, 0.1 s"),
    (2, 17, 5, 200, "response delay, ms"),
    (
        0x0F,
        0,
        0,
        23,
        "simulator: write a fault code to trip the drive",
    ),
];

/// The simulated drive.
#[derive(Debug, Clone)]
pub struct Drive {
    address: Address,
    radix: Radix,
    params: BTreeMap<(u8, u8), Setting>,
    running: bool,
    reverse: bool,
    jog: bool,
    /// Set point, 0.01 Hz.
    set: u16,
    /// Output frequency, Hz.
    out: f64,
    load: f64,
    temperature: f64,
    run_hours: f64,
    fault: Fault,
    inject: Option<(Duration, Fault)>,
    clock: Duration,
    rng: u64,
}

impl Drive {
    /// A stopped drive at `address`, writing response codes under `radix`.
    pub fn new(address: Address, radix: Radix) -> Self {
        let params = PARAMS
            .iter()
            .map(|&(g, n, value, max, _)| ((g, n), Setting { value, max }))
            .collect();
        Drive {
            address,
            radix,
            params,
            running: false,
            reverse: false,
            jog: false,
            set: 5000,
            out: 0.0,
            load: 0.6,
            temperature: 31.0,
            run_hours: 0.0,
            fault: Fault::None,
            inject: None,
            clock: Duration::ZERO,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// Trips the drive with `fault` once the simulation reaches `at`.
    pub fn inject_fault(&mut self, at: Duration, fault: Fault) {
        self.inject = Some((at, fault));
    }

    fn param(&self, g: u8, n: u8) -> u16 {
        self.params.get(&(g, n)).map_or(0, |s| s.value)
    }

    fn serial_control(&self) -> bool {
        self.param(0, 2) == 2
    }

    fn upper_limit(&self) -> u16 {
        self.param(0, 5).min(self.param(0, 4))
    }

    fn random(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Output frequency now, Hz (negative when reversing).
    pub fn output_hz(&self) -> f64 {
        if self.reverse { -self.out } else { self.out }
    }

    /// Moves the motor model on by `dt`.
    pub fn advance(&mut self, dt: Duration) {
        self.clock += dt;
        if let Some((at, f)) = self.inject
            && self.clock >= at
        {
            self.trip(f);
            self.inject = None;
        }
        let s = dt.as_secs_f64();
        let max_hz = f64::from(self.param(0, 4)) / 100.0;
        let target = match (self.running, self.jog) {
            (false, _) => 0.0,
            (true, true) => 5.0,
            (true, false) => f64::from(self.set) / 100.0,
        };
        let time = if target >= self.out {
            self.param(0, 8)
        } else {
            self.param(0, 9)
        };
        let rate = max_hz / (f64::from(time.max(1)) / 10.0);
        let step = rate * s;
        self.out = if (target - self.out).abs() <= step {
            target
        } else if target > self.out {
            self.out + step
        } else {
            self.out - step
        };
        self.load = (self.load + (self.random() - 0.5) * 0.05 * s.sqrt()).clamp(0.2, 1.0);
        let amps = self.current_a();
        self.temperature += (30.0 + amps * 2.5 - self.temperature) * (s / 60.0).min(1.0);
        if self.out > 0.0 {
            self.run_hours += s / 3600.0;
        }
    }

    fn current_a(&self) -> f64 {
        if self.out <= 0.0 {
            return 0.0;
        }
        1.2 + 8.5 * self.load * (self.out / 50.0).min(1.2)
    }

    fn trip(&mut self, fault: Fault) {
        self.fault = fault;
        self.running = false;
        self.jog = false;
        self.out = 0.0;
    }

    fn reading(&mut self, r: Reading) -> Option<u16> {
        let jitter = self.random() - 0.5;
        let clamp = |v: f64| v.round().clamp(0.0, 65535.0) as u16;
        Some(match r {
            Reading::SetFrequency => self.set,
            Reading::RunFrequency => clamp(self.out * 100.0),
            Reading::OutputVoltage => clamp(380.0 * (self.out / 50.0).min(1.0)),
            Reading::OutputCurrent => {
                clamp(self.current_a() * 10.0 + if self.out > 0.0 { jitter } else { 0.0 })
            }
            Reading::BusVoltage => clamp(537.0 + 4.0 * jitter),
            Reading::MotorSpeed => clamp(self.out * 30.0 * (1.0 - 0.03 * self.load)),
            Reading::ModuleTemperature => clamp(self.temperature),
            Reading::RunTime => clamp(self.run_hours),
            Reading::AccumulatedTime => clamp(1234.0 + self.run_hours),
            Reading::InputTerminals => {
                u16::from(self.running && !self.reverse)
                    | u16::from(self.running && self.reverse) << 1
            }
            Reading::OutputTerminals => {
                u16::from(self.out > 0.0) | u16::from(self.fault != Fault::None) << 1
            }
            Reading::AnalogVci => 500,
            Reading::AnalogYci | Reading::AnalogCci | Reading::PulseInput => 0,
            Reading::StateWord => self.state_word().bits(),
            Reading::Unknown(_) => return None,
        })
    }

    fn state_word(&self) -> StateWord {
        let mut w = StateWord::empty();
        w.set(StateWord::RUNNING, self.out > 0.0 || self.running);
        w.set(StateWord::REVERSE, self.reverse);
        w.set(StateWord::JOG, self.jog);
        w.set(StateWord::COMMON_RUN, self.running && !self.jog);
        w
    }

    fn control(&mut self, c: Control) -> Result<(), ResponseCode> {
        if !self.serial_control() {
            return Err(ResponseCode::Refused);
        }
        let tripped = self.fault != Fault::None;
        match c {
            Control::Run | Control::Forward | Control::RunAt(_) if tripped => {
                return Err(ResponseCode::Refused);
            }
            Control::SetFrequency(f) | Control::RunAt(f) if f.0 > self.upper_limit() => {
                return Err(ResponseCode::Refused);
            }
            _ => {}
        }
        match c {
            Control::Run => self.running = true,
            Control::SetFrequency(f) => self.set = f.0,
            Control::RunAt(f) => {
                self.set = f.0;
                self.running = true;
            }
            Control::Forward => {
                self.running = true;
                self.reverse = false;
            }
            Control::Other { index: 4, .. } if !tripped => {
                self.running = true;
                self.reverse = true;
            }
            Control::Other { index: 5, .. } => {
                self.running = false;
                self.jog = false;
            }
            Control::Other { index: 6, .. } if !tripped => {
                self.running = true;
                self.jog = true;
            }
            Control::Other { index: 7, .. } => self.fault = Fault::None,
            Control::Other { index: 4 | 6, .. } => return Err(ResponseCode::Refused),
            Control::Other { .. } => return Err(ResponseCode::FrameError),
        }
        Ok(())
    }

    /// The reply to what the drive received (`None` for a broadcast).
    pub fn answer(&mut self, incoming: Incoming) -> Option<Response> {
        let r = match incoming {
            Incoming::Bad(_) => {
                return Some(Response::frame_error(
                    self.address,
                    self.radix,
                    Some(self.fault),
                ));
            }
            Incoming::Request(r) => r,
        };
        let reply = self.answer_request(&r);
        (!r.address.is_broadcast()).then_some(reply)
    }

    fn answer_request(&mut self, r: &Request) -> Response {
        let (_, _, index, data) = r.command.wire();
        let ok = |d: Option<u16>, me: &Self| {
            Response::new(
                me.address,
                ResponseCode::Normal,
                me.radix,
                me.fault,
                index,
                d,
            )
        };
        let refused = |me: &Self| {
            Response::new(
                me.address,
                ResponseCode::Refused,
                me.radix,
                me.fault,
                index,
                data,
            )
        };
        let frame_error = |me: &Self| Response::frame_error(me.address, me.radix, Some(me.fault));
        match r.command {
            Command::State => {
                let running = self.out > 0.0 || self.running;
                let code = match (self.fault != Fault::None, self.serial_control(), running) {
                    (true, _, _) => ResponseCode::NotReady,
                    (false, true, false) => ResponseCode::Ready(11),
                    (false, true, true) => ResponseCode::Ready(12),
                    (false, false, false) => ResponseCode::ReadyLocked(13),
                    (false, false, true) => ResponseCode::ReadyLocked(14),
                };
                Response::new(self.address, code, self.radix, self.fault, index, None)
            }
            Command::Read(reading) => match self.reading(reading) {
                Some(v) => ok(Some(v), self),
                None => frame_error(self),
            },
            Command::Control(c) => match self.control(c) {
                Ok(()) => ok(data, self),
                Err(ResponseCode::Refused) => refused(self),
                Err(_) => frame_error(self),
            },
            Command::ReadParam(p) => match self.params.get(&key(p)) {
                Some(s) => ok(Some(s.value), self),
                None => frame_error(self),
            },
            Command::WriteParam(p, v) => match self.params.get_mut(&key(p)) {
                None => frame_error(self),
                Some(s) if v > s.max => refused(self),
                Some(s) => {
                    s.value = v;
                    if key(p) == (0x0F, 0) && v != 0 {
                        self.trip(Fault::from_code(v as u8));
                    }
                    ok(Some(v), self)
                }
            },
            Command::Version => ok(Some(0x0123), self),
            Command::Raw { .. } => frame_error(self),
        }
    }
}

fn key(p: Param) -> (u8, u8) {
    (p.group.code(), p.number)
}

/// Serves `drive` on `io` until `stop` returns true or the link fails;
/// `log` sees every request and its reply.
pub fn serve<T: Read + Write>(
    drive: &mut Drive,
    io: &mut T,
    stop: impl FnMut() -> bool,
    mut log: impl FnMut(&Incoming, Option<&Response>),
) -> Result<(), T::Error> {
    let mut device = Device::new(drive.address);
    let clock = StdClock::new();
    let mut last = Duration::ZERO;
    transports::serve::serve(io, &clock, &mut device, stop, |now, call| {
        drive.advance(now.saturating_sub(last));
        last = now;
        let Call::Request(incoming) = call else {
            return None;
        };
        let reply = drive.answer(incoming);
        log(&incoming, reply.as_ref());
        Some(reply)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use enc_ascii::Frequency;

    fn a1() -> Address {
        Address::new(1).unwrap()
    }

    fn ask(d: &mut Drive, command: Command) -> Response {
        d.answer(Incoming::Request(Request::new(a1(), command)))
            .unwrap()
    }

    #[test]
    fn frequency_ramps_to_the_set_point() {
        let mut d = Drive::new(a1(), Radix::Literal);
        let set = Control::SetFrequency(Frequency::parse("40.00").unwrap());
        assert_eq!(
            ask(&mut d, Command::Control(set)).code,
            ResponseCode::Normal
        );
        assert_eq!(
            ask(&mut d, Command::Control(Control::Run)).code,
            ResponseCode::Normal
        );
        let mut seen = Vec::new();
        for _ in 0..12 {
            d.advance(Duration::from_millis(500));
            seen.push(
                ask(&mut d, Command::Read(Reading::RunFrequency))
                    .data
                    .unwrap(),
            );
        }
        // 50 Hz in 5 s: 5 Hz a 0.5 s step, then holding 40.00 Hz.
        assert_eq!(&seen[..3], &[500, 1000, 1500]);
        assert_eq!(seen[11], 4000);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]));
        let amps = ask(&mut d, Command::Read(Reading::OutputCurrent))
            .data
            .unwrap();
        assert!(amps > 20, "current follows frequency: {amps}");
        let w = ask(&mut d, Command::Read(Reading::StateWord)).data.unwrap();
        assert!(StateWord::from_bits_retain(w).contains(StateWord::RUNNING));
    }

    #[test]
    fn refusals_and_frame_errors() {
        let mut d = Drive::new(a1(), Radix::Literal);
        // Above the upper limit (F0.05 = 50.00 Hz): refused, index echoed.
        let r = ask(
            &mut d,
            Command::Control(Control::SetFrequency(Frequency(6000))),
        );
        assert_eq!(
            (r.code, r.index, r.data),
            (ResponseCode::Refused, Some(1), Some(6000))
        );
        // A parameter outside its range: refused; one that does not exist: frame error.
        let p = Param::parse("F2.17").unwrap();
        assert_eq!(
            ask(&mut d, Command::WriteParam(p, 201)).code,
            ResponseCode::Refused
        );
        assert_eq!(ask(&mut d, Command::WriteParam(p, 20)).data, Some(20));
        let r = ask(&mut d, Command::ReadParam(Param::parse("F9.99").unwrap()));
        assert_eq!((r.code, r.index), (ResponseCode::FrameError, None));
        // Serial control off: control refused, state 13.
        assert_eq!(
            ask(
                &mut d,
                Command::WriteParam(Param::parse("F0.02").unwrap(), 0)
            )
            .code,
            ResponseCode::Normal
        );
        assert_eq!(
            ask(&mut d, Command::Control(Control::Run)).code,
            ResponseCode::Refused
        );
        assert_eq!(
            ask(&mut d, Command::State).code,
            ResponseCode::ReadyLocked(13)
        );
    }

    #[test]
    fn injected_faults_trip_and_reset() {
        let mut d = Drive::new(a1(), Radix::Literal);
        ask(&mut d, Command::Control(Control::Run));
        d.inject_fault(Duration::from_secs(1), Fault::DriveOverload);
        d.advance(Duration::from_secs(2));
        let r = ask(&mut d, Command::State);
        assert_eq!(
            (r.code, r.fault),
            (ResponseCode::NotReady, Some(Fault::DriveOverload))
        );
        assert_eq!(
            ask(&mut d, Command::Control(Control::Run)).code,
            ResponseCode::Refused
        );
        ask(
            &mut d,
            Command::Control(Control::Other {
                index: 7,
                data: None,
            }),
        );
        assert_eq!(ask(&mut d, Command::State).fault, Some(Fault::None));
        // Through the protocol: FF.00 trips it too.
        ask(
            &mut d,
            Command::WriteParam(Param::parse("FF.00").unwrap(), 16),
        );
        assert_eq!(
            ask(&mut d, Command::Version).fault,
            Some(Fault::Communication)
        );
    }

    #[test]
    fn broadcast_is_obeyed_silently() {
        let mut d = Drive::new(a1(), Radix::Literal);
        let b = Request::new(
            Address::BROADCAST,
            Command::Control(Control::SetFrequency(Frequency(3000))),
        );
        assert!(d.answer(Incoming::Request(b)).is_none());
        assert_eq!(
            ask(&mut d, Command::Read(Reading::SetFrequency)).data,
            Some(3000)
        );
    }
}
