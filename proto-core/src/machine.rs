//! The two machine shapes the drivers in `transports` loop around.

use core::time::Duration;

use crate::{Counters, Event};

/// A client that runs one transaction at a time: a request goes in with
/// [`send`](Self::send) and out through
/// [`poll_transmit`](Self::poll_transmit), received bytes come in through
/// [`feed`](Self::feed), and the outcome comes out of
/// [`poll_event`](Self::poll_event). Time is passed in, never read.
///
/// A driver loop needs nothing else: write what `poll_transmit` gives,
/// read and `feed` until `poll_event` has an event, calling
/// `handle_timeout` with the time when nothing arrives, never waiting past
/// [`poll_timeout`](Self::poll_timeout). When `poll_timeout` is `None` and
/// there is no event, no transaction is open.
///
/// Every protocol's client is a [`Client`](crate::Client), which implements it.
pub trait ClientMachine {
    /// A request.
    type Request<'a>;
    /// An accepted reply, as the transaction's event carries it (small).
    type Reply;
    /// The accepted reply as the caller reads it (see [`answer`](Self::answer)).
    type Answer<'a>
    where
        Self: 'a;
    /// The protocol's error.
    type Error;
    /// What arrives on its own, not as a reply (CAN frames from the bus).
    type Inbound;

    /// Starts a transaction; an invalid request is refused and nothing is sent.
    fn send(&mut self, now: Duration, request: &Self::Request<'_>) -> Result<(), Self::Error>;

    /// The request bytes to write, once per request, when they may go out at `now`.
    fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]>;

    /// Feeds bytes that arrived at `now`; returns how many were taken.
    fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize;

    /// Ends what time ends at `now`: a frame only silence delimits, the transaction.
    fn handle_timeout(&mut self, now: Duration);

    /// When `handle_timeout` or `poll_transmit` should next be called, while
    /// a transaction is open.
    fn poll_timeout(&self) -> Option<Duration>;

    /// The outcome of the transaction, once.
    fn poll_event(&mut self) -> Option<Event<Self::Reply, Self::Error>>;

    /// What the client has passed over so far.
    fn counters(&self) -> Counters;

    /// The next thing that arrived on its own, not as a reply, once.
    fn poll_inbound(&mut self) -> Option<Self::Inbound>;

    /// The caller's view of `reply`, the reply the last transaction ended
    /// with (valid until the next `send` or `feed`).
    fn answer(&self, reply: Self::Reply) -> Self::Answer<'_>;
}

/// The device side of a protocol: request bytes in, typed requests out to
/// the application, its answers encoded and out as bytes.
///
/// A serve loop needs nothing else: `feed` what arrives; for each request,
/// ask the application and hand its answer to [`respond`](Self::respond);
/// write what [`poll_transmit`](Self::poll_transmit) gives; call
/// `handle_timeout` when nothing arrives, never later than
/// [`poll_timeout`](Self::poll_timeout).
pub trait DeviceMachine {
    /// A request, as the application sees it.
    type Request;
    /// The application's answer (`Option` where a request may go unanswered).
    type Response;

    /// Feeds bytes that arrived at `now`; returns how many were taken and,
    /// when a request for this device ended, the request.
    fn feed(&mut self, now: Duration, bytes: &[u8]) -> (usize, Option<Self::Request>);

    /// Encodes the application's answer to the last request for
    /// [`poll_transmit`](Self::poll_transmit).
    fn respond(&mut self, response: &Self::Response);

    /// The reply bytes to write, once per reply.
    fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]>;

    /// Ends what time ends at `now` (a request only silence delimits).
    fn handle_timeout(&mut self, now: Duration) -> Option<Self::Request> {
        let _ = now;
        None
    }

    /// When `handle_timeout` should next be called.
    fn poll_timeout(&self) -> Option<Duration> {
        None
    }
}
