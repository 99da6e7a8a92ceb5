//! Client transaction state machine: one request at a time.
//!
//! `send(now, request)`, write [`poll_transmit`](Client::poll_transmit),
//! `feed(now, bytes)` what comes back, and take the outcome from
//! [`poll_event`](Client::poll_event). A broadcast (address 127) gets no
//! reply: its event, [`Event::Broadcast`], is ready as soon as it is sent.
//! The drive waits its response delay (F2.17, 5 ms by default, up to
//! 200 ms) before answering; the timeout must be longer than that plus the
//! frame's time on the wire.

use core::time::Duration;

use proto_core::{Protocol, Verdict};

use crate::{CAPACITY, Error, Framer, Radix, Request, Response, frame};

/// What a transaction ended with: the drive's reply (a refusal, codes 20
/// and 30, is a reply too), a broadcast sent, a corrupt reply or one that
/// does not answer the request, or a time-out.
pub type Event = proto_core::Event<Response, Error>;

/// The client side, with a framer of `N` bytes: the workspace's one
/// [`proto_core::Client`] around [`Link`].
pub type Client<const N: usize = CAPACITY> = proto_core::Client<Link<N>, { frame::MAX_LEN }>;

// The client formats with defmt only if its parts do: checked here, in
// every build with the feature, not only where firmware logs one.
#[cfg(feature = "defmt")]
const _: fn() = || {
    fn format<T: defmt::Format>() {}
    format::<Client>();
};

/// The reply timeout for a link at `baud` bits per second to drives that
/// wait `response_delay` (F2.17) before answering: the delay, the request
/// and reply on the wire (18 bytes each, 10 bits a byte), and 100 ms of
/// slack for adapters and scheduling.
pub const fn timeout_for(baud: u32, response_delay: Duration) -> Duration {
    let bits = 2 * frame::MAX_LEN as u64 * 10;
    let wire_us = if baud == 0 {
        0
    } else {
        bits * 1_000_000 / baud as u64
    };
    Duration::from_micros(response_delay.as_micros() as u64 + wire_us + 100_000)
}

/// The protocol part of the [`Client`]: requests encoded, replies framed
/// and matched. A reply from another drive is stray (the client keeps
/// waiting); one from the drive asked that carries another command index
/// does not answer the request and is [`Error::WrongIndex`].
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Link<const N: usize = CAPACITY> {
    framer: Framer<N>,
    radix: Radix,
}

impl<const N: usize> Default for Link<N> {
    fn default() -> Self {
        Self::new(Radix::Literal)
    }
}

impl<const N: usize> Link<N> {
    /// A link that reads response codes under `radix`.
    pub const fn new(radix: Radix) -> Self {
        Link {
            framer: Framer::new(),
            radix,
        }
    }

    /// Reads response codes under `radix` from now on.
    pub fn set_radix(&mut self, radix: Radix) {
        self.radix = radix;
    }

    /// The radix response codes are read under.
    pub fn radix(&self) -> Radix {
        self.radix
    }
}

impl<const N: usize> Protocol for Link<N> {
    type Request<'a> = Request;
    /// The request: the reply must carry its address and command index,
    /// and a frame equal to it is its echo.
    type Expect = Request;
    type Reply = Response;
    type Answer<'a> = Response;
    type Error = Error;
    type Inbound = core::convert::Infallible;

    fn encode(&self, request: &Request, buf: &mut [u8]) -> Result<(usize, Option<Request>), Error> {
        let expect = (!request.address.is_broadcast()).then_some(*request);
        Ok((request.encode(buf)?, expect))
    }

    fn feed(
        &mut self,
        _now: Duration,
        bytes: &[u8],
        expect: Option<&Request>,
    ) -> (usize, Option<Verdict<Response, Error>>) {
        let (n, frame) = self.framer.feed(bytes);
        let Some(frame) = frame else {
            return (n, None);
        };
        let (address, index) = expect.map_or((0, 0), |r| (r.address.get(), r.command.wire().2));
        // Our request read back. Only where its code means nothing as a
        // response code: under the hex radix a drive's "not ready, no
        // fault" reply to a state query is byte for byte the query.
        let echo = |f: &crate::Frame, r: &Response| {
            matches!(r.code, crate::ResponseCode::Unknown(_))
                && expect.is_some_and(|x| Request::decode(f).ok() == Some(*x))
        };
        let verdict = match frame.map(|f| {
            let r = Response::decode(&f, self.radix);
            (echo(&f, &r), r)
        }) {
            Err(Error::Unterminated | Error::TooLong { .. }) => Verdict::Cut,
            Err(e) => Verdict::Error(e),
            Ok((true, _)) => Verdict::Stray(Error::Echo),
            Ok((false, r)) => check(r, address, index),
        };
        (n, Some(verdict))
    }

    fn reset(&mut self) {
        self.framer.reset();
    }

    fn discarded(&self) -> u64 {
        self.framer.discarded()
    }

    fn answer(&self, reply: Response) -> Response {
        reply
    }
}

/// The verdict on a response to the request for `index` at `address`.
fn check(r: Response, address: u8, index: u8) -> Verdict<Response, Error> {
    match r {
        r if r.address != address => Verdict::Stray(Error::WrongAddress {
            expected: address,
            found: r.address,
        }),
        Response { index: Some(i), .. } if i != index => Verdict::Error(Error::WrongIndex {
            expected: index,
            found: i,
        }),
        r => Verdict::Reply(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Address, Command, Control, Fault, Frequency, Reading, ResponseCode};

    const T: Duration = Duration::from_millis(200);

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn req(addr: u8, command: Command) -> Request {
        Request::new(Address::new(addr).unwrap(), command)
    }

    fn reply(addr: u8, code: ResponseCode, index: u8, data: Option<u16>) -> std::vec::Vec<u8> {
        let r = Response::new(
            Address::new(addr).unwrap(),
            code,
            Radix::Literal,
            Fault::None,
            index,
            data,
        );
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        buf[..n].to_vec()
    }
    extern crate std;

    #[test]
    fn read_with_a_simulated_clock() {
        let mut c = Client::<32>::new(Link::default(), T);
        c.send(ms(0), &req(1, Command::Read(Reading::RunFrequency)))
            .unwrap();
        assert_eq!(c.poll_transmit(ms(0)), Some(&b"~010B00010194\r"[..]));
        assert_eq!(c.poll_timeout(), Some(ms(200)));
        for (i, b) in reply(1, ResponseCode::Normal, 1, Some(5000))
            .iter()
            .enumerate()
        {
            c.feed(ms(10 + i as u64), core::slice::from_ref(b));
        }
        let Some(Event::Reply(r)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(r.data, Some(5000));
        assert!(!c.is_waiting());
    }

    #[test]
    fn our_request_read_back_is_an_echo_and_the_answer_still_counts() {
        let mut c = Client::<32>::new(Link::default(), T);
        c.send(ms(0), &req(1, Command::Read(Reading::RunFrequency)))
            .unwrap();
        let sent = c.poll_transmit(ms(0)).unwrap().to_vec();
        c.feed(ms(2), &sent);
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.poll_stray(), Some(Error::Echo));
        c.feed(ms(10), &reply(1, ResponseCode::Normal, 1, Some(5000)));
        let Some(Event::Reply(r)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(r.data, Some(5000));
        assert_eq!(c.counters().stray, 1);
    }

    #[test]
    fn under_the_hex_radix_a_reply_equal_to_the_query_is_still_a_reply() {
        // State query, drive not ready, no fault: `~010A0000` both ways.
        let mut c = Client::<32>::new(Link::new(Radix::Hex), T);
        c.send(ms(0), &req(1, Command::State)).unwrap();
        let sent = c.poll_transmit(ms(0)).unwrap().to_vec();
        c.feed(ms(2), &sent);
        assert!(matches!(c.poll_event(), Some(Event::Reply(_))), "{sent:?}");
    }

    #[test]
    fn timeout_covers_the_response_delay() {
        // 9600 baud: 360 bits each way = 37.5 ms; 5 ms delay; 100 ms slack.
        assert_eq!(timeout_for(9600, ms(5)), Duration::from_micros(142_500));
        assert_eq!(timeout_for(1200, ms(200)), ms(600));
    }

    #[test]
    fn broadcast_needs_no_reply() {
        let mut c = Client::<32>::new(Link::default(), T);
        let set = Command::Control(Control::SetFrequency(Frequency(4000)));
        c.send(ms(0), &Request::new(Address::BROADCAST, set))
            .unwrap();
        assert_eq!(c.poll_event(), None, "not sent yet");
        assert_eq!(c.poll_transmit(ms(0)), Some(&b"~7F0C00010FA00298\r"[..]));
        assert_eq!(c.poll_event(), Some(Event::Broadcast));
        assert_eq!(c.poll_timeout(), None);
    }

    #[test]
    fn refusals_are_replies_strangers_are_stray() {
        let mut c = Client::<32>::new(Link::default(), T);
        c.send(ms(0), &req(1, Command::Control(Control::Run)))
            .unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), &reply(1, ResponseCode::Refused, 0, None));
        let Some(Event::Reply(r)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(r.code, ResponseCode::Refused);

        // Another drive's reply is stray: counted, and the client keeps waiting.
        c.send(ms(10), &req(1, Command::State)).unwrap();
        c.poll_transmit(ms(10));
        c.feed(ms(15), &reply(2, ResponseCode::Ready(11), 0, None));
        assert_eq!(c.poll_event(), None);
        assert_eq!(
            c.poll_stray(),
            Some(Error::WrongAddress {
                expected: 1,
                found: 2
            })
        );
        assert_eq!(c.counters().stray, 1);
        c.feed(ms(16), &reply(1, ResponseCode::Ready(11), 0, None));
        assert!(matches!(c.poll_event(), Some(Event::Reply(_))));

        c.send(ms(20), &req(1, Command::Read(Reading::OutputCurrent)))
            .unwrap();
        c.poll_transmit(ms(20));
        c.feed(ms(25), &reply(1, ResponseCode::Normal, 2, Some(1)));
        assert_eq!(
            c.poll_event(),
            Some(Event::Error(Error::WrongIndex {
                expected: 3,
                found: 2
            }))
        );
    }

    #[test]
    fn timeouts_and_late_replies() {
        let mut c = Client::<32>::new(Link::default(), T);
        c.send(ms(0), &req(1, Command::State)).unwrap();
        c.poll_transmit(ms(0));
        c.handle_timeout(ms(199));
        assert_eq!(c.poll_event(), None);
        c.handle_timeout(ms(200));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        c.feed(ms(300), &reply(1, ResponseCode::Ready(11), 0, None));
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.counters().unsolicited, 1);
    }
}
