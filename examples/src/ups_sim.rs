//! A simulated modular UPS on YD/T 1363, driven by a point table (the
//! shipped `ups-cms` by default): each of the table's commands is
//! answered with a reply whose INFO holds every point of that command at
//! its place, with the values of [`crate::point_sim`].
//!
//! The device side is `ydt1363`'s [`Device`]: it frames requests, answers
//! frames that fail their checks (RTN 02, 03, 05) and hands over the good
//! ones for its address. A request the table does not list gets RTN 04,
//! one with another VER RTN 01.

use std::time::Duration;

use embedded_io::{Read, Write};
use points::file::File;
use points::{Request as TableRequest, Table};
use proto_core::DeviceMachine;
use transports::StdClock;
use transports::serve::Call;
use ydt1363::device::{Device, Request};
use ydt1363::{Error, Frame, Rtn};

/// INFO starts here in a frame: `~`, VER, ADR, CID1, RTN and LENGTH come
/// first (`docs/protocols/ydt1363.md` §1).
pub const INFO_AT: usize = 13;

/// The line a UPS's monitoring port uses: 9600 8N1.
pub const LINE: proto_core::Line = proto_core::Line::n81(9600);

/// The simulated UPS: its table, and where it is in time.
#[derive(Debug, Clone)]
pub struct Ups {
    file: File,
    clock: Duration,
    hold: bool,
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A normal reply (RTN 00) with this INFO, as hex characters.
    Info(Vec<u8>),
    /// A reply with no INFO and this RTN.
    Rtn(Rtn),
}

impl Ups {
    /// A UPS answering the YD/T 1363 commands of `file`; an error names
    /// what is wrong with the table for this use.
    pub fn new(file: File) -> Result<Self, String> {
        let commands = file.with_table(|t| {
            t.commands
                .iter()
                .filter(|c| matches!(c.request, TableRequest::Ydt1363 { .. }))
                .count()
        });
        match commands {
            Ok(0) => Err(format!(
                "table \"{}\" has no YD/T 1363 command to answer \
                 (its [[command]]s need ydt1363 = {{ ver, cid1, cid2 }})",
                file.name
            )),
            Ok(_) => Ok(Ups {
                file,
                clock: Duration::ZERO,
                hold: false,
            }),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Keeps the values still (`true`): every answer reads as at the start.
    pub fn hold(&mut self, hold: bool) {
        self.hold = hold;
    }

    /// Moves the model on by `dt` (unless held).
    pub fn advance(&mut self, dt: Duration) {
        if !self.hold {
            self.clock += dt;
        }
    }

    /// Seconds into the simulation.
    pub fn seconds(&self) -> f64 {
        self.clock.as_secs_f64()
    }

    /// Lends the table.
    pub fn with_table<R>(&self, f: impl FnOnce(&Table<'_>) -> R) -> R {
        // `new` resolved the table once: it resolves the same again.
        self.file
            .with_table(f)
            .unwrap_or_else(|e| unreachable!("resolved in Ups::new: {e}"))
    }

    /// The INFO of `command`'s reply now (hex characters), and the points
    /// that could not be written into it.
    pub fn info(&self, command: &str) -> (Vec<u8>, Vec<crate::point_sim::Skipped>) {
        let t = self.seconds();
        self.with_table(|table| {
            let mut buf = vec![b'0'; INFO_AT];
            let skipped = crate::point_sim::fill(table, command, "", t, INFO_AT, b'0', &mut buf);
            // LENID counts whole bytes: INFO has an even number of characters.
            if (buf.len() - INFO_AT) % 2 == 1 {
                buf.push(b'0');
            }
            (buf.split_off(INFO_AT), skipped)
        })
    }

    /// The answer to `request`, and the command key it matched.
    pub fn answer(&self, request: &Request) -> (Option<String>, Answer) {
        let (cid2, info) = (request.command.cid2(), request.command.info());
        let found = self.with_table(|table| {
            table.commands.iter().find_map(|c| match c.request {
                TableRequest::Ydt1363 {
                    ver,
                    cid1,
                    cid2: want,
                    info: asked,
                } if cid1 == request.cid1 && want == cid2 && asked == info => {
                    Some((c.key.to_string(), ver))
                }
                _ => None,
            })
        });
        match found {
            None => (None, Answer::Rtn(Rtn::Command)),
            Some((key, ver)) if ver != request.ver => (Some(key), Answer::Rtn(Rtn::Version)),
            Some((key, _)) => {
                let (info, _) = self.info(&key);
                (Some(key), Answer::Info(info))
            }
        }
    }
}

impl Answer {
    /// The reply frame from `adr` to a request with `ver` and `cid1`.
    pub fn encode(&self, ver: u8, adr: u8, cid1: u8) -> Result<Vec<u8>, Error> {
        let mut buf = vec![0u8; 32 + INFO_AT + self.info().len()];
        let n = match self {
            Answer::Info(info) => Frame {
                ver,
                adr,
                cid1,
                cid2: Rtn::Normal.raw(),
                info,
            }
            .encode(&mut buf)?,
            Answer::Rtn(rtn) => ydt1363::encode_request(ver, adr, cid1, rtn.raw(), &[], &mut buf)?,
        };
        buf.truncate(n);
        Ok(buf)
    }

    fn info(&self) -> &[u8] {
        match self {
            Answer::Info(info) => info,
            Answer::Rtn(_) => &[],
        }
    }
}

/// What an answer is, in words, for the log.
pub fn describe(command: Option<&str>, answer: &Answer) -> String {
    match (command, answer) {
        (Some(key), Answer::Info(info)) => {
            format!("command {key}: {} bytes of INFO", info.len() / 2)
        }
        (_, Answer::Rtn(Rtn::Command)) => "not in the table, refused with RTN 04".into(),
        (Some(key), Answer::Rtn(rtn)) => {
            format!("command {key}: refused with RTN {:02X}", rtn.raw())
        }
        (None, Answer::Rtn(rtn)) => format!("refused with RTN {:02X}", rtn.raw()),
        (None, Answer::Info(_)) => "answered".into(),
    }
}

/// The device side: `ydt1363`'s [`Device`] for framing, checks and
/// refusals, and the table's replies, whose INFO no typed Pylontech
/// reply can carry.
#[derive(Debug)]
pub struct Machine {
    device: Device,
    asked: (u8, u8, u8),
    reply: Vec<u8>,
    pending: bool,
}

impl Machine {
    /// A UPS at address `adr`.
    pub fn new(adr: u8) -> Self {
        Machine {
            device: Device::new(adr, 1),
            asked: (0, adr, 0),
            reply: Vec::new(),
            pending: false,
        }
    }
}

impl DeviceMachine for Machine {
    type Request = Request;
    type Response = Answer;

    fn feed(&mut self, _now: Duration, bytes: &[u8]) -> (usize, Option<Request>) {
        let (n, request) = self.device.feed(bytes);
        if let Some(r) = &request {
            self.asked = (r.ver, r.adr, r.cid1);
        }
        (n, request)
    }

    fn respond(&mut self, answer: &Answer) {
        let (ver, adr, cid1) = self.asked;
        // A reply that cannot be encoded (INFO over 2047 bytes) is not
        // sent; the host times out.
        if let Ok(frame) = answer.encode(ver, adr, cid1) {
            self.reply = frame;
            self.pending = true;
        }
    }

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        if std::mem::take(&mut self.pending) {
            return Some(&self.reply);
        }
        self.device.poll_transmit()
    }
}

/// Serves `ups` at address `adr` on `io` until `stop` returns true or
/// the link fails; `log` sees every request, the command it matched and
/// the answer.
pub fn serve<T: Read + Write>(
    ups: &mut Ups,
    adr: u8,
    io: &mut T,
    stop: impl FnMut() -> bool,
    mut log: impl FnMut(&Request, Option<&str>, &Answer),
) -> Result<(), T::Error> {
    let mut machine = Machine::new(adr);
    let mut last = Duration::ZERO;
    transports::serve::serve(io, &StdClock::new(), &mut machine, stop, |now, call| {
        ups.advance(now.saturating_sub(last));
        last = now;
        let Call::Request(request) = call else {
            return None;
        };
        let (command, answer) = ups.answer(&request);
        log(&request, command.as_deref(), &answer);
        Some(answer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use points::Reply;

    fn request(ver: u8, cid2: u8) -> Request {
        let mut buf = [0u8; 32];
        let n = ydt1363::encode_request(ver, 1, 0x2A, cid2, &[], &mut buf).unwrap();
        let mut d = Device::<1024>::new(1, 1);
        d.feed(&buf[..n]).1.unwrap()
    }

    #[test]
    fn each_command_is_answered_with_every_point_in_place() {
        let ups = Ups::new(crate::tables::load("ups-cms").unwrap()).unwrap();
        for (cid2, key) in [(1, "01"), (2, "02"), (6, "06")] {
            let (matched, answer) = ups.answer(&request(0x21, cid2));
            assert_eq!(matched.as_deref(), Some(key));
            let wire = answer.encode(0x21, 1, 0x2A).unwrap();
            let frame = Frame::decode(&wire).unwrap();
            assert_eq!((frame.adr, frame.rtn()), (1, Rtn::Normal));
            ups.with_table(|table| {
                let mut n = 0;
                for (p, v) in table.decode(key, "", Reply::frame(&wire, INFO_AT)) {
                    assert_eq!(v.unwrap(), crate::point_sim::value(p, 0.0).unwrap());
                    n += 1;
                }
                assert!(n >= 7, "{key}: {n} points");
            });
        }
        let (_, answer) = ups.answer(&request(0x21, 0x42));
        assert_eq!(answer, Answer::Rtn(Rtn::Command));
        let (_, answer) = ups.answer(&request(0x20, 0x01));
        assert_eq!(answer, Answer::Rtn(Rtn::Version));
        let (info, skipped) = ups.info("01");
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(info.len(), 62 * 4, "62 words in group 01");
    }

    #[test]
    fn a_table_without_ydt1363_commands_is_refused() {
        let e = Ups::new(crate::tables::load("sdm120").unwrap()).unwrap_err();
        assert!(e.contains("no YD/T 1363 command"), "{e}");
    }

    #[test]
    fn the_values_move_unless_held() {
        let mut ups = Ups::new(crate::tables::load("ups-cms").unwrap()).unwrap();
        let before = ups.info("01").0;
        ups.advance(Duration::from_secs(20));
        assert_ne!(ups.info("01").0, before);
        let mut held = Ups::new(crate::tables::load("ups-cms").unwrap()).unwrap();
        held.hold(true);
        held.advance(Duration::from_secs(20));
        assert_eq!(held.info("01").0, before);
    }
}
