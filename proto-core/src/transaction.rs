//! The bookkeeping of one outstanding request, shared by every client.

use core::time::Duration;

/// One request at a time: its encoded bytes waiting to be sent, its
/// deadline, and the event that ended it. Protocol clients keep what the
/// reply must match (address, index, inquiry) beside it.
#[derive(Debug, Clone)]
pub struct Transaction<E, const TX: usize> {
    tx: [u8; TX],
    tx_len: usize,
    deadline: Option<Duration>,
    event: Option<E>,
    unsolicited: u32,
}

impl<E, const TX: usize> Default for Transaction<E, TX> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E, const TX: usize> Transaction<E, TX> {
    /// No request yet.
    pub const fn new() -> Self {
        Transaction {
            tx: [0; TX],
            tx_len: 0,
            deadline: None,
            event: None,
            unsolicited: 0,
        }
    }

    /// Starts a request: `encode` writes its bytes. When `deadline` is
    /// `None` no reply is expected and `done` is the event, available at
    /// once (a broadcast). An encoding error leaves nothing to send.
    pub fn start<X>(
        &mut self,
        deadline: Option<Duration>,
        done: Option<E>,
        encode: impl FnOnce(&mut [u8]) -> Result<usize, X>,
    ) -> Result<(), X> {
        self.tx_len = 0;
        self.deadline = None;
        self.event = None;
        self.tx_len = encode(&mut self.tx)?;
        self.deadline = deadline;
        if deadline.is_none() {
            self.event = done;
        }
        Ok(())
    }

    /// The request bytes, once per request.
    pub fn poll_transmit(&mut self) -> Option<&[u8]> {
        let n = core::mem::take(&mut self.tx_len);
        if n == 0 {
            return None;
        }
        self.tx.get(..n)
    }

    /// Whether a reply is awaited.
    pub fn is_waiting(&self) -> bool {
        self.deadline.is_some()
    }

    /// The deadline of the awaited reply.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.deadline
    }

    /// Ends the request with `timeout` if its deadline has passed; returns
    /// whether it did. Early or repeated calls are harmless.
    pub fn expire(&mut self, now: Duration, timeout: E) -> bool {
        match self.deadline {
            Some(d) if now >= d => {
                self.deadline = None;
                self.event = Some(timeout);
                true
            }
            _ => false,
        }
    }

    /// Ends the awaited request with `event`. Returns `false`, and counts
    /// the frame as unsolicited, when no reply was awaited.
    pub fn finish(&mut self, event: E) -> bool {
        if self.deadline.take().is_none() {
            self.unsolicited = self.unsolicited.saturating_add(1);
            return false;
        }
        self.event = Some(event);
        true
    }

    /// The event that ended the request, once.
    pub fn poll_event(&mut self) -> Option<E> {
        self.event.take()
    }

    /// Frames that arrived while no reply was awaited.
    pub fn unsolicited(&self) -> u32 {
        self.unsolicited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn request_reply_timeout_and_broadcast() {
        let mut t = Transaction::<&str, 8>::new();
        t.start(Some(ms(100)), None, |b| {
            b[..3].copy_from_slice(b"abc");
            Ok::<_, ()>(3)
        })
        .unwrap();
        assert_eq!(t.poll_transmit(), Some(&b"abc"[..]));
        assert_eq!(t.poll_transmit(), None);
        assert!(!t.expire(ms(99), "timeout"));
        assert!(t.finish("reply"));
        assert_eq!(t.poll_event(), Some("reply"));
        assert!(!t.finish("late"));
        assert_eq!(t.unsolicited(), 1);

        t.start(Some(ms(100)), None, |_| Ok::<_, ()>(1)).unwrap();
        assert!(t.expire(ms(100), "timeout"));
        assert_eq!(t.poll_event(), Some("timeout"));

        t.start(None, Some("sent"), |_| Ok::<_, ()>(1)).unwrap();
        assert!(!t.is_waiting());
        assert_eq!(t.poll_event(), Some("sent"));

        assert_eq!(
            t.start(Some(ms(1)), None, |_| Err::<usize, _>("too long")),
            Err("too long")
        );
        assert_eq!(t.poll_transmit(), None);
        assert!(!t.is_waiting());
    }
}
