//! RTU framers: bytes with their arrival time in, ADUs out.
//!
//! [`Mode::Timing`] follows the serial-line spec (SL §2.5.1.1, Fig. 14): a
//! frame ends at t3.5 of silence; a gap over t1.5 inside a frame marks it
//! bad, the late byte is dropped, and the frame is discarded when the line
//! goes quiet. A frame is therefore final only t3.5 after its last byte:
//! call [`handle_timeout`](Framer::handle_timeout) at
//! [`poll_timeout`](Framer::poll_timeout).
//!
//! [`Mode::Length`] is for links that hide timing (USB adapters, TCP
//! gateways, pseudo-terminals): the frame's length is predicted from its
//! function code and byte count and confirmed by the CRC at exactly that
//! length (never "the last two bytes happen to match"); after garbage it
//! resynchronises within the same call; a frame the silence cuts short is
//! dropped, whatever its byte count claims. Frames only silence can
//! delimit (FC08/00, custom codes) end at `silence`.
//!
//! Bytes handed over in one [`feed`](Framer::feed) are taken as arriving
//! together at `now`; feed each read as it arrives. Memory: 256 bytes.

use core::time::Duration;

use crate::{Error, Line, MAX_ADU, crc16, length};

/// How frames are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Mode {
    /// By silence: t1.5 and t3.5 (the spec).
    Timing,
    /// By predicted length and CRC; silence longer than the given duration
    /// drops an unfinished frame and ends one only silence delimits.
    Length {
        /// Silence that ends or drops a frame.
        silence: Duration,
    },
}

/// Which side's frames are framed (length prediction differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Side {
    /// Requests, as a server receives them.
    Requests,
    /// Responses, as a client receives them.
    Responses,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for the line to be quiet for t3.5 (after power-up, or after a bad frame).
    Quiet,
    /// Between frames.
    Idle,
    /// Receiving; `bad` once a t1.5 gap or an overflow has spoilt the frame.
    Receiving { bad: Option<Error> },
}

/// A framer with a 256-byte buffer.
#[derive(Debug, Clone)]
pub struct Framer {
    mode: Mode,
    side: Side,
    t15: Duration,
    t35: Duration,
    state: State,
    last: Duration,
    buf: [u8; MAX_ADU],
    len: usize,
    /// A finished frame (its length in `out`) or why one was dropped.
    ready: Option<Result<usize, Error>>,
    out: [u8; MAX_ADU],
    discarded: u64,
}

impl Framer {
    /// A framer for `line`, started at `now`. In timing mode the line must
    /// first be quiet for t3.5.
    pub fn new(line: Line, mode: Mode, side: Side, now: Duration) -> Self {
        Framer {
            mode,
            side,
            t15: line.t15(),
            t35: line.t35(),
            state: if mode == Mode::Timing {
                State::Quiet
            } else {
                State::Idle
            },
            last: now,
            buf: [0; MAX_ADU],
            len: 0,
            ready: None,
            out: [0; MAX_ADU],
            discarded: 0,
        }
    }

    /// Overrides t1.5 and t3.5 (slow or jittery devices).
    pub fn set_timers(&mut self, t15: Duration, t35: Duration) {
        self.t15 = t15;
        self.t35 = t35;
    }

    /// Bytes dropped so far (bad frames, garbage).
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    fn silence(&self) -> Duration {
        match self.mode {
            Mode::Timing => self.t35,
            Mode::Length { silence } => silence,
        }
    }

    /// Takes bytes that arrived at `now`; returns how many were taken. It
    /// stops early when a frame is ready and not yet taken with
    /// [`poll_frame`](Self::poll_frame).
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        self.handle_timeout(now);
        let mut used = 0;
        for &b in bytes {
            if self.ready.is_some() {
                break;
            }
            used += 1;
            match self.mode {
                Mode::Timing => self.timing_byte(now, b),
                Mode::Length { .. } => self.length_byte(b),
            }
            self.last = now;
        }
        used
    }

    fn timing_byte(&mut self, now: Duration, b: u8) {
        let gap = now.saturating_sub(self.last);
        match self.state {
            State::Quiet => self.discarded += 1,
            State::Idle => {
                self.state = State::Receiving { bad: None };
                if let Some(first) = self.buf.first_mut() {
                    *first = b;
                }
                self.len = 1;
            }
            State::Receiving { bad } => {
                if gap > self.t15 && bad.is_none() {
                    // A late character: neither appended nor a new frame.
                    self.state = State::Receiving {
                        bad: Some(Error::Gap),
                    };
                    self.discarded += 1;
                } else if bad.is_some() {
                    self.discarded += 1;
                } else if let Some(slot) = self.buf.get_mut(self.len) {
                    *slot = b;
                    self.len += 1;
                } else {
                    self.state = State::Receiving {
                        bad: Some(Error::TooLong { len: self.len + 1 }),
                    };
                    self.discarded += 1;
                }
            }
        }
    }

    fn length_byte(&mut self, b: u8) {
        self.state = State::Receiving { bad: None };
        if self.len == MAX_ADU {
            // Nothing this long is a frame: shed the oldest byte.
            self.buf.copy_within(1.., 0);
            self.len -= 1;
            self.discarded += 1;
        }
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
        self.scan();
    }

    /// Length mode: finish a frame that has reached its predicted length
    /// with a good CRC, or drop leading bytes until the buffer could still
    /// start one.
    fn scan(&mut self) {
        loop {
            let frame = self.buf.get(..self.len).unwrap_or_default();
            if frame.is_empty() {
                self.state = State::Idle;
                return;
            }
            let predicted = match self.side {
                Side::Requests => length::request(frame),
                Side::Responses => length::response(frame),
            };
            // Function code 0 is never valid: not a frame start.
            let invalid = frame.get(1) == Some(&0);
            match predicted {
                _ if invalid => {}
                length::Length::AtLeast(_) | length::Length::Unknown => return,
                length::Length::Exact(n) if !(4..=MAX_ADU).contains(&n) => {}
                length::Length::Exact(n) if n > self.len => return,
                length::Length::Exact(n) => {
                    if let Some(f) = frame.get(..n)
                        && valid_crc(f)
                    {
                        self.emit(n);
                        return;
                    }
                }
            }
            // Not a frame here: drop one byte and look again.
            self.buf.copy_within(1..self.len, 0);
            self.len -= 1;
            self.discarded += 1;
        }
    }

    fn emit(&mut self, n: usize) {
        if let (Some(dst), Some(src)) = (self.out.get_mut(..n), self.buf.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.buf.copy_within(n..self.len, 0);
        self.len -= n;
        self.ready = Some(Ok(n));
        if self.len == 0 {
            self.state = State::Idle;
        }
    }

    /// Ends or drops a frame once the line has been quiet long enough.
    /// Early or repeated calls are harmless.
    pub fn handle_timeout(&mut self, now: Duration) {
        if self.ready.is_some() || now.saturating_sub(self.last) < self.silence() {
            return;
        }
        match (self.state, self.mode) {
            (State::Quiet, _) => self.state = State::Idle,
            (State::Idle, _) => {}
            (State::Receiving { bad: Some(e) }, _) => {
                self.discarded += self.len as u64;
                self.len = 0;
                self.ready = Some(Err(e));
                self.state = State::Idle;
            }
            (State::Receiving { bad: None }, Mode::Timing) => {
                let n = self.len;
                self.emit(n);
            }
            (State::Receiving { bad: None }, Mode::Length { .. }) => {
                // Silence ends a frame only silence delimits, and drops one
                // whose predicted length never arrived.
                let n = self.len;
                let frame = self.buf.get(..n).unwrap_or_default();
                let predicted = match self.side {
                    Side::Requests => length::request(frame),
                    Side::Responses => length::response(frame),
                };
                if predicted == length::Length::Unknown && valid_crc(frame) {
                    self.emit(n);
                } else {
                    self.discarded += n as u64;
                    self.len = 0;
                    self.state = State::Idle;
                    self.ready = Some(Err(Error::TooShort {
                        len: n,
                        needed: n + 1,
                    }));
                }
            }
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        match self.state {
            State::Idle if self.len == 0 => None,
            _ => Some(self.last.saturating_add(self.silence())),
        }
    }

    /// The next finished frame (CRC not yet checked in timing mode), or why
    /// one was dropped.
    pub fn poll_frame(&mut self) -> Option<Result<&[u8], Error>> {
        match self.ready.take()? {
            Ok(n) => Some(Ok(self.out.get(..n).unwrap_or_default())),
            Err(e) => Some(Err(e)),
        }
    }
}

fn valid_crc(f: &[u8]) -> bool {
    let Some(split) = f.len().checked_sub(2) else {
        return false;
    };
    let (body, crc) = f.split_at(split);
    crc == crc16(body).to_le_bytes()
}
