//! The harness every `*_client` target shares: one protocol's client
//! machine, driven through [`proto_core::ClientMachine`] by operations
//! read from the input (send a request, hand out its bytes, feed
//! arbitrary bytes or a canned reply in chunks, let time pass by any
//! amount or to exactly `poll_timeout()`, handle the time-out, poll).
//! Time never goes backwards.
//!
//! What the machine must keep to (a broken promise is a crash):
//! - no panic;
//! - `feed` takes every byte, unless the frame it stopped at ended the
//!   transaction: then an event is out (the driver's contract in
//!   `proto_core::Client::feed`);
//! - an event only for a transaction that is open, once: never more
//!   events than sends; a reply, error or time-out only after the request
//!   went out, a time-out only at or after its deadline;
//! - the request bytes once per `send`, and a `poll_timeout()` while held back;
//! - an open transaction always has a `poll_timeout()`, no later than its
//!   deadline (`poll_transmit` time + the time-out);
//! - once the machine has seen a time at or after the deadline (through
//!   `handle_timeout` or `feed`), the transaction has ended;
//! - a valid request is always accepted, whatever state the machine is
//!   in; a refused one leaves nothing to send and nothing open;
//! - the counters never go down.

use core::fmt::Debug;
use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use proto_core::{ClientMachine, Counters, Event};

/// One protocol's part: how to build its client and its requests, its
/// canned replies, and what else there is to poll and check.
pub trait Case {
    type M: ClientMachine;

    /// The client, with its reply time-out (both may come from `u`).
    fn machine(u: &mut Unstructured<'_>) -> Result<(Self, Self::M, Duration)>
    where
        Self: Sized;

    /// Builds a request from `u` and sends it at `now`. Returns whether
    /// the request is one the protocol must accept, and what `send` said.
    fn send(
        &mut self,
        m: &mut Self::M,
        now: Duration,
        u: &mut Unstructured<'_>,
    ) -> Result<(
        bool,
        core::result::Result<(), <Self::M as ClientMachine>::Error>,
    )>;

    /// Replies (from captures and tests), some of which answer some of
    /// the requests `send` makes.
    fn replies(&self) -> &[Vec<u8>];

    /// Checks the request bytes `poll_transmit` gave.
    fn transmitted(&mut self, bytes: &[u8]) {
        let _ = bytes;
    }

    /// Reads an accepted reply (through `answer`).
    fn reply(&mut self, m: &Self::M, reply: <Self::M as ClientMachine>::Reply) {
        let _ = (m, reply);
    }

    /// Polls what the trait does not have (`poll_stray`).
    fn poll_more(&mut self, m: &mut Self::M) {
        let _ = m;
    }
}

struct Run<C: Case> {
    case: C,
    m: C::M,
    timeout: Duration,
    now: Duration,
    /// The latest time the machine was handed through `feed` or `handle_timeout`.
    seen: Duration,
    /// A transaction is open: sent, and its event not out yet.
    open: bool,
    /// Its request is still to go out.
    queued: bool,
    /// When its reply is due, once the request went out.
    deadline: Option<Duration>,
    sends: u64,
    events: u64,
    counters: Counters,
}

impl<C: Case> Run<C>
where
    <C::M as ClientMachine>::Error: Debug,
    <C::M as ClientMachine>::Reply: Debug + Copy,
{
    /// Takes the events out; returns whether one came.
    fn events(&mut self) -> bool {
        let Some(event) = self.m.poll_event() else {
            return false;
        };
        assert!(
            self.open,
            "{event:?} with no transaction open ({} events, {} sends)",
            self.events, self.sends
        );
        self.events += 1;
        assert!(self.events <= self.sends);
        match &event {
            Event::Broadcast => unreachable!("a broadcast ends when it goes out"),
            Event::Timeout => {
                let d = self
                    .deadline
                    .expect("a time-out after the request went out");
                assert!(self.seen >= d, "timed out at {:?}, due {d:?}", self.seen);
            }
            Event::Reply(r) => {
                assert!(!self.queued, "a reply before the request went out");
                self.case.reply(&self.m, *r);
            }
            Event::Error(_) => assert!(!self.queued, "an error before the request went out"),
        }
        self.open = false;
        self.queued = false;
        self.deadline = None;
        assert!(self.m.poll_event().is_none(), "{event:?} came twice");
        true
    }

    /// The checks after every operation.
    fn check(&mut self) {
        self.events();
        self.case.poll_more(&mut self.m);
        while self.m.poll_inbound().is_some() {}
        let c = self.m.counters();
        let o = self.counters;
        assert!(
            c.unsolicited >= o.unsolicited
                && c.stray >= o.stray
                && c.cut >= o.cut
                && c.discarded >= o.discarded,
            "counters went down: {o:?} to {c:?}"
        );
        self.counters = c;
        if !self.open {
            return;
        }
        let t = self.m.poll_timeout();
        assert!(t.is_some(), "an open transaction without a poll_timeout");
        if let Some(d) = self.deadline {
            assert!(t <= Some(d), "poll_timeout {t:?} past the deadline {d:?}");
            assert!(
                self.seen < d,
                "the machine saw {:?}, past the deadline {d:?}, and is still waiting",
                self.seen
            );
        }
    }

    fn send(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let (valid, sent) = self.case.send(&mut self.m, self.now, u)?;
        // A send abandons what was open, without an event.
        self.deadline = None;
        self.queued = false;
        self.open = false;
        match sent {
            Ok(()) => {
                self.sends += 1;
                self.open = true;
                self.queued = true;
            }
            Err(e) => {
                assert!(!valid, "a valid request refused: {e:?}");
                assert!(
                    self.m.poll_transmit(self.now).is_none(),
                    "refused, yet sent"
                );
                assert!(self.m.poll_event().is_none(), "refused, yet an event");
            }
        }
        Ok(())
    }

    fn transmit(&mut self) {
        let now = self.now;
        let due = self.m.poll_timeout();
        match self.m.poll_transmit(now) {
            Some(bytes) => {
                assert!(self.queued, "bytes to send with no request queued");
                assert!(!bytes.is_empty(), "an empty request");
                let bytes = bytes.to_vec();
                self.case.transmitted(&bytes);
                self.queued = false;
                // A broadcast ends as it goes out; anything else is awaited.
                match self.m.poll_event() {
                    Some(Event::Broadcast) => {
                        self.events += 1;
                        self.open = false;
                    }
                    Some(other) => panic!("{other:?} as the request went out"),
                    None => self.deadline = Some(now.saturating_add(self.timeout)),
                }
            }
            // Held back (a turnaround): a wake-up must be asked for. (It
            // may be the framer's, not the request's: `drain` checks that
            // the request goes out in the end.)
            None if self.queued => {
                assert!(
                    due.is_some(),
                    "request held back at {now:?}, no poll_timeout"
                );
            }
            None => {}
        }
    }

    fn feed(&mut self, mut bytes: &[u8], u: &mut Unstructured<'_>) -> Result<()> {
        for _ in 0..64 {
            let n = self.m.feed(self.now, bytes);
            self.seen = self.now;
            assert!(n <= bytes.len());
            let ended = self.events();
            assert!(
                n == bytes.len() || ended,
                "feed took {n} of {} bytes and no event says why",
                bytes.len()
            );
            self.check();
            bytes = &bytes[n..];
            if bytes.is_empty() {
                break;
            }
            // A driver sends its next request before feeding the rest.
            if u.arbitrary()? {
                self.send(u)?;
                self.check();
                self.transmit();
                self.check();
            }
        }
        Ok(())
    }

    /// Bytes in chunks, time passing between them or not.
    fn feed_chunks(&mut self, bytes: &[u8], u: &mut Unstructured<'_>) -> Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            let k = u.int_in_range(1..=rest.len())?;
            let (part, tail) = rest.split_at(k);
            self.feed(part, u)?;
            rest = tail;
            if u.ratio(1, 3)? {
                self.now += Duration::from_micros(u.int_in_range(0..=3000)?);
            }
        }
        Ok(())
    }

    fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=11u8)? {
            0 | 1 => self.send(u)?,
            2 => self.transmit(),
            3 => {
                let len = u.int_in_range(0..=48)?;
                let bytes = u.bytes(len)?.to_vec();
                self.feed(&bytes, u)?;
            }
            4 | 5 => {
                let replies = self.case.replies();
                if replies.is_empty() {
                    return Ok(());
                }
                let mut reply = replies[u.choose_index(replies.len())?].clone();
                // Sometimes damaged: one byte changed.
                if u.ratio(1, 4)? && !reply.is_empty() {
                    let at = u.choose_index(reply.len())?;
                    reply[at] ^= u.int_in_range(1..=255)?;
                }
                self.feed_chunks(&reply, u)?;
            }
            6 => {
                let step = match u.int_in_range(0..=2u8)? {
                    0 => Duration::from_micros(u.int_in_range(0..=2000)?),
                    1 => Duration::from_millis(u.int_in_range(0..=3000)?),
                    _ => Duration::from_secs(u.int_in_range(0..=100_000)?),
                };
                self.now += step;
            }
            // Exactly when the machine asked to be woken, and just before.
            7 | 8 => {
                if let Some(t) = self.m.poll_timeout() {
                    self.now = self.now.max(t);
                }
            }
            9 => {
                if let Some(t) = self.m.poll_timeout() {
                    self.now = self.now.max(t.saturating_sub(Duration::from_nanos(1)));
                }
            }
            _ => {
                self.m.handle_timeout(self.now);
                self.seen = self.now;
            }
        }
        self.check();
        Ok(())
    }

    /// After the input: a driver's loop with nothing arriving ends what is
    /// open, within a few wake-ups.
    fn drain(&mut self) {
        for _ in 0..16 {
            if !self.open {
                return;
            }
            if let Some(t) = self.m.poll_timeout() {
                self.now = self.now.max(t);
            }
            self.m.handle_timeout(self.now);
            self.seen = self.now;
            self.check();
            self.transmit();
            self.check();
        }
        assert!(!self.open, "still open after 16 wake-ups with no bytes");
    }
}

/// Runs one input through the harness.
pub fn run<C: Case>(data: &[u8])
where
    <C::M as ClientMachine>::Error: Debug,
    <C::M as ClientMachine>::Reply: Debug + Copy,
{
    let mut u = Unstructured::new(data);
    let Ok((case, m, timeout)) = C::machine(&mut u) else {
        return;
    };
    let mut r = Run {
        case,
        m,
        timeout,
        now: Duration::ZERO,
        seen: Duration::ZERO,
        open: false,
        queued: false,
        deadline: None,
        sends: 0,
        events: 0,
        counters: Counters::default(),
    };
    for _ in 0..256 {
        if u.is_empty() || r.step(&mut u).is_err() {
            break;
        }
    }
    r.drain();
}
