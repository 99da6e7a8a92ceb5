//! The client every protocol shares: one transaction at a time, one
//! reply-matching policy, one set of counters.
//!
//! A protocol supplies its request encoder, its framer and its reply
//! matcher as a [`Protocol`]; [`Client`] does the rest:
//!
//! ```text
//! send(now, request) ─▶ poll_transmit(now) ─▶ (bytes to the wire)
//! (bytes from the wire) ─▶ feed(now, bytes) ─▶ poll_event() ─▶ Reply | Broadcast | Error | Timeout
//!                      handle_timeout(now) ◀─ poll_timeout()
//! ```
//!
//! # The policy, the same for every protocol
//! - The response time-out runs from the moment the request is handed to
//!   the wire ([`poll_transmit`](Client::poll_transmit)), not from `send`.
//! - A request that no device answers (a broadcast) ends with
//!   [`Event::Broadcast`] once it has been handed out; the next request is
//!   held back until the turnaround delay after it has passed.
//! - A reply that arrives after the deadline is never accepted: time is
//!   checked before bytes are read, and the frame is counted as
//!   unsolicited, like any frame that arrives while nothing is awaited.
//! - A frame from another device, or for another kind of request, or our
//!   own request read back (an RS485 adapter's echo), is stray
//!   ([`Verdict::Stray`]): counted, kept for
//!   [`poll_stray`](Client::poll_stray), and the client keeps waiting.
//! - A frame from the device asked that does not answer the request (a
//!   wrong count, echoed field or index) or fails its checks ends the transaction
//!   with [`Event::Error`], naming what was expected and what came.
//! - A frame the framer had to drop (cut off by the next one, longer than
//!   the buffer, or a corrupt frame the protocol says to ignore) is
//!   counted as cut and the client keeps waiting.
//!
//! # Big replies stay where they are
//! The event carries [`Protocol::Reply`], which should be small: a
//! protocol whose replies are big (a Modbus ADU, a decoded Axpert reply)
//! keeps the reply in its [`Protocol`] and makes `Reply` a token;
//! [`Client::answer`] then lends the reply out ([`Protocol::Answer`]).
//! Nothing of a reply's size is moved through the calls, which on a
//! microcontroller is the difference between a few hundred bytes of stack
//! and a few kilobytes.

use core::time::Duration;

/// What a protocol's framer and reply matcher make of one received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Verdict<R, E> {
    /// The reply to the awaited request.
    Reply(R),
    /// From the device asked, but corrupt or not an answer to the request:
    /// ends the transaction with this error.
    Error(E),
    /// Another device's frame, or an answer to another request: counted,
    /// and the client keeps waiting.
    Stray(E),
    /// A frame the framer dropped (cut off, too long, or corrupt where the
    /// protocol ignores corrupt frames): counted, and the client keeps waiting.
    Cut,
}

/// What a transaction ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[allow(clippy::large_enum_variant)] // no allocator to box into; moved once per transaction
pub enum Event<R, E> {
    /// The reply (a protocol's refusal, such as an exception or a NAK, is a reply).
    Reply(R),
    /// A request that no device answers was sent.
    Broadcast,
    /// A reply arrived from the device asked but was corrupt or did not
    /// answer the request.
    Error(E),
    /// No reply before the deadline.
    Timeout,
}

/// What the client has passed over so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Counters {
    /// Frames that arrived while no reply was awaited (late replies among them).
    pub unsolicited: u32,
    /// Frames from another device or for another request.
    pub stray: u32,
    /// Frames the framer dropped: cut off, too long, or corrupt and ignored.
    pub cut: u32,
    /// Bytes the framer passed over (noise, echo, padding, dropped frames).
    pub discarded: u64,
}

/// A protocol's part of a client: its request encoder, its framer and its
/// reply matcher. The generic [`Client`] runs the transaction around it.
pub trait Protocol {
    /// A request, as the protocol's client takes it.
    type Request<'a>;
    /// What the awaited reply must match, kept while it is awaited.
    type Expect;
    /// An accepted reply, as the transaction's event carries it. Keep it
    /// small: it is moved out through [`Client::poll_event`]. A protocol
    /// whose replies are big frames keeps the frame itself and makes this a
    /// token, read through [`answer`](Self::answer).
    type Reply;
    /// The accepted reply as the caller reads it: the reply itself, or a
    /// view borrowed from the protocol (a frame kept in place, not moved).
    type Answer<'a>
    where
        Self: 'a;
    /// The protocol's error.
    type Error;
    /// What arrives on its own, not as a reply (CAN frames from the bus);
    /// `core::convert::Infallible` for request/response protocols.
    type Inbound;

    /// Checks `request` and encodes it into `buf`. Returns its length and
    /// what its reply must match, or `None` when no device answers it (a
    /// broadcast). An invalid request is refused here.
    fn encode(
        &self,
        request: &Self::Request<'_>,
        buf: &mut [u8],
    ) -> Result<(usize, Option<Self::Expect>), Self::Error>;

    /// Takes bytes that arrived at `now`, up to the end of at most one
    /// frame. Returns how many were taken and, when a frame ended, what it
    /// is to the awaited request (`expect` is `None` when nothing is
    /// awaited; the verdict is then only counted).
    fn feed(
        &mut self,
        now: Duration,
        bytes: &[u8],
        expect: Option<&Self::Expect>,
    ) -> (usize, Option<Judged<Self>>);

    /// For framers that end frames by silence: ends one if the line has
    /// been quiet long enough at `now`. Called until it returns `None`.
    fn handle_timeout(
        &mut self,
        now: Duration,
        expect: Option<&Self::Expect>,
    ) -> Option<Judged<Self>> {
        let _ = (now, expect);
        None
    }

    /// When the framer next needs [`handle_timeout`](Self::handle_timeout).
    fn poll_timeout(&self) -> Option<Duration> {
        None
    }

    /// A new request starts, or the awaited one timed out: drop what is
    /// not worth keeping (a partial frame).
    fn reset(&mut self) {}

    /// Bytes the framer passed over so far.
    fn discarded(&self) -> u64 {
        0
    }

    /// The next thing that arrived on its own, once.
    fn poll_inbound(&mut self) -> Option<Self::Inbound> {
        None
    }

    /// The caller's view of `reply`, the reply the last transaction ended
    /// with (valid until the next `send` or `feed`).
    fn answer(&self, reply: Self::Reply) -> Self::Answer<'_>;
}

/// A protocol's verdict on a frame.
pub type Judged<P> = Verdict<<P as Protocol>::Reply, <P as Protocol>::Error>;

/// A protocol's client: `P` does the encoding, framing and matching; `TX`
/// is the capacity of the request buffer.
#[derive(Debug, Clone)]
pub struct Client<P: Protocol, const TX: usize> {
    protocol: P,
    timeout: Duration,
    turnaround: Duration,
    tx: [u8; TX],
    tx_len: usize,
    /// Earliest time the queued request may go out, while it has not.
    tx_at: Option<Duration>,
    /// Earliest time the next request may go out (turnaround after a broadcast).
    hold_until: Duration,
    /// What the reply must match, from `send` until the transaction ends.
    expect: Option<P::Expect>,
    /// Set when the request went out and a reply is awaited.
    deadline: Option<Duration>,
    event: Option<Event<P::Reply, P::Error>>,
    stray: Option<P::Error>,
    counters: Counters,
}

impl<P: Protocol, const TX: usize> Client<P, TX> {
    /// A client that waits `timeout` for each reply after its request has
    /// gone out, with no turnaround delay after broadcasts.
    pub const fn new(protocol: P, timeout: Duration) -> Self {
        Client {
            protocol,
            timeout,
            turnaround: Duration::ZERO,
            tx: [0; TX],
            tx_len: 0,
            tx_at: None,
            hold_until: Duration::ZERO,
            expect: None,
            deadline: None,
            event: None,
            stray: None,
            counters: Counters {
                unsolicited: 0,
                stray: 0,
                cut: 0,
                discarded: 0,
            },
        }
    }

    /// The same client, holding each request back until `turnaround` after
    /// a broadcast has gone out (devices need it to act on the broadcast).
    #[must_use]
    pub const fn with_turnaround(mut self, turnaround: Duration) -> Self {
        self.turnaround = turnaround;
        self
    }

    /// The reply time-out.
    pub const fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The protocol part, to read its settings.
    pub const fn protocol(&self) -> &P {
        &self.protocol
    }

    /// The protocol part, to change its settings.
    pub fn protocol_mut(&mut self) -> &mut P {
        &mut self.protocol
    }

    /// Starts a transaction: checks and encodes `request`; its bytes are
    /// then available from [`poll_transmit`](Self::poll_transmit). An
    /// invalid request is refused and nothing will be sent. A transaction
    /// still open is abandoned, and any partial frame dropped.
    pub fn send(&mut self, now: Duration, request: &P::Request<'_>) -> Result<(), P::Error> {
        self.protocol.reset();
        self.tx_len = 0;
        self.tx_at = None;
        self.expect = None;
        self.deadline = None;
        self.event = None;
        let (len, expect) = self.protocol.encode(request, &mut self.tx)?;
        self.tx_len = len;
        self.expect = expect;
        self.tx_at = Some(now.max(self.hold_until));
        Ok(())
    }

    /// The request bytes, once per request, when `now` is past any
    /// turnaround delay. The reply deadline starts now.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]> {
        if now < self.tx_at? {
            return None;
        }
        self.tx_at = None;
        if self.expect.is_some() {
            self.deadline = Some(now.saturating_add(self.timeout));
        } else {
            self.hold_until = now.saturating_add(self.turnaround);
            self.event = Some(Event::Broadcast);
        }
        self.tx.get(..core::mem::take(&mut self.tx_len))
    }

    /// Feeds bytes that arrived at `now`; returns how many were taken. It
    /// stops after the frame that ends the transaction, leaving the rest.
    /// The deadline is checked first, so a late reply is never accepted.
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        self.handle_timeout(now);
        let mut used = 0;
        while let Some(rest) = bytes.get(used..).filter(|r| !r.is_empty()) {
            let (n, verdict) = self
                .protocol
                .feed(now, rest, awaited(self.deadline, &self.expect));
            used += n;
            let ended = match verdict {
                Some(v) => self.judge(v),
                None => n == 0,
            };
            if ended {
                break;
            }
        }
        used
    }

    /// Ends frames the silence ends, then the transaction if its deadline
    /// has passed. Early or repeated calls are harmless.
    pub fn handle_timeout(&mut self, now: Duration) {
        // A frame the silence ends before the deadline arrived in time.
        let at = self.deadline.map_or(now, |d| now.min(d));
        // Each verdict uses up a frame the framer holds; the bound only
        // guards against a framer that never runs dry.
        for _ in 0..TX.max(64) {
            let Some(v) = self
                .protocol
                .handle_timeout(at, awaited(self.deadline, &self.expect))
            else {
                break;
            };
            self.judge(v);
        }
        if self.deadline.is_some_and(|d| now >= d) {
            self.end(Event::Timeout);
            self.protocol.reset();
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) or
    /// [`poll_transmit`](Self::poll_transmit) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        [self.tx_at, self.deadline, self.protocol.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    /// The outcome of the transaction, once.
    pub fn poll_event(&mut self) -> Option<Event<P::Reply, P::Error>> {
        self.event.take()
    }

    /// The last stray frame (another device's, or for another request), once.
    pub fn poll_stray(&mut self) -> Option<P::Error> {
        self.stray.take()
    }

    /// The caller's view of `reply`, the reply the last transaction ended
    /// with: for most protocols the reply itself, for Modbus a view of the
    /// frame the client kept (valid until the next `send` or `feed`).
    pub fn answer(&self, reply: P::Reply) -> P::Answer<'_> {
        self.protocol.answer(reply)
    }

    /// The next thing that arrived on its own, not as a reply (a CAN frame
    /// from the bus), once.
    pub fn poll_inbound(&mut self) -> Option<P::Inbound> {
        self.protocol.poll_inbound()
    }

    /// Whether a transaction is open: its request not yet sent, or its reply awaited.
    pub fn is_waiting(&self) -> bool {
        self.tx_at.is_some() || self.deadline.is_some()
    }

    /// What has been passed over so far.
    pub fn counters(&self) -> Counters {
        Counters {
            discarded: self.protocol.discarded(),
            ..self.counters
        }
    }

    fn end(&mut self, event: Event<P::Reply, P::Error>) {
        self.deadline = None;
        self.expect = None;
        self.event = Some(event);
    }

    /// Applies the policy to a frame; returns whether it ended the transaction.
    fn judge(&mut self, verdict: Verdict<P::Reply, P::Error>) -> bool {
        let c = &mut self.counters;
        match verdict {
            Verdict::Cut => c.cut = c.cut.saturating_add(1),
            _ if self.deadline.is_none() => c.unsolicited = c.unsolicited.saturating_add(1),
            Verdict::Stray(e) => {
                c.stray = c.stray.saturating_add(1);
                self.stray = Some(e);
            }
            Verdict::Reply(r) => {
                self.end(Event::Reply(r));
                return true;
            }
            Verdict::Error(e) => {
                self.end(Event::Error(e));
                return true;
            }
        }
        false
    }
}

/// The transaction's state, not the request buffer: the protocol part,
/// what the reply must match, the deadline, the pending event and the
/// counters.
#[cfg(feature = "defmt")]
impl<P, const TX: usize> defmt::Format for Client<P, TX>
where
    P: Protocol + defmt::Format,
    P::Expect: defmt::Format,
    P::Reply: defmt::Format,
    P::Error: defmt::Format,
{
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Client {{ protocol: {}, timeout: {}, turnaround: {}, queued: {=usize}, send_at: {}, hold_until: {}, expect: {}, deadline: {}, event: {}, stray: {}, counters: {} }}",
            self.protocol,
            self.timeout,
            self.turnaround,
            self.tx_len,
            self.tx_at,
            self.hold_until,
            self.expect,
            self.deadline,
            self.event,
            self.stray,
            self.counters
        );
    }
}

/// The expectation, while a reply is awaited (the request is out).
fn awaited<X>(deadline: Option<Duration>, expect: &Option<X>) -> Option<&X> {
    deadline.and(expect.as_ref())
}

impl<P: Protocol, const TX: usize> crate::ClientMachine for Client<P, TX> {
    type Request<'a> = P::Request<'a>;
    type Reply = P::Reply;
    type Answer<'a>
        = P::Answer<'a>
    where
        Self: 'a;
    type Error = P::Error;
    type Inbound = P::Inbound;

    fn send(&mut self, now: Duration, request: &P::Request<'_>) -> Result<(), P::Error> {
        Client::send(self, now, request)
    }

    fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]> {
        Client::poll_transmit(self, now)
    }

    fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        Client::feed(self, now, bytes)
    }

    fn handle_timeout(&mut self, now: Duration) {
        Client::handle_timeout(self, now)
    }

    fn poll_timeout(&self) -> Option<Duration> {
        Client::poll_timeout(self)
    }

    fn poll_event(&mut self) -> Option<Event<P::Reply, P::Error>> {
        Client::poll_event(self)
    }

    fn counters(&self) -> Counters {
        Client::counters(self)
    }

    fn poll_inbound(&mut self) -> Option<P::Inbound> {
        Client::poll_inbound(self)
    }

    fn answer(&self, reply: P::Reply) -> P::Answer<'_> {
        Client::answer(self, reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy protocol: a request is `[address, tag]`, a reply is
    /// `[address, tag, value]`; address 0 is a broadcast; tag 0xFF marks a
    /// frame the framer drops.
    #[derive(Default)]
    struct Toy {
        buf: [u8; 3],
        len: usize,
    }

    impl Protocol for Toy {
        type Request<'a> = [u8; 2];
        type Expect = [u8; 2];
        type Reply = u8;
        type Answer<'a> = u8;
        type Error = (u8, u8);
        type Inbound = core::convert::Infallible;

        fn answer(&self, reply: u8) -> u8 {
            reply
        }

        fn encode(
            &self,
            r: &[u8; 2],
            buf: &mut [u8],
        ) -> Result<(usize, Option<[u8; 2]>), (u8, u8)> {
            if r[1] == 0xFF {
                return Err((0xFF, 0xFF));
            }
            buf[..2].copy_from_slice(r);
            Ok((2, (r[0] != 0).then_some(*r)))
        }

        fn feed(
            &mut self,
            _now: Duration,
            bytes: &[u8],
            expect: Option<&[u8; 2]>,
        ) -> (usize, Option<Verdict<u8, (u8, u8)>>) {
            let Some(&b) = bytes.first() else {
                return (0, None);
            };
            self.buf[self.len] = b;
            self.len += 1;
            if self.len < 3 {
                return (1, None);
            }
            self.len = 0;
            let [a, t, v] = self.buf;
            let [ea, et] = expect.copied().unwrap_or([a, t]);
            let verdict = match () {
                _ if t == 0xFF => Verdict::Cut,
                _ if a != ea => Verdict::Stray((ea, a)),
                _ if t != et => Verdict::Error((et, t)),
                _ => Verdict::Reply(v),
            };
            (1, Some(verdict))
        }

        fn reset(&mut self) {
            self.len = 0;
        }
    }

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn client() -> Client<Toy, 4> {
        Client::new(Toy::default(), ms(100)).with_turnaround(ms(50))
    }

    #[test]
    fn deadline_runs_from_transmission() {
        let mut c = client();
        c.send(ms(0), &[1, 7]).unwrap();
        assert_eq!(c.poll_timeout(), Some(ms(0)), "ready to go out");
        assert_eq!(c.poll_transmit(ms(10)), Some(&[1u8, 7][..]));
        assert_eq!(c.poll_transmit(ms(10)), None, "once");
        assert_eq!(c.poll_timeout(), Some(ms(110)));
        assert_eq!(c.feed(ms(20), &[1, 7, 42, 9]), 3, "stops after the reply");
        assert_eq!(c.poll_event(), Some(Event::Reply(42)));
        assert!(!c.is_waiting());
        assert_eq!(c.poll_timeout(), None);
    }

    #[test]
    fn late_replies_are_unsolicited() {
        let mut c = client();
        c.send(ms(0), &[1, 7]).unwrap();
        c.poll_transmit(ms(0));
        // Bytes fed after the deadline: the time-out comes first.
        c.feed(ms(100), &[1, 7, 42]);
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        assert_eq!(c.counters().unsolicited, 1);
        // A frame before any request is unsolicited too.
        c.feed(ms(200), &[1, 7, 42]);
        assert_eq!(c.counters().unsolicited, 2);
        assert_eq!(c.poll_event(), None);
    }

    #[test]
    fn strays_are_counted_and_the_client_keeps_waiting() {
        let mut c = client();
        c.send(ms(0), &[1, 7]).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), &[2, 7, 1]);
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.poll_stray(), Some((1, 2)));
        assert_eq!(c.poll_stray(), None);
        c.feed(ms(6), &[1, 0xFF, 0]);
        assert_eq!(c.poll_event(), None);
        c.feed(ms(7), &[1, 7, 3]);
        assert_eq!(c.poll_event(), Some(Event::Reply(3)));
        let n = c.counters();
        assert_eq!((n.stray, n.cut, n.unsolicited), (1, 1, 0));
    }

    #[test]
    fn a_frame_that_does_not_answer_is_an_error() {
        let mut c = client();
        c.send(ms(0), &[1, 7]).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), &[1, 8, 1]);
        assert_eq!(c.poll_event(), Some(Event::Error((7, 8))));
    }

    #[test]
    fn broadcast_then_turnaround() {
        let mut c = client();
        c.send(ms(0), &[0, 7]).unwrap();
        assert_eq!(c.poll_event(), None, "not yet sent");
        assert!(c.poll_transmit(ms(1)).is_some());
        assert_eq!(c.poll_event(), Some(Event::Broadcast));
        c.send(ms(2), &[1, 7]).unwrap();
        assert_eq!(c.poll_transmit(ms(50)), None, "held back");
        assert_eq!(c.poll_timeout(), Some(ms(51)));
        assert!(c.poll_transmit(ms(51)).is_some());
        assert_eq!(c.poll_timeout(), Some(ms(151)));
    }

    #[test]
    fn refused_requests_send_nothing() {
        let mut c = client();
        assert_eq!(c.send(ms(0), &[1, 0xFF]), Err((0xFF, 0xFF)));
        assert_eq!(c.poll_transmit(ms(0)), None);
        assert!(!c.is_waiting());
        assert_eq!(c.poll_timeout(), None);
    }
}
