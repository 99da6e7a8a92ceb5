//! The client: the workspace's generic [`proto_core::Client`] around this
//! protocol's [`Link`], one request outstanding at a time.
//!
//! No clock and no I/O: `now` is any monotonic time the caller keeps, as a
//! [`Duration`] since an epoch of its choosing. A frame that arrives when no
//! request is outstanding (a late reply after a timeout) is counted as
//! unsolicited and dropped, never taken as the answer to the next request.

use core::time::Duration;

use proto_core::{Protocol, Verdict};

use crate::{CAPACITY, Command, Error, Framer, Inquiry, Response};

/// Longest request frame: a raw command plus CRC and CR.
pub const TX_CAPACITY: usize = crate::command::RAW_CAPACITY + 8;

/// What a transaction ended with: the reply (a NAK is
/// [`Response::Nak`]), a corrupted or malformed reply, or a time-out.
pub type Event = proto_core::Event<Response, Error>;

/// The client side of the protocol, with a framer of `N` bytes: the
/// workspace's one [`proto_core::Client`] around [`Link`].
///
/// ```
/// use core::time::Duration;
/// use axpert_proto::{Client, Event, Inquiry, Link, Mode, Response};
///
/// let mut c: Client = Client::new(Link::new(), Duration::from_secs(2));
/// let now = Duration::ZERO;
/// c.send(now, &Inquiry::Mode.into())?;
/// assert_eq!(c.poll_transmit(now), Some(&b"QMOD\x49\xc1\r"[..]));
/// c.feed(now, b"(B\xe7\xc9\r");
/// assert_eq!(c.poll_event(), Some(Event::Reply(Response::Mode(Mode::Battery))));
/// # Ok::<(), axpert_proto::Error>(())
/// ```
pub type Client<const N: usize = CAPACITY> = proto_core::Client<Link<N>, TX_CAPACITY>;

/// The protocol part of the [`Client`]: commands are checked and encoded,
/// replies framed and decoded against the inquiry they answer. There are
/// no addresses, so no frame is stray. A frame cut off by the next one, or
/// too long to hold, is not an answer: stale bytes glued in front of the
/// reply (`docs/protocols/axpert.md` §6) must not cost the reply that
/// follows them. A CRC error ends the transaction with that error.
#[derive(Debug, Clone)]
pub struct Link<const N: usize = CAPACITY> {
    framer: Framer<N>,
}

impl<const N: usize> Default for Link<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Link<N> {
    /// A link with an empty framer.
    pub const fn new() -> Self {
        Link {
            framer: Framer::new(),
        }
    }
}

impl<const N: usize> Protocol for Link<N> {
    type Request<'a> = Command;
    /// The inquiry the reply answers (`None`: a setting or raw command).
    type Expect = Option<Inquiry>;
    type Reply = Response;
    type Answer<'a> = Response;
    type Error = Error;
    type Inbound = core::convert::Infallible;

    fn encode(
        &self,
        command: &Command,
        buf: &mut [u8],
    ) -> Result<(usize, Option<Option<Inquiry>>), Error> {
        Ok((command.encode(buf)?, Some(command.inquiry())))
    }

    fn feed(
        &mut self,
        _now: Duration,
        bytes: &[u8],
        expect: Option<&Option<Inquiry>>,
    ) -> (usize, Option<Verdict<Response, Error>>) {
        let (n, frame) = self.framer.feed(bytes);
        let verdict = frame.map(|frame| match frame {
            Err(Error::Unterminated | Error::TooLong { .. }) => Verdict::Cut,
            frame => match frame.and_then(|f| Response::decode(expect.copied().flatten(), &f)) {
                Ok(r) => Verdict::Reply(r),
                Err(e) => Verdict::Error(e),
            },
        });
        (n, verdict)
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

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(2);

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn reply_in_chunks_with_echo_in_front() {
        let mut c = Client::<256>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        assert_eq!(c.poll_transmit(ms(0)), Some(&b"QMOD\x49\xc1\r"[..]));
        assert_eq!(c.poll_transmit(ms(0)), None);
        assert_eq!(c.poll_timeout(), Some(ms(2000)));
        let wire = b"QMOD\x49\xc1\r(B\xe7\xc9\r\0\0\0";
        for (i, b) in wire.iter().enumerate() {
            c.feed(ms(10 + i as u64), core::slice::from_ref(b));
        }
        assert_eq!(
            c.poll_event(),
            Some(Event::Reply(Response::Mode(crate::Mode::Battery)))
        );
        assert_eq!(c.poll_event(), None);
        assert!(!c.is_waiting());
    }

    #[test]
    fn stale_bytes_in_front_do_not_cost_the_reply() {
        // The head of an earlier QPIRI reply, cut off by the QMOD reply.
        let mut c = Client::<256>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), b"(230.0 21.7 23(B\xe7\xc9\r");
        assert_eq!(
            c.poll_event(),
            Some(Event::Reply(Response::Mode(crate::Mode::Battery)))
        );
        assert_eq!(c.counters().cut, 1);
        // An over-long frame is dropped the same way.
        let mut c = Client::<16>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), b"(0123456789012345678901234\r(B\xe7\xc9\r");
        assert_eq!(
            c.poll_event(),
            Some(Event::Reply(Response::Mode(crate::Mode::Battery)))
        );
    }

    #[test]
    fn timeout_then_late_reply_is_unsolicited() {
        let mut c = Client::<256>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.poll_transmit(ms(0));
        c.handle_timeout(ms(1999));
        assert_eq!(c.poll_event(), None);
        c.handle_timeout(ms(2000));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        assert_eq!(c.poll_timeout(), None);
        c.feed(ms(2100), b"(B\xe7\xc9\r");
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.counters().unsolicited, 1);
    }

    #[test]
    fn feed_after_deadline_times_out_first() {
        let mut c = Client::<256>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(2500), b"(B\xe7\xc9\r");
        assert_eq!(c.poll_event(), Some(Event::Timeout));
    }

    #[test]
    fn nak_is_a_response_and_crc_errors_are_events() {
        let mut c = Client::<256>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::ParallelStatus(0).into()).unwrap();
        c.poll_transmit(ms(0));
        let used = c.feed(ms(5), b"(NAKss\r(ACK9 \r");
        assert_eq!(used, 7, "stops after the frame that ends the transaction");
        assert_eq!(c.poll_event(), Some(Event::Reply(Response::Nak)));
        c.send(ms(10), &Inquiry::Mode.into()).unwrap();
        c.poll_transmit(ms(10));
        c.feed(ms(20), b"(B\x9c\xaf\r");
        assert_eq!(
            c.poll_event(),
            Some(Event::Error(Error::Crc {
                expected: 0xE7C9,
                actual: 0x9CAF
            }))
        );
    }

    #[test]
    fn refused_setting_sends_nothing() {
        let mut c = Client::<256>::new(Link::new(), T);
        let bad = Command::Setting(crate::Setting::EqualizationTime(903));
        assert!(matches!(c.send(ms(0), &bad), Err(Error::OutOfRange { .. })));
        assert_eq!(c.poll_transmit(ms(0)), None);
        assert!(!c.is_waiting());
    }
}
