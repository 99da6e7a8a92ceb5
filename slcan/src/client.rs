//! The adapter's side of the workspace's one client engine.
//!
//! Commands to the adapter are transactions: `C`, `Sn`, `O` (one
//! [`Command::Open`]) are each answered by CR, or BEL when refused; `V` by
//! its version line. A frame to send ([`Command::Send`]) goes out without
//! waiting, like a broadcast: the bus has no reply. Frames from the bus are
//! not replies: they queue in the [`Link`] (the oldest is dropped when `Q`
//! are waiting) for [`poll_inbound`](proto_core::Client::poll_inbound).

use core::time::Duration;

use proto_core::{CanFrame, Protocol, Verdict};

use crate::{Decoder, Error, Message, bitrate_code, encode_frame};

/// Longest request: an extended frame line (`T` + 8 + 1 + 16 + CR).
pub const TX_CAPACITY: usize = 32;

/// A part of a line followed by this much silence was cut off: its rest
/// will not come, and the next bytes start a new line. An adapter sends a
/// line in one go (30 characters take 2.6 ms at 115200 baud).
pub const LINE_GAP: Duration = Duration::from_millis(50);

/// The adapter's client: the workspace's one [`proto_core::Client`] around
/// [`Link`], with room for `Q` received frames.
pub type Client<const Q: usize = 16> = proto_core::Client<Link<Q>, TX_CAPACITY>;

// The client formats with defmt only if its parts do: checked here, in
// every build with the feature, not only where firmware logs one.
#[cfg(feature = "defmt")]
const _: fn() = || {
    fn format<T: defmt::Format>() {}
    format::<Client>();
};

/// What the host asks of the adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Command {
    /// Close the channel, set the bit rate and open it again (`C`, `Sn`,
    /// `O`). The `C` of a channel that was closed is refused by some
    /// adapters; that is fine.
    Open {
        /// The CAN bit rate, bit/s (see [`bitrate_code`]).
        bitrate: u32,
    },
    /// Close the channel (`C`).
    Close,
    /// The adapter's version (`V`).
    Version,
    /// Send a frame on the bus; nothing is awaited.
    Send(CanFrame),
}

/// The adapter's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Reply {
    /// The command was carried out.
    Done,
    /// The version line after its `V`, as sent (at most 8 characters).
    Version {
        /// The characters.
        text: [u8; 8],
        /// How many there are.
        len: u8,
    },
}

/// What the awaited answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Expect {
    /// `n` acknowledgements; the first may be a refusal (the `C` of `Open`).
    Acks {
        /// How many.
        n: u8,
        /// Whether a BEL as the first answer counts as an answer.
        first_may_fail: bool,
    },
    /// A `V` line.
    Version,
}

/// The protocol part of the [`Client`]: the line decoder, the answers
/// counted so far, and the frames received from the bus.
#[derive(Debug, Clone)]
pub struct Link<const Q: usize = 16> {
    decoder: Decoder,
    /// When the last bytes came.
    last: Duration,
    answers: u8,
    inbox: [CanFrame; Q],
    head: usize,
    queued: usize,
    dropped: u32,
}

impl<const Q: usize> Default for Link<Q> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const Q: usize> Link<Q> {
    /// A link with an empty decoder and queue.
    pub const fn new() -> Self {
        Link {
            decoder: Decoder::new(),
            last: Duration::ZERO,
            answers: 0,
            inbox: [CanFrame {
                id: 0,
                extended: false,
                remote: false,
                data: [0; 8],
                len: 0,
            }; Q],
            head: 0,
            queued: 0,
            dropped: 0,
        }
    }

    /// Received frames dropped because `Q` were already waiting.
    pub fn dropped(&self) -> u32 {
        self.dropped
    }

    fn push(&mut self, frame: CanFrame) {
        if Q == 0 {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        if self.queued == Q {
            self.head = (self.head + 1) % Q;
            self.queued -= 1;
            self.dropped = self.dropped.saturating_add(1);
        }
        if let Some(slot) = self.inbox.get_mut((self.head + self.queued) % Q) {
            *slot = frame;
            self.queued += 1;
        }
    }

    /// One answer to the awaited command: done once all have come.
    fn answer(&mut self, expect: Option<&Expect>, refused: bool) -> Option<Verdict<Reply, Error>> {
        let (n, first_may_fail) = match expect {
            Some(&Expect::Acks { n, first_may_fail }) => (n, first_may_fail),
            // `V` refused is its answer; an acknowledgement is not (a late
            // one, of an earlier command).
            Some(Expect::Version) if refused => return Some(Verdict::Error(Error::Refused)),
            Some(Expect::Version) => return Some(Verdict::Stray(Error::Line { offset: 0 })),
            // Not awaited: counted by the client as unsolicited.
            None => return Some(Verdict::Reply(Reply::Done)),
        };
        if refused && !(first_may_fail && self.answers == 0) {
            return Some(Verdict::Error(Error::Refused));
        }
        self.answers = self.answers.saturating_add(1);
        (self.answers >= n).then_some(Verdict::Reply(Reply::Done))
    }
}

impl<const Q: usize> Protocol for Link<Q> {
    type Request<'a> = Command;
    type Expect = Expect;
    type Reply = Reply;
    type Answer<'a> = Reply;
    type Error = Error;
    type Inbound = CanFrame;

    fn encode(&self, command: &Command, buf: &mut [u8]) -> Result<(usize, Option<Expect>), Error> {
        let acks = |n, first_may_fail| Some(Expect::Acks { n, first_may_fail });
        let (line, expect): (&[u8], _) = match *command {
            Command::Open { bitrate } => {
                let code = bitrate_code(bitrate).ok_or(Error::Bitrate { bitrate })?;
                (
                    &[b'C', b'\r', b'S', code, b'\r', b'O', b'\r'],
                    acks(3, true),
                )
            }
            Command::Close => (b"C\r", acks(1, false)),
            Command::Version => (b"V\r", Some(Expect::Version)),
            Command::Send(frame) => return Ok((encode_frame(&frame, buf)?, None)),
        };
        let dst = buf.get_mut(..line.len()).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(line);
        Ok((line.len(), expect))
    }

    fn feed(
        &mut self,
        now: Duration,
        bytes: &[u8],
        expect: Option<&Expect>,
    ) -> (usize, Option<Verdict<Reply, Error>>) {
        if self.decoder.in_line() && now.saturating_sub(self.last) > LINE_GAP {
            self.decoder.clear();
        }
        self.last = now;
        let (n, line) = self.decoder.feed(bytes);
        let verdict = match line {
            None => None,
            Some(Err(_)) => Some(Verdict::Cut),
            Some(Ok(Message::Frame(f))) => {
                self.push(f);
                None
            }
            // A transmitted frame's acknowledgement: nothing waits for it.
            Some(Ok(Message::Sent)) => None,
            Some(Ok(Message::Ack)) => self.answer(expect, false),
            Some(Ok(Message::Refused)) => self.answer(expect, true),
            Some(Ok(Message::Other(l))) => match (expect, l.split_first()) {
                (Some(Expect::Version), Some((b'V', []))) => Some(Verdict::Stray(Error::Echo)),
                (Some(Expect::Version), Some((b'V', rest))) => {
                    let mut text = [0u8; 8];
                    let len = rest.len().min(8);
                    if let (Some(d), Some(s)) = (text.get_mut(..len), rest.get(..len)) {
                        d.copy_from_slice(s);
                    }
                    Some(Verdict::Reply(Reply::Version {
                        text,
                        len: len as u8,
                    }))
                }
                // Another host's commands, or an answer nobody asked for.
                _ => Some(Verdict::Stray(Error::Line { offset: 0 })),
            },
        };
        (n, verdict)
    }

    fn reset(&mut self) {
        // Frames keep streaming in: the decoder keeps its partial line,
        // unless it is cut off (see `LINE_GAP`, checked as bytes come).
        self.answers = 0;
    }

    fn poll_inbound(&mut self) -> Option<CanFrame> {
        if self.queued == 0 || Q == 0 {
            return None;
        }
        let frame = self.inbox.get(self.head).copied();
        self.head = (self.head + 1) % Q;
        self.queued -= 1;
        frame
    }

    fn discarded(&self) -> u64 {
        self.decoder.discarded()
    }

    fn answer(&self, reply: Reply) -> Reply {
        reply
    }
}

/// The decoder, the answers counted and how many frames are queued, not
/// the queue.
#[cfg(feature = "defmt")]
impl<const Q: usize> defmt::Format for Link<Q> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Link {{ decoder: {}, last: {}, answers: {=u8}, queued: {=usize}, capacity: {=usize}, dropped: {=u32} }}",
            self.decoder,
            self.last,
            self.answers,
            self.queued,
            Q,
            self.dropped
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto_core::Event;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn open_is_answered_three_times_and_frames_queue() {
        let mut c: Client<2> = Client::new(Link::new(), ms(100));
        c.send(ms(0), &Command::Open { bitrate: 500_000 }).unwrap();
        assert_eq!(c.poll_transmit(ms(0)), Some(&b"C\rS6\rO\r"[..]));
        c.feed(ms(1), b"\x07\rt3510\r");
        assert_eq!(c.poll_event(), None, "two of three answers");
        let mut rest = &b"\rt3520\rt3530\r"[..];
        while !rest.is_empty() {
            rest = &rest[c.feed(ms(2), rest)..];
        }
        assert_eq!(c.poll_event(), Some(Event::Reply(Reply::Done)));
        // The queue holds two: the oldest was dropped.
        assert_eq!(c.poll_inbound(), Some(CanFrame::new(0x352, &[])));
        assert_eq!(c.poll_inbound(), Some(CanFrame::new(0x353, &[])));
        assert_eq!(c.poll_inbound(), None);
        assert_eq!(c.protocol().dropped(), 1);
    }

    /// A client that has just sent `V`.
    fn asked_version(at: Duration) -> Client {
        let mut c: Client = Client::new(Link::new(), ms(100));
        c.send(at, &Command::Version).unwrap();
        c.poll_transmit(at);
        c
    }

    fn version(text: &[u8]) -> Reply {
        let mut t = [0u8; 8];
        t[..text.len()].copy_from_slice(text);
        Reply::Version {
            text: t,
            len: text.len() as u8,
        }
    }

    #[test]
    fn an_echoed_v_and_a_late_acknowledgement_are_not_the_version() {
        let mut c = asked_version(ms(0));
        c.feed(ms(1), b"V\r");
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.poll_stray(), Some(Error::Echo));
        c.feed(ms(2), b"\r");
        assert_eq!(c.poll_event(), None);
        c.feed(ms(3), b"V1013\r");
        assert_eq!(c.poll_event(), Some(Event::Reply(version(b"1013"))));
        assert_eq!(c.counters().stray, 2);
        // BEL is the adapter's answer to `V`: refused.
        let mut c = asked_version(ms(0));
        c.feed(ms(1), b"\x07");
        assert_eq!(c.poll_event(), Some(Event::Error(Error::Refused)));
    }

    #[test]
    fn a_line_cut_off_by_silence_does_not_prefix_the_next() {
        let mut c = asked_version(ms(0));
        c.feed(ms(1), b"V10");
        c.handle_timeout(ms(100));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        c.send(ms(200), &Command::Version).unwrap();
        c.poll_transmit(ms(200));
        c.feed(ms(201), b"V1013\r");
        assert_eq!(c.poll_event(), Some(Event::Reply(version(b"1013"))));
        // Within a line, a short pause is no cut.
        let mut c = asked_version(ms(0));
        c.feed(ms(1), b"V10");
        c.feed(ms(1) + LINE_GAP, b"13\r");
        assert_eq!(c.poll_event(), Some(Event::Reply(version(b"1013"))));
    }

    #[test]
    fn refusals_bit_rates_and_sends() {
        let mut c: Client = Client::new(Link::new(), ms(100));
        c.send(ms(0), &Command::Open { bitrate: 500_000 }).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(1), b"\r\x07");
        assert_eq!(c.poll_event(), Some(Event::Error(Error::Refused)));
        assert_eq!(
            c.send(ms(2), &Command::Open { bitrate: 33_333 }),
            Err(Error::Bitrate { bitrate: 33_333 })
        );
        assert_eq!(c.poll_transmit(ms(2)), None, "nothing sent");
        let f = CanFrame::new(0x305, &[0; 8]);
        c.send(ms(3), &Command::Send(f)).unwrap();
        assert_eq!(
            c.poll_transmit(ms(3)),
            Some(&b"t30580000000000000000\r"[..])
        );
        assert_eq!(c.poll_event(), Some(Event::Broadcast));
        c.send(ms(4), &Command::Version).unwrap();
        c.poll_transmit(ms(4));
        c.feed(ms(5), b"z\rV1013\r");
        let Some(Event::Reply(Reply::Version { text, len })) = c.poll_event() else {
            panic!()
        };
        assert_eq!(&text[..usize::from(len)], b"1013");
        // Silence: the adapter is not there.
        c.send(ms(10), &Command::Close).unwrap();
        c.poll_transmit(ms(10));
        c.handle_timeout(ms(110));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
    }
}
