//! The interface of a client transaction state machine.

use core::time::Duration;

/// A client that runs one transaction at a time: the request goes out
/// through [`poll_transmit`](Self::poll_transmit), received bytes come in
/// through [`feed`](Self::feed), and the outcome through
/// [`poll_event`](Self::poll_event). Time is passed in, never read.
///
/// A driver loop needs nothing else: write what `poll_transmit` gives,
/// read and `feed` until `poll_event` has an event, calling
/// `handle_timeout` with the time after every read.
pub trait ClientMachine {
    /// What a transaction ends with.
    type Event;

    /// The request bytes to write, once per request.
    fn poll_transmit(&mut self) -> Option<&[u8]>;

    /// Feeds received bytes; returns how many were consumed.
    fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize;

    /// Ends the transaction if its deadline has passed.
    fn handle_timeout(&mut self, now: Duration);

    /// When `handle_timeout` should next be called, if a transaction is open.
    fn poll_timeout(&self) -> Option<Duration>;

    /// The outcome of the transaction, once.
    fn poll_event(&mut self) -> Option<Self::Event>;
}
