//! Client transaction state machine: one request outstanding at a time.
//!
//! ```text
//! send(now, cmd) ─▶ poll_transmit() ─▶ (bytes to the wire)
//! (bytes from the wire) ─▶ feed(now, bytes) ─▶ poll_event() ─▶ Response | Error | Timeout
//!                    handle_timeout(now) ◀─ poll_timeout()
//! ```
//!
//! No clock and no I/O: `now` is any monotonic time the caller keeps, as a
//! [`Duration`] since an epoch of its choosing. A frame that arrives when no
//! request is outstanding (a late reply after a timeout) is counted as
//! unsolicited and dropped, never taken as the answer to the next request.

use core::time::Duration;

use proto_core::Transaction;

use crate::{CAPACITY, Command, Error, Framer, Inquiry, Response};

/// Longest request frame: a raw command plus CRC and CR.
const TX_CAPACITY: usize = crate::command::RAW_CAPACITY + 8;

/// What a transaction ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[allow(clippy::large_enum_variant)] // no allocator to box into; moved once per transaction
pub enum Event {
    /// The reply, decoded (a NAK is [`Response::Nak`]).
    Response(Response),
    /// A reply arrived but was corrupted or malformed.
    Error(Error),
    /// No complete reply before the deadline.
    Timeout,
}

/// The client side of the protocol, with a framer of `N` bytes.
#[derive(Debug, Clone)]
pub struct Client<const N: usize = CAPACITY> {
    framer: Framer<N>,
    timeout: Duration,
    t: Transaction<Event, TX_CAPACITY>,
    /// The inquiry the awaited reply answers (`None`: a setting or raw command).
    inquiry: Option<Inquiry>,
    cut: u32,
}

impl<const N: usize> Client<N> {
    /// A client that gives up on a reply `timeout` after the request is sent.
    pub const fn new(timeout: Duration) -> Self {
        Client {
            framer: Framer::new(),
            timeout,
            t: Transaction::new(),
            inquiry: None,
            cut: 0,
        }
    }

    /// Starts a transaction: validates and encodes `command`; its bytes are
    /// then available from [`poll_transmit`](Self::poll_transmit).
    ///
    /// An out-of-range setting is refused here and nothing is sent. A
    /// transaction still outstanding is abandoned, and any partial frame dropped.
    pub fn send(&mut self, now: Duration, command: &Command) -> Result<(), Error> {
        self.framer.reset();
        self.inquiry = command.inquiry();
        self.t
            .start(Some(now.saturating_add(self.timeout)), None, |buf| {
                command.encode(buf)
            })
    }

    /// The request bytes to write, once per [`send`](Self::send).
    pub fn poll_transmit(&mut self) -> Option<&[u8]> {
        self.t.poll_transmit()
    }

    /// Feeds received bytes; returns how many were consumed. Stops after the
    /// frame that ends the transaction, leaving the rest to the caller.
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        self.handle_timeout(now);
        let mut used = 0;
        while let Some(rest) = bytes.get(used..).filter(|r| !r.is_empty()) {
            let (n, frame) = self.framer.feed(rest);
            used += n;
            let Some(frame) = frame else { continue };
            // A frame cut off by the next one, or too long to hold, is not
            // an answer: stale bytes glued in front of the reply (notes §6)
            // must not cost the reply that follows them.
            if let Err(Error::Unterminated | Error::TooLong { .. }) = frame {
                self.cut = self.cut.saturating_add(1);
                continue;
            }
            let event = match frame.and_then(|f| Response::decode(self.inquiry, &f)) {
                Ok(r) => Event::Response(r),
                Err(e) => Event::Error(e),
            };
            if self.t.finish(event) {
                break;
            }
        }
        used
    }

    /// Ends the outstanding transaction with [`Event::Timeout`] if its
    /// deadline has passed. Early or repeated calls are harmless.
    pub fn handle_timeout(&mut self, now: Duration) {
        if self.t.expire(now, Event::Timeout) {
            self.framer.reset();
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.t.poll_timeout()
    }

    /// The outcome of the last transaction, once.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.t.poll_event()
    }

    /// Whether a request is outstanding.
    pub fn is_waiting(&self) -> bool {
        self.t.is_waiting()
    }

    /// Frames received while no request was outstanding.
    pub fn unsolicited(&self) -> u32 {
        self.t.unsolicited()
    }

    /// Frames dropped because they were cut off or too long.
    pub fn cut_frames(&self) -> u32 {
        self.cut
    }

    /// Bytes the framer passed over (junk, echo, padding).
    pub fn discarded(&self) -> u64 {
        self.framer.discarded()
    }
}

impl<const N: usize> proto_core::ClientMachine for Client<N> {
    type Event = Event;

    fn poll_transmit(&mut self) -> Option<&[u8]> {
        Client::poll_transmit(self)
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

    fn poll_event(&mut self) -> Option<Event> {
        Client::poll_event(self)
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
        let mut c = Client::<256>::new(T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        assert_eq!(c.poll_transmit(), Some(&b"QMOD\x49\xc1\r"[..]));
        assert_eq!(c.poll_transmit(), None);
        assert_eq!(c.poll_timeout(), Some(ms(2000)));
        let wire = b"QMOD\x49\xc1\r(B\xe7\xc9\r\0\0\0";
        for (i, b) in wire.iter().enumerate() {
            c.feed(ms(10 + i as u64), core::slice::from_ref(b));
        }
        assert_eq!(
            c.poll_event(),
            Some(Event::Response(Response::Mode(crate::Mode::Battery)))
        );
        assert_eq!(c.poll_event(), None);
        assert!(!c.is_waiting());
    }

    #[test]
    fn stale_bytes_in_front_do_not_cost_the_reply() {
        // The head of an earlier QPIRI reply, cut off by the QMOD reply.
        let mut c = Client::<256>::new(T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.feed(ms(5), b"(230.0 21.7 23(B\xe7\xc9\r");
        assert_eq!(
            c.poll_event(),
            Some(Event::Response(Response::Mode(crate::Mode::Battery)))
        );
        assert_eq!(c.cut_frames(), 1);
        // An over-long frame is dropped the same way.
        let mut c = Client::<16>::new(T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.feed(ms(5), b"(0123456789012345678901234\r(B\xe7\xc9\r");
        assert_eq!(
            c.poll_event(),
            Some(Event::Response(Response::Mode(crate::Mode::Battery)))
        );
    }

    #[test]
    fn timeout_then_late_reply_is_unsolicited() {
        let mut c = Client::<256>::new(T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.handle_timeout(ms(1999));
        assert_eq!(c.poll_event(), None);
        c.handle_timeout(ms(2000));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        assert_eq!(c.poll_timeout(), None);
        c.feed(ms(2100), b"(B\xe7\xc9\r");
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.unsolicited(), 1);
    }

    #[test]
    fn feed_after_deadline_times_out_first() {
        let mut c = Client::<256>::new(T);
        c.send(ms(0), &Inquiry::Mode.into()).unwrap();
        c.feed(ms(2500), b"(B\xe7\xc9\r");
        assert_eq!(c.poll_event(), Some(Event::Timeout));
    }

    #[test]
    fn nak_is_a_response_and_crc_errors_are_events() {
        let mut c = Client::<256>::new(T);
        c.send(ms(0), &Inquiry::ParallelStatus(0).into()).unwrap();
        let used = c.feed(ms(5), b"(NAKss\r(ACK9 \r");
        assert_eq!(used, 7, "stops after the frame that ends the transaction");
        assert_eq!(c.poll_event(), Some(Event::Response(Response::Nak)));
        c.send(ms(10), &Inquiry::Mode.into()).unwrap();
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
        let mut c = Client::<256>::new(T);
        let bad = Command::Setting(crate::Setting::EqualizationTime(903));
        assert!(matches!(c.send(ms(0), &bad), Err(Error::OutOfRange { .. })));
        assert_eq!(c.poll_transmit(), None);
        assert!(!c.is_waiting());
    }
}
