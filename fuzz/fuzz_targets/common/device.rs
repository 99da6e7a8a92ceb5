//! The harness the `*_device` targets share: one protocol's device side,
//! driven through [`proto_core::DeviceMachine`] by operations read from
//! the input (feed arbitrary bytes or a canned request, whole, damaged or
//! in chunks; let time pass; handle the time-out; answer the requests it
//! hands out, or not; take the reply bytes, or not). Time never goes
//! backwards.
//!
//! What the device must keep to (a broken promise is a crash): no panic;
//! `feed` takes at least one byte or hands out a request; the reply bytes
//! once per reply, never more than the protocol's longest frame; and every
//! reply is a well-formed frame of the protocol that our own decoder reads
//! back (as what the application answered, or as the device's own answer
//! to a damaged request), checked by the protocol's [`Case::check`].

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use proto_core::DeviceMachine;

/// One protocol's part: the device, the application's answers, canned
/// requests, and the check of every reply.
pub trait Case {
    type D: DeviceMachine;

    /// The longest reply the device may write.
    const MAX_REPLY: usize;

    fn device(u: &mut Unstructured<'_>) -> Result<(Self, Self::D)>
    where
        Self: Sized;

    /// The application's answer to `request`, made from `u`; the case
    /// keeps what it needs to check the reply.
    fn answer(
        &mut self,
        request: &<Self::D as DeviceMachine>::Request,
        u: &mut Unstructured<'_>,
    ) -> Result<<Self::D as DeviceMachine>::Response>;

    /// Requests (from captures and tests), whole.
    fn requests(&self) -> &[Vec<u8>];

    /// Checks one reply the device wrote.
    fn check(&mut self, reply: &[u8]);
}

struct Run<C: Case> {
    case: C,
    d: C::D,
    now: Duration,
    /// A request is waiting for the application's answer.
    asked: Option<<C::D as DeviceMachine>::Request>,
    replies: u64,
}

impl<C: Case> Run<C> {
    fn take(&mut self, request: Option<<C::D as DeviceMachine>::Request>) {
        if request.is_some() {
            self.asked = request;
        }
    }

    fn feed(&mut self, mut bytes: &[u8], u: &mut Unstructured<'_>) -> Result<()> {
        while !bytes.is_empty() {
            let (n, request) = self.d.feed(self.now, bytes);
            assert!(n <= bytes.len());
            assert!(
                n > 0 || request.is_some(),
                "feed took nothing of {bytes:02X?} and said nothing"
            );
            self.take(request);
            bytes = &bytes[n..];
            // A serve loop answers at once; this one sometimes waits.
            if self.asked.is_some() && u.ratio(3, 4)? {
                self.respond(u)?;
                if u.ratio(3, 4)? {
                    self.transmit();
                }
            }
        }
        Ok(())
    }

    fn respond(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if let Some(request) = self.asked.take() {
            let response = self.case.answer(&request, u)?;
            self.d.respond(&response);
        }
        Ok(())
    }

    fn transmit(&mut self) {
        if let Some(out) = self.d.poll_transmit(self.now) {
            assert!(!out.is_empty(), "an empty reply");
            assert!(out.len() <= C::MAX_REPLY, "{} bytes", out.len());
            let out = out.to_vec();
            self.case.check(&out);
            self.replies += 1;
            assert!(self.d.poll_transmit(self.now).is_none(), "the reply twice");
        }
    }

    fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=7u8)? {
            0 | 1 => {
                let len = u.int_in_range(0..=64)?;
                let bytes = u.bytes(len)?.to_vec();
                self.feed(&bytes, u)?;
            }
            2 | 3 => {
                let requests = self.case.requests();
                if requests.is_empty() {
                    return Ok(());
                }
                let mut r = requests[u.choose_index(requests.len())?].clone();
                if u.ratio(1, 4)? && !r.is_empty() {
                    let at = u.choose_index(r.len())?;
                    r[at] ^= u.int_in_range(1..=255)?;
                }
                let mut rest = &r[..];
                while !rest.is_empty() {
                    let k = u.int_in_range(1..=rest.len())?;
                    self.feed(&rest[..k], u)?;
                    rest = &rest[k..];
                    if u.ratio(1, 4)? {
                        self.now += Duration::from_micros(u.int_in_range(0..=5000)?);
                    }
                }
            }
            4 => {
                self.now += match u.int_in_range(0..=2u8)? {
                    0 => Duration::from_micros(u.int_in_range(0..=5000)?),
                    1 => Duration::from_millis(u.int_in_range(0..=5000)?),
                    _ => Duration::from_secs(u.int_in_range(0..=100_000)?),
                };
            }
            5 => {
                if let Some(t) = self.d.poll_timeout() {
                    self.now = self.now.max(t);
                }
                let request = self.d.handle_timeout(self.now);
                self.take(request);
            }
            6 => self.respond(u)?,
            _ => self.transmit(),
        }
        Ok(())
    }
}

/// Runs one input through the harness.
pub fn run<C: Case>(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok((case, d)) = C::device(&mut u) else {
        return;
    };
    let mut r = Run {
        case,
        d,
        now: Duration::ZERO,
        asked: None,
        replies: 0,
    };
    for _ in 0..256 {
        if u.is_empty() || r.step(&mut u).is_err() {
            break;
        }
    }
    // Whatever is still to answer and to send.
    let _ = r.respond(&mut u);
    r.transmit();
    let _ = r.replies;
}
