//! The battery-state aggregator: frames in with the time, one coherent
//! snapshot out, with the age of every part.

use core::time::Duration;

use crate::{Alarms, Ascii, Cells, Flags, Limits, Measurements, Message, Requests, Soc};

/// An inverter stops when no 0x351 has arrived for this long (Victron-style spec).
pub const STALE_AFTER: Duration = Duration::from_secs(3);

/// A value and when it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
struct Stamped<T> {
    value: T,
    at: Duration,
}

/// A value in a snapshot, with its age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Part<T> {
    /// The latest value.
    pub value: T,
    /// Time since it arrived.
    pub age: Duration,
}

/// What the battery last said, as one picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Snapshot {
    /// No 0x351 for [`STALE_AFTER`] (or never): the battery must be treated as gone.
    pub stale: bool,
    /// 0x351.
    pub limits: Option<Part<Limits>>,
    /// 0x355.
    pub soc: Option<Part<Soc>>,
    /// 0x356.
    pub measurements: Option<Part<Measurements>>,
    /// 0x359.
    pub flags: Option<Part<Flags>>,
    /// 0x35A.
    pub alarms: Option<Part<Alarms>>,
    /// 0x35C.
    pub requests: Option<Part<Requests>>,
    /// 0x35E.
    pub name: Option<Part<Ascii>>,
    /// Module count, from 0x359 byte 4 or 0x372 (modules OK).
    pub module_count: Option<Part<u16>>,
    /// 0x373.
    pub cells: Option<Part<Cells>>,
}

/// The aggregator. Frames of other kinds are ignored; nothing here panics.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Battery {
    limits: Option<Stamped<Limits>>,
    soc: Option<Stamped<Soc>>,
    measurements: Option<Stamped<Measurements>>,
    flags: Option<Stamped<Flags>>,
    alarms: Option<Stamped<Alarms>>,
    requests: Option<Stamped<Requests>>,
    name: Option<Stamped<Ascii>>,
    module_count: Option<Stamped<u16>>,
    cells: Option<Stamped<Cells>>,
    frames: u64,
}

impl Battery {
    /// Nothing heard yet.
    pub const fn new() -> Self {
        Battery {
            limits: None,
            soc: None,
            measurements: None,
            flags: None,
            alarms: None,
            requests: None,
            name: None,
            module_count: None,
            cells: None,
            frames: 0,
        }
    }

    /// Takes a decoded frame that arrived at `now`.
    pub fn feed(&mut self, now: Duration, message: &Message) {
        fn stamp<T>(value: T, at: Duration) -> Option<Stamped<T>> {
            Some(Stamped { value, at })
        }
        match *message {
            Message::Limits(l) => self.limits = stamp(l, now),
            Message::Soc(v) => self.soc = stamp(v, now),
            Message::Measurements(m) => self.measurements = stamp(m, now),
            Message::Flags(f) => {
                if let Some(n) = f.module_count {
                    self.module_count = Some(Stamped {
                        value: u16::from(n),
                        at: now,
                    });
                }
                self.flags = stamp(f, now);
            }
            Message::Alarms(a) => self.alarms = stamp(a, now),
            Message::Request(r) => self.requests = stamp(r.requests, now),
            Message::Manufacturer(n) => self.name = stamp(n, now),
            Message::Modules(m) => {
                self.module_count = Some(Stamped {
                    value: m.ok,
                    at: now,
                })
            }
            Message::Cells(c) => self.cells = stamp(c, now),
            _ => return,
        }
        self.frames += 1;
    }

    /// Decodes and takes a frame; frames that do not decode are ignored.
    pub fn feed_frame(&mut self, now: Duration, id: u16, data: &[u8]) {
        if let Ok(m) = Message::decode(id, data) {
            self.feed(now, &m);
        }
    }

    /// Frames taken so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The picture at `now`.
    pub fn snapshot(&self, now: Duration) -> Snapshot {
        fn part<T: Copy>(s: &Option<Stamped<T>>, now: Duration) -> Option<Part<T>> {
            s.map(|s| Part {
                value: s.value,
                age: now.saturating_sub(s.at),
            })
        }
        let limits = part(&self.limits, now);
        Snapshot {
            stale: limits.is_none_or(|p| p.age >= STALE_AFTER),
            limits,
            soc: part(&self.soc, now),
            measurements: part(&self.measurements, now),
            flags: part(&self.flags, now),
            alarms: part(&self.alarms, now),
            requests: part(&self.requests, now),
            name: part(&self.name, now),
            module_count: part(&self.module_count, now),
            cells: part(&self.cells, now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn snapshot_ages_and_staleness() {
        let mut b = Battery::new();
        assert!(b.snapshot(s(0)).stale, "never heard");
        b.feed_frame(
            s(1000),
            0x351,
            &[0x14, 0x02, 0xC0, 0x12, 0xC0, 0x12, 0xC2, 0x01],
        );
        b.feed_frame(s(1010), 0x355, &[0x58, 0, 0x5E, 0]);
        b.feed_frame(s(1020), 0x359, &[0, 0, 0, 0, 6, b'P', b'N']);
        b.feed_frame(s(1030), 0x35E, b"PYLON   ");
        b.feed_frame(s(1040), 0x999, &[1]);
        let snap = b.snapshot(s(2000));
        assert!(!snap.stale);
        assert_eq!(snap.limits.unwrap().age, s(1000));
        assert_eq!(snap.limits.unwrap().value.charge_voltage.to_f32(), 53.2);
        assert_eq!(snap.soc.unwrap().value.soc, 88);
        assert_eq!(snap.module_count.unwrap().value, 6);
        assert_eq!(snap.name.unwrap().value.text(), "PYLON");
        assert_eq!(b.frames(), 4);
        assert!(!b.snapshot(s(3999)).stale);
        assert!(b.snapshot(s(4000)).stale, "no 0x351 for 3 s");
    }
}
