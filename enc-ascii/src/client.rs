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

use proto_core::Transaction;

use crate::{CAPACITY, Error, Framer, Radix, Request, Response, frame};

/// What a transaction ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Event {
    /// The drive's reply; a refusal (codes 20, 30) is a reply too.
    Response(Response),
    /// A broadcast was sent; no drive answers it.
    Broadcast,
    /// A reply arrived but was corrupt, or from the wrong drive.
    Error(Error),
    /// No reply before the deadline.
    Timeout,
}

/// The client side, with a framer of `N` bytes.
#[derive(Debug, Clone)]
pub struct Client<const N: usize = CAPACITY> {
    framer: Framer<N>,
    timeout: Duration,
    radix: Radix,
    t: Transaction<Event, { frame::MAX_LEN }>,
    /// Address and command index the awaited reply must carry.
    expect: (u8, u8),
    cut: u32,
}

impl<const N: usize> Client<N> {
    /// A client that waits `timeout` for each reply and reads response
    /// codes under [`Radix::Literal`].
    pub const fn new(timeout: Duration) -> Self {
        Self::with_radix(timeout, Radix::Literal)
    }

    /// A client for a link at `baud` bits per second to drives that wait
    /// `response_delay` (F2.17) before answering: the timeout covers the
    /// delay, the request and reply on the wire (18 bytes each, 10 bits a
    /// byte), and 100 ms of slack for adapters and scheduling.
    pub const fn for_link(baud: u32, response_delay: Duration) -> Self {
        let bits = 2 * frame::MAX_LEN as u64 * 10;
        let wire_us = if baud == 0 {
            0
        } else {
            bits * 1_000_000 / baud as u64
        };
        let timeout = Duration::from_micros(response_delay.as_micros() as u64 + wire_us + 100_000);
        Self::new(timeout)
    }

    /// Reads response codes under `radix` from now on.
    pub fn set_radix(&mut self, radix: Radix) {
        self.radix = radix;
    }

    /// The reply timeout.
    pub const fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A client that reads response codes under `radix`.
    pub const fn with_radix(timeout: Duration, radix: Radix) -> Self {
        Client {
            framer: Framer::new(),
            timeout,
            radix,
            t: Transaction::new(),
            expect: (0, 0),
            cut: 0,
        }
    }

    /// Starts a transaction for `request`. A transaction still outstanding
    /// is abandoned.
    pub fn send(&mut self, now: Duration, request: &Request) -> Result<(), Error> {
        self.framer.reset();
        let (_, _, index, _) = request.command.wire();
        self.expect = (request.address.get(), index);
        let deadline = (!request.address.is_broadcast()).then(|| now.saturating_add(self.timeout));
        self.t
            .start(deadline, Some(Event::Broadcast), |buf| request.encode(buf))
    }

    /// The request bytes to write, once per [`send`](Self::send).
    pub fn poll_transmit(&mut self) -> Option<&[u8]> {
        self.t.poll_transmit()
    }

    /// Feeds received bytes; returns how many were consumed. Stops after the
    /// frame that ends the transaction.
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        self.handle_timeout(now);
        let mut used = 0;
        while let Some(rest) = bytes.get(used..).filter(|r| !r.is_empty()) {
            let (n, frame) = self.framer.feed(rest);
            used += n;
            let Some(frame) = frame else { continue };
            if let Err(Error::Unterminated | Error::TooLong { .. }) = frame {
                self.cut = self.cut.saturating_add(1);
                continue;
            }
            let event = match frame.map(|f| Response::from_frame(&f, self.radix)) {
                Ok(r) if r.address != self.expect.0 => Event::Error(Error::WrongAddress {
                    expected: self.expect.0,
                    found: r.address,
                }),
                Ok(Response { index: Some(i), .. }) if i != self.expect.1 => {
                    Event::Error(Error::WrongIndex {
                        expected: self.expect.1,
                        found: i,
                    })
                }
                Ok(r) => Event::Response(r),
                Err(e) => Event::Error(e),
            };
            if self.t.finish(event) {
                break;
            }
        }
        used
    }

    /// Ends the transaction with [`Event::Timeout`] once its deadline has passed.
    pub fn handle_timeout(&mut self, now: Duration) {
        if self.t.expire(now, Event::Timeout) {
            self.framer.reset();
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.t.poll_timeout()
    }

    /// The outcome of the transaction, once.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.t.poll_event()
    }

    /// Whether a reply is awaited.
    pub fn is_waiting(&self) -> bool {
        self.t.is_waiting()
    }

    /// Frames that arrived while no reply was awaited.
    pub fn unsolicited(&self) -> u32 {
        self.t.unsolicited()
    }

    /// Frames dropped because they were cut off or too long.
    pub fn cut_frames(&self) -> u32 {
        self.cut
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
        let mut c = Client::<32>::new(T);
        c.send(ms(0), &req(1, Command::Read(Reading::RunFrequency)))
            .unwrap();
        assert_eq!(c.poll_transmit(), Some(&b"~010B00010194\r"[..]));
        assert_eq!(c.poll_timeout(), Some(ms(200)));
        for (i, b) in reply(1, ResponseCode::Normal, 1, Some(5000))
            .iter()
            .enumerate()
        {
            c.feed(ms(10 + i as u64), core::slice::from_ref(b));
        }
        let Some(Event::Response(r)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(r.data, Some(5000));
        assert!(!c.is_waiting());
    }

    #[test]
    fn timeout_covers_the_response_delay() {
        // 9600 baud: 360 bits each way = 37.5 ms; 5 ms delay; 100 ms slack.
        let c = Client::<32>::for_link(9600, ms(5));
        assert_eq!(c.timeout(), Duration::from_micros(142_500));
        let c = Client::<32>::for_link(1200, ms(200));
        assert_eq!(c.timeout(), ms(600));
    }

    #[test]
    fn broadcast_needs_no_reply() {
        let mut c = Client::<32>::new(T);
        let set = Command::Control(Control::SetFrequency(Frequency(4000)));
        c.send(ms(0), &Request::new(Address::BROADCAST, set))
            .unwrap();
        assert_eq!(c.poll_transmit(), Some(&b"~7F0C00010FA00298\r"[..]));
        assert_eq!(c.poll_event(), Some(Event::Broadcast));
        assert_eq!(c.poll_timeout(), None);
    }

    #[test]
    fn refusals_are_replies_and_strangers_are_errors() {
        let mut c = Client::<32>::new(T);
        c.send(ms(0), &req(1, Command::Control(Control::Run)))
            .unwrap();
        c.feed(ms(5), &reply(1, ResponseCode::Refused, 0, None));
        let Some(Event::Response(r)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(r.code, ResponseCode::Refused);

        c.send(ms(10), &req(1, Command::State)).unwrap();
        c.feed(ms(15), &reply(2, ResponseCode::Ready(11), 0, None));
        assert_eq!(
            c.poll_event(),
            Some(Event::Error(Error::WrongAddress {
                expected: 1,
                found: 2
            }))
        );

        c.send(ms(20), &req(1, Command::Read(Reading::OutputCurrent)))
            .unwrap();
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
        let mut c = Client::<32>::new(T);
        c.send(ms(0), &req(1, Command::State)).unwrap();
        c.handle_timeout(ms(199));
        assert_eq!(c.poll_event(), None);
        c.handle_timeout(ms(200));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
        c.feed(ms(300), &reply(1, ResponseCode::Ready(11), 0, None));
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.unsolicited(), 1);
    }
}
