//! The client: the workspace's generic [`proto_core::Client`] around this
//! protocol's [`Link`], one request at a time.
//!
//! `send(now, &(address, request))`, write
//! [`poll_transmit`](proto_core::Client::poll_transmit) (held back until
//! the turnaround delay after a broadcast has passed), `feed(now, bytes)`,
//! and take the outcome from [`poll_event`](proto_core::Client::poll_event).
//! A broadcast completes as soon as it is sent. A reply from another
//! address or for another function is not accepted: it is counted and
//! available from [`poll_stray`](proto_core::Client::poll_stray), and the
//! response time-out keeps running (SL §2.4.1).

use core::time::Duration;

use proto_core::{Protocol, Verdict};

use crate::{
    BROADCAST, Error, Expected, Line, MAX_ADU, Request, Response, encode_request,
    frame::decode_response_crc,
    framer::{Framer, Mode, ResponseSide},
};

/// A received reply: the ADU as the client kept it, decoded on demand (the
/// data borrows from it). Borrowed from the client, or from the driver that
/// returned it, until the next request: the frame is not moved around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply<'a> {
    adu: &'a [u8],
}

impl<'a> Reply<'a> {
    /// The ADU as received.
    pub fn bytes(&self) -> &'a [u8] {
        self.adu
    }

    /// The decoded response (an exception is `Response::Exception`).
    pub fn response(&self) -> Response<'a> {
        // Checked (CRC included) when the reply was accepted, so this
        // cannot fail, and the CRC is not computed again.
        decode_response_crc(self.adu, false).map_or(
            Response::Custom {
                function: 0,
                data: &[],
            },
            |(_, r)| r,
        )
    }
}

impl Reply<'_> {
    /// A copy to keep past the next request (256 bytes: keep it out of
    /// hot paths and small stacks).
    pub fn to_owned(&self) -> OwnedReply {
        let mut adu = [0; MAX_ADU];
        let len = self.adu.len().min(MAX_ADU);
        if let (Some(dst), Some(src)) = (adu.get_mut(..len), self.adu.get(..len)) {
            dst.copy_from_slice(src);
        }
        OwnedReply { adu, len }
    }
}

/// A reply copied out of the client, to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnedReply {
    adu: [u8; MAX_ADU],
    len: usize,
}

impl OwnedReply {
    /// The reply, as borrowed from the client.
    pub fn reply(&self) -> Reply<'_> {
        Reply {
            adu: self.adu.get(..self.len).unwrap_or_default(),
        }
    }

    /// The ADU as received.
    pub fn bytes(&self) -> &[u8] {
        self.reply().bytes()
    }

    /// The decoded response.
    pub fn response(&self) -> Response<'_> {
        self.reply().response()
    }
}

/// The token a transaction's event carries when a reply was accepted; read
/// the reply with [`Client::answer`](proto_core::Client::answer) (the
/// drivers do it for you).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Accepted;

/// What a transaction ended with: the server's reply (an exception
/// response included), a broadcast sent, a reply from the server asked
/// that failed to decode or does not answer the request, or a time-out.
pub type Event = proto_core::Event<Accepted, Error>;

/// The client: the workspace's one [`proto_core::Client`] around [`Link`].
/// Requests are `(unit address, request)`; build one from a [`Config`].
pub type Client = proto_core::Client<Link, MAX_ADU>;

// The client formats with defmt only if its parts do: checked here, in
// every build with the feature, not only where firmware logs one.
#[cfg(feature = "defmt")]
const _: fn() = || {
    fn format<T: defmt::Format>() {}
    format::<Client>();
};

/// A client's settings, given once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Config {
    /// The serial line's format (t1.5 and t3.5 follow from it).
    pub line: Line,
    /// How replies are delimited: [`Mode::Length`] on USB adapters, TCP
    /// gateways and pseudo-terminals, which hide timing; [`Mode::Timing`]
    /// where bytes arrive as they come off the wire.
    pub mode: Mode,
    /// The response time-out, from the end of the request.
    pub timeout: Duration,
    /// The delay after a broadcast before the next request (SL §2.4.1).
    pub turnaround: Duration,
}

impl Default for Config {
    /// [`LINE`](crate::LINE), 19200 baud 8E1 (the spec's default), length
    /// framing with 50 ms of silence, a 1 s time-out and a 100 ms turnaround.
    fn default() -> Self {
        Self::new(crate::LINE)
    }
}

impl Config {
    /// Settings for `line`, with length framing, a 1 s time-out and a
    /// 100 ms turnaround.
    pub const fn new(line: Line) -> Self {
        Config {
            line,
            mode: Mode::Length {
                silence: Duration::from_millis(50),
            },
            timeout: Duration::from_secs(1),
            turnaround: Duration::from_millis(100),
        }
    }

    /// A client with these settings, started at `now` (a timing-mode
    /// client first waits for t3.5 of quiet, as the spec asks).
    ///
    /// A `const fn`: firmware can build the client (over 1 KB) at compile
    /// time, in a `static`, instead of on the stack and moved into place:
    ///
    /// ```
    /// use core::time::Duration;
    /// use modbus_rtu_lite::{Client, Config, LINE};
    ///
    /// // Started at time 0: a timing-mode client waits t3.5 from there.
    /// const CLIENT: Client = Config::new(LINE).client(Duration::ZERO);
    /// # let _ = CLIENT;
    /// ```
    pub const fn client(&self, now: Duration) -> Client {
        Client::new(Link::new(self.line, self.mode, now), self.timeout)
            .with_turnaround(self.turnaround)
    }
}

/// The protocol part of the [`Client`]: requests checked and encoded,
/// replies framed and matched against the request ([`Expected`]). A frame
/// that fails its CRC is ignored (the time-out keeps running, SL §2.4.1);
/// a reply from another address or for another function is stray
/// ([`Error::Mismatch`]); a reply from the unit asked that does not answer
/// the request (a wrong byte count, or a wrong echo of address, quantity,
/// value or sub-function) ends the transaction with
/// [`Error::NotAnswer`], naming both values.
#[derive(Debug, Clone)]
pub struct Link {
    /// Responses only, fixed at compile time: a client image does not link
    /// the request-side prediction and plausibility code.
    framer: Framer<ResponseSide>,
    /// The last reply accepted, kept in place for [`Reply`].
    reply: [u8; MAX_ADU],
    reply_len: usize,
}

impl Link {
    /// A link on `line` framing replies by `mode`, started at `now` (a
    /// `const fn`, as [`Config::client`]).
    pub const fn new(line: Line, mode: Mode, now: Duration) -> Self {
        Link {
            framer: Framer::new(line, mode, ResponseSide, now),
            reply: [0; MAX_ADU],
            reply_len: 0,
        }
    }

    /// The reply framer, to tune its timers.
    pub fn framer_mut(&mut self) -> &mut Framer<ResponseSide> {
        &mut self.framer
    }

    fn verdict(&mut self, expect: Option<&Expected>) -> Option<Verdict<Accepted, Error>> {
        // A length framer finds frames by their CRC: it is not computed
        // again here (a timing framer's frames are checked here, once).
        let check = !self.framer.checks_crc();
        let adu = match self.framer.poll_frame()? {
            Ok(adu) => adu,
            Err(_) => return Some(Verdict::Cut),
        };
        let want = expect.map(Expected::address);
        Some(match decode_response_crc(adu, check) {
            Err(Error::Crc { .. }) => Verdict::Cut,
            Err(e) if adu.first().copied() == want => Verdict::Error(e),
            Err(e) => Verdict::Stray(e),
            Ok((addr, r)) => match expect.map(|x| x.check(addr, &r)) {
                Some(Err(e @ Error::Mismatch { .. })) => Verdict::Stray(e),
                Some(Err(e)) => Verdict::Error(e),
                // Only an awaited reply is kept: the frame is copied once.
                Some(Ok(())) => {
                    let n = adu.len().min(MAX_ADU);
                    if let (Some(dst), Some(src)) = (self.reply.get_mut(..n), adu.get(..n)) {
                        dst.copy_from_slice(src);
                        self.reply_len = n;
                    }
                    Verdict::Reply(Accepted)
                }
                None => Verdict::Reply(Accepted),
            },
        })
    }
}

impl Protocol for Link {
    type Request<'a> = (u8, Request<'a>);
    type Expect = Expected;
    type Reply = Accepted;
    type Answer<'a> = Reply<'a>;
    type Error = Error;
    type Inbound = core::convert::Infallible;

    fn encode(
        &self,
        (address, request): &(u8, Request<'_>),
        buf: &mut [u8],
    ) -> Result<(usize, Option<Expected>), Error> {
        let n = encode_request(*address, request, buf)?;
        let expect = (*address != BROADCAST).then(|| Expected::new(*address, request));
        Ok((n, expect))
    }

    fn feed(
        &mut self,
        now: Duration,
        bytes: &[u8],
        expect: Option<&Expected>,
    ) -> (usize, Option<Verdict<Accepted, Error>>) {
        let n = self.framer.feed(now, bytes);
        (n, self.verdict(expect))
    }

    fn handle_timeout(
        &mut self,
        now: Duration,
        expect: Option<&Expected>,
    ) -> Option<Verdict<Accepted, Error>> {
        self.framer.handle_timeout(now);
        self.verdict(expect)
    }

    fn poll_timeout(&self) -> Option<Duration> {
        self.framer.poll_timeout()
    }

    fn discarded(&self) -> u64 {
        self.framer.discarded()
    }

    fn answer(&self, _: Accepted) -> Reply<'_> {
        Reply {
            adu: self.reply.get(..self.reply_len).unwrap_or_default(),
        }
    }
}

/// The framer and the length of the reply kept, not the reply buffer
/// (the reply itself formats from [`Reply`]).
#[cfg(feature = "defmt")]
impl defmt::Format for Link {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Link {{ framer: {}, reply_len: {=usize} }}",
            self.framer,
            self.reply_len
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Field, Parity, Words, encode_response};

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn sent(request: Request<'_>) -> Client {
        let mut c = Config::new(Line::new(9600, Parity::Even, 1)).client(ms(0));
        c.send(ms(0), &(1, request)).unwrap();
        assert!(c.poll_transmit(ms(0)).is_some());
        c
    }

    fn reply(address: u8, response: &Response<'_>) -> ([u8; MAX_ADU], usize) {
        let mut buf = [0u8; MAX_ADU];
        let n = encode_response(address, response, &mut buf).unwrap();
        (buf, n)
    }

    #[test]
    fn a_reply_that_does_not_answer_is_an_error_naming_both_values() {
        let read = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 2,
        };
        let mut c = sent(read);
        let one = [0u8, 7];
        let (b, n) = reply(1, &Response::ReadHoldingRegisters(Words::new(&one)));
        c.feed(ms(5), &b[..n]);
        assert_eq!(
            c.poll_event(),
            Some(Event::Error(Error::NotAnswer {
                field: Field::ByteCount,
                expected: 4,
                found: 2
            }))
        );

        let mut c = sent(Request::WriteSingleRegister {
            address: 3,
            value: 3,
        });
        let (b, n) = reply(
            1,
            &Response::WriteSingleRegister {
                address: 3,
                value: 4,
            },
        );
        c.feed(ms(5), &b[..n]);
        assert_eq!(
            c.poll_event(),
            Some(Event::Error(Error::NotAnswer {
                field: Field::Value,
                expected: 3,
                found: 4
            }))
        );
    }

    #[test]
    fn the_crc_is_checked_once_in_either_mode_and_a_bad_one_cuts() {
        // The length framer checks it, the link checks a timing framer's
        // frames, and the accepted reply decodes without checking again.
        let read = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 2,
        };
        let regs = [0u8, 42, 0, 7];
        let (good, n) = reply(1, &Response::ReadHoldingRegisters(Words::new(&regs)));
        let mut bad = good;
        if let Some(b) = bad.get_mut(n - 1) {
            *b ^= 1;
        }
        for mode in [Mode::Timing, Config::default().mode] {
            let mut config = Config::new(Line::new(9600, Parity::Even, 1));
            config.mode = mode;
            let mut c = config.client(ms(0));
            c.handle_timeout(ms(10));
            c.send(ms(10), &(1, read)).unwrap();
            assert!(c.poll_transmit(ms(10)).is_some());
            c.feed(ms(20), &bad[..n]);
            c.handle_timeout(ms(100));
            assert_eq!(c.poll_event(), None, "{mode:?}");
            assert_eq!(c.counters().cut, 1, "{mode:?}");
            c.feed(ms(200), &good[..n]);
            c.handle_timeout(ms(300));
            let Some(Event::Reply(accepted)) = c.poll_event() else {
                panic!("{mode:?}: no reply");
            };
            let answer = c.answer(accepted);
            assert_eq!(answer.bytes(), &good[..n]);
            assert_eq!(
                answer.response(),
                Response::ReadHoldingRegisters(Words::new(&regs))
            );
            assert_eq!(answer.to_owned().response(), answer.response());
        }
    }

    #[test]
    fn another_units_reply_is_stray_and_late_replies_are_unsolicited() {
        let read = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 1,
        };
        let mut c = sent(read);
        let regs = [0u8, 9];
        let (b, n) = reply(2, &Response::ReadHoldingRegisters(Words::new(&regs)));
        c.feed(ms(5), &b[..n]);
        assert_eq!(c.poll_event(), None);
        assert!(matches!(c.poll_stray(), Some(Error::Mismatch { .. })));
        // The reply from the unit asked, after the deadline: never accepted.
        let (b, n) = reply(1, &Response::ReadHoldingRegisters(Words::new(&regs)));
        c.feed(ms(1000), &b[..n]);
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        c.handle_timeout(ms(2000));
        let counters = c.counters();
        assert_eq!((counters.stray, counters.unsolicited), (1, 1));
    }
}
