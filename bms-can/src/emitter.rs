//! The other direction: frames a battery sends, on the battery's schedule,
//! so firmware can act as a BMS toward an inverter; and the inverter's
//! keep-alive.

use core::time::Duration;

use crate::{
    Alarms, Ascii, Extra, Flags, Info, Limits, Measurements, Message, Protection, RawFrame,
    Request, Requests, Soc,
};

/// How often a battery repeats its burst.
pub const PERIOD: Duration = Duration::from_secs(1);

/// Which message set to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Profile {
    /// Pylon V1.2: 0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E.
    #[default]
    PylonV12,
    /// Pylon V1.3 / SMA / Victron: 0x351, 0x355 (6 bytes), 0x356, 0x35A,
    /// 0x35E, 0x35F.
    PylonV13,
}

/// What the battery reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// Charge voltage limit, 0.1 V.
    pub charge_voltage_dv: u16,
    /// Charge current limit, 0.1 A.
    pub charge_current_da: i16,
    /// Discharge current limit, 0.1 A, positive.
    pub discharge_current_da: i16,
    /// Discharge voltage limit, 0.1 V.
    pub discharge_voltage_dv: u16,
    /// State of charge, 0.01 %.
    pub soc_centi: u16,
    /// State of health, %.
    pub soh: u16,
    /// Voltage, 0.01 V.
    pub voltage_cv: i16,
    /// Current, 0.1 A, positive when charging.
    pub current_da: i16,
    /// Temperature, 0.1 °C.
    pub temperature_dc: i16,
    /// Protections and warnings.
    pub protection: Protection,
    /// Requests to the inverter.
    pub requests: Requests,
    /// Module count.
    pub modules: u8,
    /// Capacity, Ah (0x35F).
    pub capacity_ah: u16,
    /// Manufacturer name (Deye keys on a `PYLON` prefix).
    pub name: Ascii,
}

/// Emits a battery's frames about once a second.
///
/// Zero limits are sent as 0.1 V / 0.1 A: Sofar ignores zeros in 0x351, so
/// "stop" has to be the smallest non-zero value (docs/protocols/bms-can.md §5).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Emitter {
    profile: Profile,
    report: Report,
    next_burst: Duration,
    pending: [Option<RawFrame>; 6],
    cursor: usize,
}

impl Emitter {
    /// An emitter whose first burst is due at `now`.
    pub fn new(profile: Profile, report: Report, now: Duration) -> Self {
        Emitter {
            profile,
            report,
            next_burst: now,
            pending: [None; 6],
            cursor: 6,
        }
    }

    /// Replaces what the battery reports, from the next burst on.
    pub fn update(&mut self, report: Report) {
        self.report = report;
    }

    /// The messages of one burst, in the battery's order.
    pub fn burst(&self) -> [Message; 6] {
        let r = &self.report;
        let nonzero_u = |v: u16| if v == 0 { 1 } else { v };
        let nonzero_i = |v: i16| if v == 0 { 1 } else { v };
        let limits = Message::Limits(Limits {
            charge_voltage: crate::Fixed(nonzero_u(r.charge_voltage_dv)),
            charge_current: crate::Fixed(nonzero_i(r.charge_current_da)),
            discharge_current: crate::Fixed(nonzero_i(r.discharge_current_da)),
            discharge_voltage: Some(crate::Fixed(r.discharge_voltage_dv)),
            extra: Extra::default(),
        });
        let v13 = self.profile == Profile::PylonV13;
        let soc = Message::Soc(Soc {
            soc: (r.soc_centi + 50) / 100,
            soh: r.soh,
            soc_high_res: v13.then_some(crate::Fixed(r.soc_centi)),
            extra: Extra::default(),
        });
        let meas = Message::Measurements(Measurements {
            voltage: crate::Fixed(r.voltage_cv),
            current: crate::Fixed(r.current_da),
            temperature: crate::Fixed(r.temperature_dc),
            extra: Extra::default(),
        });
        let name = Message::Manufacturer(r.name);
        if v13 {
            let cap = r.capacity_ah.to_le_bytes();
            [
                limits,
                soc,
                meas,
                Message::Alarms(Alarms::from_protection(r.protection)),
                name,
                Message::Info(Info {
                    chemistry: Ascii::new(b"LI"),
                    version: [1, 3],
                    capacity_ah: Some(u16::from_le_bytes(cap)),
                    software: Some(0),
                    extra: Extra::default(),
                }),
            ]
        } else {
            [
                limits,
                soc,
                meas,
                Message::Flags(Flags {
                    flags: r.protection,
                    module_count: Some(r.modules),
                    tag: Some(*b"PN"),
                    extra: Extra::default(),
                }),
                Message::Request(Request {
                    requests: r.requests,
                    extra: Extra::new(&[0]),
                }),
                name,
            ]
        }
    }

    /// The next frame to send at `now`, if one is due.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<RawFrame> {
        if self.cursor >= self.pending.len() && now >= self.next_burst {
            let burst = self.burst();
            for (slot, m) in self.pending.iter_mut().zip(burst.iter()) {
                *slot = Some(m.encode());
            }
            self.cursor = 0;
            // Keep the cadence even when polled late.
            while self.next_burst <= now {
                self.next_burst += PERIOD;
            }
        }
        let f = self.pending.get_mut(self.cursor)?.take();
        self.cursor += 1;
        f
    }

    /// When the next burst is due (always `Some`: the schedule never
    /// ends; an `Option` like every other `poll_timeout` in the workspace).
    pub fn poll_timeout(&self) -> Option<Duration> {
        Some(self.next_burst)
    }
}

/// The inverter's keep-alive, 0x305 with eight zero bytes, once a second.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct KeepAlive {
    next: Duration,
}

impl KeepAlive {
    /// First keep-alive due at `now`.
    pub const fn new(now: Duration) -> Self {
        KeepAlive { next: now }
    }

    /// The keep-alive frame when it is due.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<RawFrame> {
        if now < self.next {
            return None;
        }
        while self.next <= now {
            self.next += PERIOD;
        }
        Some(RawFrame::new(0x305, &[0; 8]))
    }

    /// When the next keep-alive is due (always `Some`, as for [`Emitter`]).
    pub fn poll_timeout(&self) -> Option<Duration> {
        Some(self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            charge_voltage_dv: 532,
            charge_current_da: 0,
            discharge_current_da: 1000,
            discharge_voltage_dv: 450,
            soc_centi: 8812,
            soh: 94,
            voltage_cv: 4986,
            current_da: -270,
            temperature_dc: 363,
            protection: Protection::empty(),
            requests: Requests::CHARGE_ENABLE | Requests::DISCHARGE_ENABLE,
            modules: 6,
            capacity_ah: 572,
            name: Ascii::new(b"PYLON   "),
        }
    }

    fn s(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn a_burst_a_second_in_pylon_order() {
        let mut e = Emitter::new(Profile::PylonV12, report(), s(0));
        let ids: std::vec::Vec<u32> = core::iter::from_fn(|| e.poll_transmit(s(0)))
            .map(|f| f.id)
            .collect();
        assert_eq!(ids, [0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E]);
        assert_eq!(e.poll_transmit(s(999)), None);
        assert_eq!(e.poll_timeout(), Some(s(1000)));
        assert_eq!(e.poll_transmit(s(1000)).map(|f| f.id), Some(0x351));
    }

    #[test]
    fn frames_carry_the_report_and_the_zero_quirk() {
        let e = Emitter::new(Profile::PylonV12, report(), s(0));
        let b = e.burst();
        assert_eq!(
            b[0].encode().bytes(),
            [0x14, 0x02, 0x01, 0x00, 0xE8, 0x03, 0xC2, 0x01],
            "CCL 0 sent as 0.1 A"
        );
        assert_eq!(b[1].encode().bytes(), [88, 0, 94, 0]);
        assert_eq!(b[2].encode().bytes(), [0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01]);
        assert_eq!(b[3].encode().bytes(), [0, 0, 0, 0, 6, b'P', b'N']);
        assert_eq!(b[4].encode().bytes(), [0xC0, 0x00]);
        assert_eq!(b[5].encode().bytes(), b"PYLON   ");
        let v13 = Emitter::new(Profile::PylonV13, report(), s(0)).burst();
        assert_eq!(v13[1].encode().bytes(), [88, 0, 94, 0, 0x6C, 0x22]);
        assert_eq!(
            v13[3].encode().bytes(),
            [0xAA, 0xAA, 0xAA, 0x02, 0xAA, 0xAA, 0xAA, 0x02]
        );
        assert_eq!(
            v13[5].encode().bytes(),
            [b'L', b'I', 1, 3, 0x3C, 0x02, 0, 0]
        );
    }

    #[test]
    fn keep_alive_is_eight_zeros_a_second() {
        let mut k = KeepAlive::new(s(0));
        assert_eq!(k.poll_transmit(s(0)).unwrap().bytes(), [0; 8]);
        assert_eq!(k.poll_transmit(s(500)), None);
        assert!(k.poll_transmit(s(1000)).is_some());
    }
    extern crate std;
}
