//! A simulated battery behind a simulated SLCAN adapter.
//!
//! The battery charges and discharges on a slow cycle; its SOC follows the
//! current, its voltage the SOC, its temperature the current. An alarm can
//! be injected. It emits its frames once a second through `bms-can`'s
//! emitter, written as SLCAN lines; the adapter answers the host's commands
//! (`C`, `Sn`, `O`, `V`, `N`) and acknowledges frames the host sends
//! (`z`), and the battery notes the inverter's keep-alive (0x305).

use std::convert::Infallible;
use std::time::Duration;

use bms_can::{Ascii, Emitter, Message, Profile, Protection, RawFrame, Report, Requests};
use embedded_can::{Frame as _, Id, StandardId};
use proto_core::DeviceMachine;
use transports::slcan::{CanFrame as Frame, Decoder, Line, encode_frame};

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
    decoder: Decoder,
    open: bool,
    keepalives: u64,
    /// What the adapter has to send, and how much of it went out last.
    tx: Vec<u8>,
    sent: usize,
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
            decoder: Decoder::new(),
            open: false,
            keepalives: 0,
            tx: Vec::new(),
            sent: 0,
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

    /// Takes the host's bytes and appends the adapter's answers and the
    /// battery's due frames to `out`.
    pub fn exchange(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !input.is_empty() {
            let (n, line) = self.decoder.feed(input);
            input = &input[n..];
            match line {
                Some(Ok(Line::Other(cmd))) => match cmd.first() {
                    Some(b'O') => {
                        self.open = true;
                        out.push(b'\r');
                    }
                    Some(b'C') => {
                        self.open = false;
                        out.push(b'\r');
                    }
                    Some(b'V') => out.extend_from_slice(b"V1013\r"),
                    Some(b'N') => out.extend_from_slice(b"NSIM1\r"),
                    Some(b'S' | b's' | b'Z' | b'F' | b'X' | b'W' | b'M' | b'm') => out.push(b'\r'),
                    _ => out.push(0x07),
                },
                Some(Ok(Line::Frame(f))) => {
                    if f.id() == Id::Standard(StandardId::new(0x305).unwrap_or(StandardId::ZERO)) {
                        self.keepalives += 1;
                    }
                    out.extend_from_slice(if f.is_extended() { b"Z\r" } else { b"z\r" });
                }
                Some(Ok(Line::Sent | Line::Refused | Line::Ack)) | None => {}
                Some(Err(_)) => out.push(0x07),
            }
        }
        if !self.open {
            return;
        }
        while let Some(frame) = self.emitter.poll_transmit(self.clock) {
            push_frame(&frame, out);
        }
    }
}

/// The pack and its adapter on the serve loop: the host's SLCAN lines in,
/// the adapter's answers and the battery's due frames out. The pack asks
/// the serve loop's application nothing.
impl DeviceMachine for Pack {
    type Request = Infallible;
    type Response = ();

    fn feed(&mut self, now: Duration, input: &[u8]) -> (usize, Option<Infallible>) {
        self.advance(now.saturating_sub(self.clock));
        let mut out = std::mem::take(&mut self.tx);
        self.exchange(input, &mut out);
        self.tx = out;
        (input.len(), None)
    }

    fn respond(&mut self, _: &()) {}

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        self.tx.drain(..self.sent);
        self.sent = self.tx.len();
        (self.sent > 0).then_some(&self.tx[..])
    }

    fn handle_timeout(&mut self, now: Duration) -> Option<Infallible> {
        self.feed(now, &[]);
        None
    }
}

/// Serves `pack` on `io` until `stop` returns true or the link fails.
pub fn serve<T: embedded_io::Read + embedded_io::Write>(
    pack: &mut Pack,
    io: &mut T,
    stop: impl FnMut() -> bool,
) -> Result<(), T::Error> {
    transports::serve::serve(io, &transports::StdClock::new(), pack, stop, |_, _| None)
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

/// Appends `frame` as an SLCAN line.
pub fn push_frame(frame: &RawFrame, out: &mut Vec<u8>) {
    let mut line = [0u8; 32];
    if let Ok(n) = encode_frame(frame, &mut line) {
        out.extend_from_slice(&line[..n]);
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

    fn frames(out: &[u8]) -> Vec<Message> {
        let mut d = Decoder::new();
        let mut got = Vec::new();
        let mut rest = out;
        while !rest.is_empty() {
            let (n, l) = d.feed(rest);
            if let Some(Ok(Line::Frame(f))) = l {
                got.push(message(&f).unwrap());
            }
            rest = &rest[n..];
        }
        got
    }

    #[test]
    fn emits_once_open_and_acknowledges() {
        let mut p = Pack::new(Profile::PylonV12);
        let mut out = Vec::new();
        p.exchange(b"", &mut out);
        assert!(out.is_empty(), "closed adapter is quiet");
        p.exchange(b"C\rS6\rO\r", &mut out);
        assert_eq!(&out[..3], b"\r\r\r");
        let got = frames(&out);
        assert_eq!(got.len(), 6);
        assert!(matches!(got[0], Message::Limits(_)));
        out.clear();
        p.exchange(b"t3058", &mut out);
        p.exchange(b"0000000000000000\r", &mut out);
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
