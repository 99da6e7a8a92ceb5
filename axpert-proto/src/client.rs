//! The client: the workspace's generic [`proto_core::Client`] around this
//! protocol's [`Link`], one request outstanding at a time.
//!
//! No clock and no I/O: `now` is any monotonic time the caller keeps, as a
//! [`Duration`] since an epoch of its choosing. A frame that arrives when no
//! request is outstanding (a late reply after a timeout) is counted as
//! unsolicited and dropped, never taken as the answer to the next request.

use core::time::Duration;

use proto_core::{Protocol, Verdict};

use crate::{CAPACITY, Command, CommandSet, EVERY_COMMAND, Error, Framer, Inquiry, Response};

/// Longest request frame: a raw command plus CRC and CR.
pub const TX_CAPACITY: usize = crate::command::RAW_CAPACITY + 8;

/// What a transaction ended with: the reply (a NAK is
/// [`Response::Nak`]), a corrupted or malformed reply, or a time-out.
pub type Event = proto_core::Event<Accepted, Error>;

/// The token a transaction's event carries when a reply was accepted; the
/// decoded reply stays in the client, read with
/// [`Client::answer`](proto_core::Client::answer) (the drivers hand it
/// out as `&Response`). A decoded reply is a few hundred bytes; it is not
/// moved through every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Accepted;

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
/// let Some(Event::Reply(accepted)) = c.poll_event() else { panic!() };
/// assert_eq!(c.answer(accepted), &Response::Mode(Mode::Battery));
/// # Ok::<(), axpert_proto::Error>(())
/// ```
pub type Client<const N: usize = CAPACITY, const SET: CommandSet = EVERY_COMMAND> =
    proto_core::Client<Link<N, SET>, TX_CAPACITY>;

// The client formats with defmt only if its parts do: checked here, in
// every build with the feature, not only where firmware logs one.
#[cfg(feature = "defmt")]
const _: fn() = || {
    fn format<T: defmt::Format>() {}
    format::<Client>();
};

/// The protocol part of the [`Client`]: commands are checked and encoded,
/// replies framed and decoded against the inquiry they answer. There are
/// no addresses, so no frame is stray. A frame cut off by the next one, or
/// too long to hold, is not an answer: stale bytes glued in front of the
/// reply (`docs/protocols/axpert.md` §6) must not cost the reply that
/// follows them. A CRC error ends the transaction with that error.
///
/// `SET` is the [`CommandSet`] the link sends and decodes (every command
/// by default); a firmware image names the few it uses, and the rest are
/// not linked.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Link<const N: usize = CAPACITY, const SET: CommandSet = EVERY_COMMAND> {
    framer: Framer<N>,
    /// The last reply accepted, kept in place.
    reply: Response,
}

impl<const N: usize, const SET: CommandSet> Default for Link<N, SET> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const SET: CommandSet> Link<N, SET> {
    /// A link with an empty framer.
    pub const fn new() -> Self {
        Link {
            framer: Framer::new(),
            reply: Response::Ack,
        }
    }
}

impl<const N: usize, const SET: CommandSet> Protocol for Link<N, SET> {
    type Request<'a> = Command;
    /// The inquiry the reply answers (`None`: a setting or raw command).
    type Expect = Option<Inquiry>;
    type Reply = Accepted;
    type Answer<'a> = &'a Response;
    type Error = Error;
    type Inbound = core::convert::Infallible;

    fn encode(
        &self,
        command: &Command,
        buf: &mut [u8],
    ) -> Result<(usize, Option<Option<Inquiry>>), Error> {
        Ok((command.encode_in::<SET>(buf)?, Some(command.inquiry())))
    }

    fn feed(
        &mut self,
        _now: Duration,
        bytes: &[u8],
        expect: Option<&Option<Inquiry>>,
    ) -> (usize, Option<Verdict<Accepted, Error>>) {
        let (n, frame) = self.framer.feed(bytes);
        let verdict = match frame {
            None => None,
            Some(Err(Error::Unterminated | Error::TooLong { .. })) => Some(Verdict::Cut),
            // Nothing awaited: the client only counts it; no need to decode.
            Some(_) if expect.is_none() => Some(Verdict::Reply(Accepted)),
            Some(frame) => Some(
                match frame.and_then(|f| Response::decode_in::<SET>(expect.copied().flatten(), &f))
                {
                    Ok(r) => {
                        self.reply = r;
                        Verdict::Reply(Accepted)
                    }
                    Err(e) => Verdict::Error(e),
                },
            ),
        };
        (n, verdict)
    }

    fn reset(&mut self) {
        self.framer.reset();
    }

    fn discarded(&self) -> u64 {
        self.framer.discarded()
    }

    fn answer(&self, _: Accepted) -> &Response {
        &self.reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(2);

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    /// The reply the transaction ended with, read from the client.
    fn reply<const N: usize>(c: &mut Client<N>) -> Option<Response> {
        match c.poll_event()? {
            Event::Reply(a) => Some(*c.answer(a)),
            other => panic!("{other:?}"),
        }
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
        assert_eq!(reply(&mut c), Some(Response::Mode(crate::Mode::Battery)));
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
        assert_eq!(reply(&mut c), Some(Response::Mode(crate::Mode::Battery)));
        assert_eq!(c.counters().cut, 1);
        // An over-long frame is dropped the same way.
        let mut c = Client::<16>::new(Link::new(), T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), b"(0123456789012345678901234\r(B\xe7\xc9\r");
        assert_eq!(reply(&mut c), Some(Response::Mode(crate::Mode::Battery)));
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
        assert_eq!(reply(&mut c), Some(Response::Nak));
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
    fn a_link_for_a_command_set_refuses_the_rest_before_sending() {
        const SET: CommandSet = crate::command_set(&[Inquiry::Mode]);
        let mut c = Client::<256, SET>::new(Link::new(), T);
        for other in [
            Command::Inquiry(Inquiry::GeneralStatus),
            Command::Setting(crate::Setting::EqualizationTime(30)),
            Command::raw("QBOOT").unwrap(),
        ] {
            assert!(
                matches!(c.send(ms(0), &other), Err(Error::NotInSet { .. })),
                "{other:?}"
            );
            assert_eq!(c.poll_transmit(ms(0)), None);
        }
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        assert_eq!(c.poll_transmit(ms(0)), Some(&b"QMOD\x49\xc1\r"[..]));
        c.feed(ms(5), b"(B\xe7\xc9\r");
        let Some(Event::Reply(a)) = c.poll_event() else {
            panic!("no reply")
        };
        assert_eq!(c.answer(a), &Response::Mode(crate::Mode::Battery));
        // Settings can be added to a set.
        let mut c = Client::<256, { SET | crate::SETTINGS }>::new(Link::new(), T);
        c.send(ms(0), &crate::Setting::EqualizationTime(30).into())
            .unwrap();
        assert_eq!(
            c.poll_transmit(ms(0)).map(|f| &f[..6]),
            Some(&b"PBEQT0"[..])
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
