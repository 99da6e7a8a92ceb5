//! Client state machine: one request at a time.
//!
//! `send(now, address, request)`, write [`poll_transmit`](Client::poll_transmit)
//! (held back until the turnaround delay after a broadcast has passed),
//! `feed(now, bytes)`, and take the outcome from [`poll_event`](Client::poll_event).
//! A broadcast completes as soon as it is sent. A reply from another
//! address or for another function is not accepted: it is counted and
//! available from [`poll_stray`](Client::poll_stray), and the response
//! time-out keeps running (SL §2.4.1).

use core::time::Duration;

use proto_core::Transaction;

use crate::{
    BROADCAST, Error, Line, MAX_ADU, Request, Response, decode_response, encode_request,
    framer::{Framer, Mode, Side},
};

/// A received reply: the ADU, decoded on demand (data borrows from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    adu: [u8; MAX_ADU],
    len: usize,
}

impl Reply {
    /// The ADU as received.
    pub fn bytes(&self) -> &[u8] {
        self.adu.get(..self.len).unwrap_or_default()
    }

    /// The decoded response (an exception is `Response::Exception`).
    pub fn response(&self) -> Response<'_> {
        // Checked when the reply was accepted, so this cannot fail.
        decode_response(self.bytes()).map_or(
            Response::Custom {
                function: 0,
                data: &[],
            },
            |(_, r)| r,
        )
    }
}

/// What a transaction ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // no allocator to box into
pub enum Event {
    /// The server's reply (an exception response included).
    Reply(Reply),
    /// A broadcast was sent; nobody answers it.
    Broadcast,
    /// A reply from the right server failed to decode.
    Error(Error),
    /// No reply before the time-out.
    Timeout,
}

/// The client.
#[derive(Debug, Clone)]
pub struct Client {
    framer: Framer,
    timeout: Duration,
    turnaround: Duration,
    t: Transaction<Event, MAX_ADU>,
    expect: (u8, u8),
    /// Earliest time the next request may go out (turnaround after a broadcast).
    hold_until: Duration,
    /// Earliest time the current request may go out, while it has not been.
    tx_at: Option<Duration>,
    stray: Option<Error>,
    strays: u32,
}

impl Client {
    /// A client on `line` whose replies are framed by `mode`, with a
    /// response time-out and the turnaround delay after broadcasts.
    pub fn new(
        line: Line,
        mode: Mode,
        timeout: Duration,
        turnaround: Duration,
        now: Duration,
    ) -> Self {
        Client {
            framer: Framer::new(line, mode, Side::Responses, now),
            timeout,
            turnaround,
            t: Transaction::new(),
            expect: (0, 0),
            hold_until: now,
            tx_at: None,
            stray: None,
            strays: 0,
        }
    }

    /// Starts a transaction. The request is checked and encoded here; an
    /// invalid one is refused and nothing will be sent.
    pub fn send(&mut self, now: Duration, address: u8, request: &Request<'_>) -> Result<(), Error> {
        let start = now.max(self.hold_until);
        self.tx_at = None;
        self.expect = (address, request.function());
        let broadcast = address == BROADCAST;
        let deadline = (!broadcast).then(|| start.saturating_add(self.timeout));
        self.t.start(deadline, Some(Event::Broadcast), |buf| {
            encode_request(address, request, buf)
        })?;
        self.tx_at = Some(start);
        if broadcast {
            self.hold_until = start.saturating_add(self.turnaround);
        }
        Ok(())
    }

    /// The request bytes, once the turnaround after a broadcast has passed.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]> {
        if now < self.tx_at? {
            return None;
        }
        self.tx_at = None;
        self.t.poll_transmit()
    }

    /// Feeds received bytes; returns how many were taken.
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        let mut used = 0;
        loop {
            // Drain finished frames first, so the framer can take more.
            self.take_frames();
            let rest = bytes.get(used..).unwrap_or_default();
            if rest.is_empty() {
                break;
            }
            used += self.framer.feed(now, rest);
        }
        self.handle_timeout(now);
        used
    }

    fn take_frames(&mut self) {
        while let Some(frame) = self.framer.poll_frame() {
            let Ok(adu) = frame else { continue };
            let (want_addr, want_fc) = self.expect;
            let event = match decode_response(adu) {
                Err(Error::Crc { .. }) => continue,
                Err(e) => Event::Error(e),
                Ok((addr, r)) if addr != want_addr || r.function() & 0x7F != want_fc => {
                    self.strays = self.strays.saturating_add(1);
                    self.stray = Some(Error::Mismatch {
                        address: want_addr,
                        function: want_fc,
                        found_address: addr,
                        found_function: r.function(),
                    });
                    continue;
                }
                Ok(_) => {
                    let mut reply = Reply {
                        adu: [0; MAX_ADU],
                        len: adu.len(),
                    };
                    if let Some(dst) = reply.adu.get_mut(..adu.len()) {
                        dst.copy_from_slice(adu);
                    }
                    Event::Reply(reply)
                }
            };
            self.t.finish(event);
        }
    }

    /// Ends the transaction at its deadline; lets the framer finish frames.
    pub fn handle_timeout(&mut self, now: Duration) {
        self.framer.handle_timeout(now);
        self.take_frames();
        self.t.expire(now, Event::Timeout);
    }

    /// When [`handle_timeout`](Self::handle_timeout) or
    /// [`poll_transmit`](Self::poll_transmit) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        [
            self.framer.poll_timeout(),
            self.t.poll_timeout(),
            self.tx_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The outcome of the transaction, once.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.t.poll_event()
    }

    /// The last reply that was not accepted (wrong address or function), once.
    pub fn poll_stray(&mut self) -> Option<Error> {
        self.stray.take()
    }

    /// Replies not accepted so far.
    pub fn strays(&self) -> u32 {
        self.strays
    }

    /// Whether a reply is awaited.
    pub fn is_waiting(&self) -> bool {
        self.t.is_waiting()
    }
}
