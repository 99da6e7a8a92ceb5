//! Async drivers over `embedded-io-async`, for firmware on an async
//! executor (Embassy, RTIC) and for async hosts.
//!
//! The protocol state machines are the same as the blocking drivers'; only
//! the waiting differs. An async read does not time out by itself, so a
//! driver races it against a [`Timer`] that the runtime provides (Embassy's
//! `Timer::at`, Tokio's `sleep_until`, ...).

pub mod modbus;

use core::future::{Future, poll_fn};
use core::pin::pin;
use core::task::Poll;
use core::time::Duration;

/// The runtime's clock and timer, on one time base (a `Duration` since an
/// epoch of the runtime's choosing).
pub trait Timer {
    /// The time now.
    fn now(&self) -> Duration;
    /// Completes at `deadline` (at once if it has passed).
    fn at(&mut self, deadline: Duration) -> impl Future<Output = ()>;
}

/// Which of two futures finished first.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum First<A, B> {
    /// The first.
    A(A),
    /// The second.
    B(B),
}

/// Runs both futures until one completes; the other is dropped. `a` is
/// polled first, so data that has arrived wins over an expired timer.
pub(crate) async fn first<A: Future, B: Future>(a: A, b: B) -> First<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(x) = a.as_mut().poll(cx) {
            return Poll::Ready(First::A(x));
        }
        if let Poll::Ready(y) = b.as_mut().poll(cx) {
            return Poll::Ready(First::B(y));
        }
        Poll::Pending
    })
    .await
}
