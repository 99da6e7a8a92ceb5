//! A simulated battery behind a simulated SLCAN adapter.
//!
//! The battery charges and discharges on a slow cycle; its SOC follows the
//! current, its voltage the SOC, its temperature the current. An alarm can
//! be injected. It emits its frames once a second through `bms-can`'s
//! emitter; the adapter is the `slcan` crate's [`Adapter`] on the serve
//! loop (it answers the host's commands and passes frames both ways while
//! the channel is open), and the battery notes the inverter's keep-alive
//! (0x305).

use std::time::Duration;

use bms_can::{Ascii, Emitter, Message, Profile, Protection, Report, Requests};
use slcan::{Adapter, Host};
use transports::serve::Call;
use transports::slcan::CanFrame as Frame;

/// The simulated battery and its adapter.
#[derive(Debug, Clone)]
pub struct Pack {
    clock: Duration,
    soc: f64,
    current_a: f64,
    temperature_c: f64,
    protection: Protection,
    inject: Option<(Duration, Protection)>,
    emitter: Emitter,
    keepalives: u64,
    /// Whether the host has the adapter's channel open.
    open: bool,
}

/// Nominal capacity of the simulated pack, Ah.
pub const CAPACITY_AH: f64 = 200.0;

impl Pack {
    /// A pack at 62 % sending the `profile` message set.
    pub fn new(profile: Profile) -> Self {
        let mut p = Pack {
            clock: Duration::ZERO,
            soc: 0.62,
            current_a: 0.0,
            temperature_c: 24.0,
            protection: Protection::empty(),
            inject: None,
            emitter: Emitter::new(profile, blank(), Duration::ZERO),
            keepalives: 0,
            open: false,
        };
        p.emitter.update(p.report());
        p
    }

    /// Sets `flags` once the simulation reaches `at`.
    pub fn inject(&mut self, at: Duration, flags: Protection) {
        self.inject = Some((at, flags));
    }

    /// Keep-alive frames (0x305) the inverter sent so far.
    pub fn keepalives(&self) -> u64 {
        self.keepalives
    }

    fn report(&self) -> Report {
        let cells = 15.0;
        let volts = cells * (3.05 + 0.35 * self.soc) + self.current_a * 0.002;
        let alarm = !self.protection.protections().is_empty();
        Report {
            charge_voltage_dv: 532,
            charge_current_da: if alarm { 0 } else { 1000 },
            discharge_current_da: if alarm { 0 } else { 1000 },
            discharge_voltage_dv: 450,
            soc_centi: (self.soc * 10_000.0).round() as u16,
            soh: 98,
            voltage_cv: (volts * 100.0).round() as i16,
            current_da: (self.current_a * 10.0).round() as i16,
            temperature_dc: (self.temperature_c * 10.0).round() as i16,
            protection: self.protection,
            requests: if alarm {
                Requests::empty()
            } else {
                Requests::CHARGE_ENABLE | Requests::DISCHARGE_ENABLE
            },
            modules: 2,
            capacity_ah: CAPACITY_AH as u16,
            name: Ascii::new(b"PYLON   "),
        }
    }

    /// Moves the pack on by `dt` (time is compressed: one second is a minute).
    pub fn advance(&mut self, dt: Duration) {
        self.clock += dt;
        if let Some((at, flags)) = self.inject
            && self.clock >= at
        {
            self.protection |= flags;
            self.inject = None;
        }
        let t = self.clock.as_secs_f64();
        self.current_a = if self.protection.protections().is_empty() {
            40.0 * (t / 30.0 * std::f64::consts::TAU).sin()
        } else {
            0.0
        };
        let hours = dt.as_secs_f64() * 60.0 / 3600.0;
        self.soc = (self.soc + self.current_a * hours / CAPACITY_AH).clamp(0.02, 1.0);
        let target = 24.0 + self.current_a.abs() * 0.1;
        self.temperature_c += (target - self.temperature_c) * (dt.as_secs_f64() / 20.0).min(1.0);
        self.emitter.update(self.report());
    }

    /// The serve loop's application: time passes (and, while the host has
    /// the channel open, the frames due go out, one per call), or the host
    /// did something (opened or closed the channel, sent a frame: the
    /// keep-alive is noted).
    pub fn on(&mut self, now: Duration, call: Call<Host>) -> Option<Frame> {
        match call {
            Call::Tick => {
                self.advance(now.saturating_sub(self.clock));
                self.open.then(|| self.emitter.poll_transmit(self.clock))?
            }
            Call::Request(Host::Open) => {
                self.open = true;
                None
            }
            Call::Request(Host::Close) => {
                self.open = false;
                None
            }
            Call::Request(Host::Frame(f)) => {
                if f.id == 0x305 && !f.extended {
                    self.keepalives += 1;
                }
                None
            }
        }
    }
}

/// Serves `pack` behind a simulated SLCAN adapter on `io` until `stop`
/// returns true or the link fails.
pub fn serve<T: embedded_io::Read + embedded_io::Write>(
    pack: &mut Pack,
    io: &mut T,
    stop: impl FnMut() -> bool,
) -> Result<(), T::Error> {
    let mut adapter: Adapter = Adapter::new(*b"1013", *b"SIM1");
    let clock = transports::StdClock::new();
    transports::serve::serve(io, &clock, &mut adapter, stop, |now, call| {
        pack.on(now, call)
    })
}

fn blank() -> Report {
    Report {
        charge_voltage_dv: 0,
        charge_current_da: 0,
        discharge_current_da: 0,
        discharge_voltage_dv: 0,
        soc_centi: 0,
        soh: 0,
        voltage_cv: 0,
        current_da: 0,
        temperature_dc: 0,
        protection: Protection::empty(),
        requests: Requests::empty(),
        modules: 0,
        capacity_ah: 0,
        name: Ascii::new(b""),
    }
}

/// The protection flag of a name, for `--alarm NAME@SECONDS`.
pub fn alarm_by_name(name: &str) -> Option<Protection> {
    Protection::all()
        .iter_names()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name.replace('-', "_")))
        .map(|(_, f)| f)
}

/// Decodes an SLCAN frame into a message.
pub fn message(f: &Frame) -> Result<Message, bms_can::Error> {
    Message::from_can(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto_core::DeviceMachine;

    /// The pack behind its adapter, driven as the serve loop would: the
    /// host's bytes at `now`, then the frames due; what goes to the host.
    fn exchange(p: &mut Pack, a: &mut Adapter, now: Duration, mut input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(f) = p.on(now, Call::Tick) {
            a.respond(&f);
        }
        while !input.is_empty() {
            let (n, r) = a.feed(now, input);
            if let Some(f) = r {
                p.on(now, Call::Request(f));
            }
            input = &input[n..];
        }
        out.extend_from_slice(a.poll_transmit(now).unwrap_or_default());
        out
    }

    fn frames(out: &[u8]) -> Vec<Message> {
        let mut d = slcan::Decoder::new();
        let mut got = Vec::new();
        let mut rest = out;
        while !rest.is_empty() {
            let (n, l) = d.feed(rest);
            if let Some(Ok(slcan::Message::Frame(f))) = l {
                got.push(message(&f).unwrap());
            }
            rest = &rest[n..];
        }
        got
    }

    #[test]
    fn emits_while_open_and_notes_the_keepalive() {
        let mut p = Pack::new(Profile::PylonV12);
        let mut a: Adapter = Adapter::new(*b"1013", *b"SIM1");
        let out = exchange(&mut p, &mut a, Duration::ZERO, b"");
        assert!(out.is_empty(), "closed adapter is quiet");
        let out = exchange(&mut p, &mut a, Duration::from_millis(10), b"C\rS6\rO\r");
        assert_eq!(out, b"\r\r\r");
        // Once open, the frames due reach the host.
        let out = exchange(&mut p, &mut a, Duration::from_millis(20), b"");
        let got = frames(&out);
        assert_eq!(got.len(), 6, "{got:?}");
        assert!(matches!(got[0], Message::Limits(_)));
        let out = exchange(
            &mut p,
            &mut a,
            Duration::from_millis(30),
            b"t30580000000000000000\r",
        );
        assert_eq!(out, b"z\r");
        assert_eq!(p.keepalives(), 1);
    }

    #[test]
    fn soc_follows_current_and_alarms_cut_limits() {
        let mut p = Pack::new(Profile::PylonV12);
        let soc0 = p.soc;
        for _ in 0..70 {
            p.advance(Duration::from_millis(100));
        }
        assert!(p.soc > soc0, "first half-cycle charges");
        p.inject(
            Duration::from_secs(8),
            alarm_by_name("over-temperature").unwrap(),
        );
        p.advance(Duration::from_secs(2));
        let r = p.report();
        assert!(r.protection.contains(Protection::OVER_TEMPERATURE));
        assert_eq!((r.charge_current_da, r.current_da), (0, 0));
        assert!(r.requests.is_empty());
    }
}
