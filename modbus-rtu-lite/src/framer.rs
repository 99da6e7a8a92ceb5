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
//! length (never "the last two bytes happen to match"). Frames only
//! silence can delimit (FC08/00, custom codes) end at `silence`.
//!
//! Resynchronising past garbage (noise, a frame cut short):
//!
//! - A start that cannot be a frame (function code 0, an impossible
//!   length, a bad CRC at its predicted length) loses its first byte and
//!   the bytes after it are looked at again, in the same call.
//! - While the bytes at the front are a start only silence could end (an
//!   unknown function code, which noise in front of a frame often makes),
//!   a complete frame behind them is taken at once, in the same call, and
//!   the bytes in front of it are dropped. Only a frame that also decodes,
//!   comes from a unit address and, if an exception, has a standard code
//!   is taken this way, and never one behind the start of a frame still in
//!   progress (it may be that frame's data).
//! - Bytes waiting for a predicted length (a frame in progress, or noise
//!   that looks like one) are never cut by a frame that seems to end
//!   inside them: a chance CRC match there would cut one long frame in
//!   about 500. When the predicted length arrives the CRC decides; when the
//!   silence comes first, the frame was cut short or was noise.
//! - At the silence, the bytes left are final: the first byte is dropped
//!   and the rest rescanned, byte by byte, for frames of their predicted
//!   length with a good CRC, or a frame only silence delimits spanning
//!   the rest with a good CRC. Each frame found is one
//!   [`poll_frame`](Framer::poll_frame) item (the following ones come from
//!   the next `poll_frame` or [`handle_timeout`](Framer::handle_timeout)
//!   calls). Garbage in front of a frame is not reported, only counted in
//!   [`discarded`](Framer::discarded); bytes that hold no frame up to the
//!   silence are reported once, as [`Error::TooShort`] (all of them in
//!   `len`).
//!
//! [`SimpleLengthMode`] does none of this: bytes that do not start a frame
//! are held to the silence and dropped there.
//!
//! Bytes handed over in one [`feed`](Framer::feed) are taken as arriving
//! together at `now`; feed each read as it arrives. Memory: one 256-byte
//! buffer; frames are handed out in place.

use core::time::Duration;

use crate::{
    Error, Exception, Functions, Line, MAX_ADU, Request, Response, crc16, decode_response, length,
};

/// How frames are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
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

/// How a framer delimits frames, as a type: [`Mode`] (chosen at run
/// time, the code of both modes linked), [`LengthMode`] or [`TimingMode`]
/// (fixed at compile time, only that mode's code linked: a firmware image
/// that frames by length does not carry the timing framer), or
/// [`SimpleLengthMode`] (by length, without resynchronising inside
/// garbage).
pub trait Delimiting: Copy + core::fmt::Debug {
    /// Whether the length framer looks for frames inside garbage (see the
    /// [module](self) docs). Without it, bytes that do not start a frame
    /// are held to the next silence and dropped there: the smaller framer
    /// of [`SimpleLengthMode`]. Timing mode never resynchronises.
    const RESYNC: bool = true;

    /// The mode.
    fn mode(&self) -> Mode;
}

impl Delimiting for Mode {
    #[inline]
    fn mode(&self) -> Mode {
        *self
    }
}

/// [`Mode::Length`], fixed at compile time:
/// `Framer::new(line, LengthMode { silence }, side, now)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LengthMode {
    /// Silence that ends or drops a frame ([`Mode::Length`]'s).
    pub silence: Duration,
}

impl Delimiting for LengthMode {
    #[inline(always)]
    fn mode(&self) -> Mode {
        Mode::Length {
            silence: self.silence,
        }
    }
}

/// [`Mode::Length`] without resynchronising, fixed at compile time: the
/// smallest framer, for a device whose master leaves silence between
/// requests, as the serial-line spec has it (a firmware server on an
/// RS485 line). Frames are found by predicted length and CRC as in
/// [`LengthMode`], and frames back to back are all taken; but once the
/// bytes at the front are not a frame's start (a bad CRC at the predicted
/// length, function code 0, an unknown code with no good CRC at the
/// silence), everything up to the next silence of `silence` is dropped
/// and reported there as one [`Error::TooShort`]. A frame that follows
/// noise without a silence between them is lost with it; [`LengthMode`]
/// finds it, for about 0.3 KB more code on a Cortex-M.
/// `Framer::new(line, SimpleLengthMode { silence }, side, now)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SimpleLengthMode {
    /// Silence that ends or drops a frame ([`Mode::Length`]'s).
    pub silence: Duration,
}

impl Delimiting for SimpleLengthMode {
    const RESYNC: bool = false;

    #[inline(always)]
    fn mode(&self) -> Mode {
        Mode::Length {
            silence: self.silence,
        }
    }
}

/// [`Mode::Timing`], fixed at compile time:
/// `Framer::new(line, TimingMode, side, now)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TimingMode;

impl Delimiting for TimingMode {
    #[inline(always)]
    fn mode(&self) -> Mode {
        Mode::Timing
    }
}

/// Which side's frames are framed (length prediction differs).
///
/// A [`Framer`] built with a `Side` chooses at run time and carries the
/// code for both sides; [`RequestSide`] and [`ResponseSide`] fix the side
/// at compile time, so an image links only that side's code (what
/// [`Server`](crate::Server) and [`Link`](crate::Link) use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Side {
    /// Requests, as a server receives them.
    Requests,
    /// Responses, as a client receives them.
    Responses,
}

/// A framer's side, as a type: [`Side`] (chosen at run time, both sides'
/// code linked), [`RequestSide`] or [`ResponseSide`] (fixed at compile
/// time, only that side's code linked).
pub trait Sided: Copy + core::fmt::Debug {
    /// The side.
    fn side(&self) -> Side;

    /// On the request side, the function codes a request found behind
    /// garbage may have (see the module docs): all of them by default; a
    /// [`Server`](crate::Server)'s framer takes its handler's
    /// [`FUNCTIONS`](crate::Handler::FUNCTIONS), so that it links only
    /// those decoders.
    #[inline(always)]
    fn functions(&self) -> Functions {
        Functions::all()
    }
}

impl Sided for Side {
    #[inline]
    fn side(&self) -> Side {
        *self
    }
}

/// Requests only, fixed at compile time: `Framer::new(line, mode, RequestSide, now)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RequestSide;

impl Sided for RequestSide {
    #[inline(always)]
    fn side(&self) -> Side {
        Side::Requests
    }
}

/// Responses only, fixed at compile time: `Framer::new(line, mode, ResponseSide, now)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResponseSide;

impl Sided for ResponseSide {
    #[inline(always)]
    fn side(&self) -> Side {
        Side::Responses
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum State {
    /// Timing mode: waiting for the line to be quiet for t3.5 (after
    /// power-up). Every framer starts here (`new` is a `const fn`, which
    /// cannot ask a generic mode which it is); in length mode it is
    /// [`Idle`](Self::Idle) in all but name.
    Quiet,
    /// Between frames.
    Idle,
    /// Receiving; `bad` once a t1.5 gap or an overflow has spoilt the frame.
    Receiving { bad: Option<Bad> },
    /// Length mode: the silence came; the bytes left are taken apart one
    /// item at a time (see [`Framer::drain`]).
    Draining,
}

/// What spoilt a frame in timing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Bad {
    /// A gap over t1.5: [`Error::Gap`].
    Gap,
    /// More bytes than the buffer holds: [`Error::TooLong`].
    Overflow,
}

/// What the bytes from some offset of the buffer on are (length mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// A frame of this length with a good CRC.
    Frame(usize),
    /// A frame in progress: its predicted length (or the bytes needed to
    /// predict it) has not arrived yet; the length when it is known
    /// exactly, else 0.
    InProgress(usize),
    /// A frame only silence can end (FC08/00, custom codes), or garbage.
    Open,
    /// Not a frame start.
    Not,
}

/// A framer with a 256-byte buffer, for the side `S` (see [`Sided`]) in
/// the mode `M` (see [`Delimiting`]): `Framer` alone is
/// `Framer<Side, Mode>`, its side and mode chosen at run time.
#[derive(Debug, Clone)]
pub struct Framer<S = Side, M = Mode> {
    mode: M,
    side: S,
    /// t1.5, t3.5 and the last byte's arrival, in whole microseconds
    /// ([`micros`]): a `u64` each instead of a 16-byte `Duration`, and
    /// their arithmetic a few instructions (24 B less of a server's stack,
    /// and no `Duration::saturating_sub`).
    t15: u64,
    t35: u64,
    state: State,
    last: u64,
    /// The bytes held are `buf[head..head + len]`: dropping bytes from the
    /// front moves `head`, not the bytes, which move back to the start only
    /// when new ones would not fit behind them (or `head` returns to 0 when
    /// the buffer empties).
    buf: [u8; MAX_ADU],
    head: usize,
    len: usize,
    /// A finished frame, `buf[frame..frame + n]` (left in place: nothing
    /// writes to the buffer until it is polled), or why one was dropped.
    ready: Option<Result<usize, Error>>,
    frame: usize,
    discarded: u64,
    /// Length mode: a frame was taken from the front with bytes behind it,
    /// which are looked at again once it has been polled.
    rescan: bool,
    /// Length mode: offsets `1..searched` hold no frame, now or later
    /// (see [`Framer::later_frame`]).
    searched: usize,
    /// Length mode: the length of the frame at the head, once its first
    /// bytes have told it exactly and before it is complete (0 when not
    /// known). Bytes are appended up to it without predicting again: what
    /// a frame starts with does not change as bytes arrive.
    want: usize,
}

impl<S: Sided, M: Delimiting> Framer<S, M> {
    /// A framer for `line`, started at `now`. In timing mode the line must
    /// first be quiet for t3.5. A `const fn`: a framer can be built at
    /// compile time, into a `static`.
    #[inline]
    pub const fn new(line: Line, mode: M, side: S, now: Duration) -> Self {
        Self::with_timers(
            mode,
            side,
            crate::timing::t15_micros(&line),
            crate::timing::t35_micros(&line),
            now,
        )
    }

    /// [`new`](Self::new) with the timers worked out, in microseconds (a
    /// constant line's fold where `new` is inlined). The server calls it out of line, so
    /// that its framer is written straight into place.
    #[inline]
    pub(crate) const fn with_timers(mode: M, side: S, t15: u64, t35: u64, now: Duration) -> Self {
        Framer {
            mode,
            side,
            t15,
            t35,
            state: State::Quiet,
            last: micros(now),
            buf: [0; MAX_ADU],
            head: 0,
            len: 0,
            ready: None,
            frame: 0,
            discarded: 0,
            rescan: false,
            searched: 0,
            want: 0,
        }
    }

    /// Overrides t1.5 and t3.5 (slow or jittery devices).
    pub fn set_timers(&mut self, t15: Duration, t35: Duration) {
        self.t15 = micros(t15);
        self.t35 = micros(t35);
    }

    /// Bytes dropped so far (bad frames, garbage).
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    /// The silence that ends a frame, in microseconds.
    fn silence(&self) -> u64 {
        match self.mode.mode() {
            Mode::Timing => self.t35,
            Mode::Length { silence } => micros(silence),
        }
    }

    /// Takes bytes that arrived at `now`; returns how many were taken. It
    /// stops early when a frame is ready and not yet taken with
    /// [`poll_frame`](Self::poll_frame).
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        self.handle_timeout(now);
        let now = micros(now);
        let mut used = 0;
        for &b in bytes {
            if self.ready.is_some() {
                break;
            }
            used += 1;
            match self.mode.mode() {
                Mode::Timing => self.timing_byte(now, b),
                Mode::Length { .. } => self.length_byte(b),
            }
            self.last = now;
        }
        used
    }

    fn timing_byte(&mut self, now: u64, b: u8) {
        let gap = now.saturating_sub(self.last);
        match self.state {
            // (Draining is length mode only.)
            State::Quiet | State::Draining => self.discarded += 1,
            State::Idle => {
                self.state = State::Receiving { bad: None };
                if let Some(first) = self.buf.first_mut() {
                    *first = b;
                }
                self.head = 0;
                self.len = 1;
            }
            State::Receiving { bad } => {
                if gap > self.t15 && bad.is_none() {
                    // A late character: neither appended nor a new frame.
                    self.state = State::Receiving {
                        bad: Some(Bad::Gap),
                    };
                    self.discarded += 1;
                } else if bad.is_some() {
                    self.discarded += 1;
                } else if let Some(slot) = self.buf.get_mut(self.head + self.len) {
                    *slot = b;
                    self.len += 1;
                } else {
                    self.state = State::Receiving {
                        bad: Some(Bad::Overflow),
                    };
                    self.discarded += 1;
                }
            }
        }
    }

    fn length_byte(&mut self, b: u8) {
        // Once the head frame's length is known, bytes are appended up to
        // it and the buffer is looked at again only at its last byte.
        let known = self.len < self.want;
        if !known {
            self.state = State::Receiving { bad: None };
            self.rescan = false;
            if self.len == MAX_ADU {
                // Nothing this long is a frame: shed the oldest byte.
                self.drop_front(1);
            }
        }
        if self.head + self.len == MAX_ADU {
            self.compact();
        }
        if let Some(slot) = self.buf.get_mut(self.head + self.len) {
            *slot = b;
            self.len += 1;
        } else if !M::RESYNC {
            // A full buffer waiting for the silence (SimpleLengthMode;
            // resynchronising, a full buffer has shed a byte above).
            self.discarded += 1;
        }
        if !known || self.len == self.want {
            self.scan();
        }
    }

    fn predict(&self, b: &[u8]) -> length::Length {
        match self.side.side() {
            // Only the codes a server answers (Sided::functions).
            Side::Requests => length::request_in(b, self.side.functions()),
            Side::Responses => length::response(b),
        }
    }

    /// What the bytes `b` start with.
    fn start(&self, b: &[u8]) -> Start {
        // Function code 0 is never valid: not a frame start.
        if b.get(1) == Some(&0) {
            return Start::Not;
        }
        match self.predict(b) {
            length::Length::Exact(n) if !(4..=MAX_ADU).contains(&n) => Start::Not,
            length::Length::Exact(n) if n > b.len() => Start::InProgress(n),
            length::Length::Exact(n) => match b.get(..n) {
                Some(f) if valid_crc(f) => Start::Frame(n),
                _ => Start::Not,
            },
            length::Length::AtLeast(_) => Start::InProgress(0),
            length::Length::Unknown => Start::Open,
        }
    }

    /// Behind an open head: the offset of the first complete frame (its
    /// predicted length, a good CRC) that is also [`plausible`](Self::plausible).
    /// The open head may be a frame still coming in, so the search stops
    /// at a frame in progress: what lies behind it may be its data, and a
    /// CRC that happens to match there must not cut it.
    ///
    /// Offsets that hold no frame now hold none later either (what they
    /// start with does not change as bytes are appended), so each search
    /// goes on from where the last one stopped: a flood of garbage costs a
    /// few steps a byte, not the whole buffer.
    fn later_frame(&mut self) -> Option<usize> {
        let b = self.held();
        let mut found = None;
        let mut k = self.searched.max(1);
        // A frame is at least 4 bytes.
        while k + 4 <= b.len() {
            let rest = b.get(k..).unwrap_or_default();
            match self.start(rest) {
                Start::Frame(n) if self.plausible(rest.get(..n).unwrap_or_default()) => {
                    found = Some(k);
                    break;
                }
                Start::InProgress(_) => break,
                Start::Frame(_) | Start::Open | Start::Not => k += 1,
            }
        }
        self.searched = k;
        found
    }

    /// A frame found in garbage (behind an open head before any silence,
    /// or behind dropped bytes at the silence) must also decode, come from
    /// a unit address (0 only for requests), have a standard function code
    /// and, if an exception, carry a standard code: one in 65536 CRCs
    /// match by chance, and trying every offset of noise meets such a
    /// match about once per 114 KB; most are exception-shaped, or a
    /// custom code that only silence delimits.
    fn plausible(&self, f: &[u8]) -> bool {
        match self.side.side() {
            Side::Requests => {
                // Its CRC is good: it was found by it.
                let Some((address, pdu)) = crate::frame::parts(f, false) else {
                    return false;
                };
                match decode_request(self.side, pdu) {
                    Ok(Request::Custom { .. }) | Err(_) => false,
                    Ok(_) => address <= 247,
                }
            }
            Side::Responses => match decode_response(f) {
                Ok((
                    _,
                    Response::Exception {
                        code: Exception::Unknown(_),
                        ..
                    }
                    | Response::Custom { .. },
                ))
                | Err(_) => false,
                Ok((address, _)) => (1..=247).contains(&address),
            },
        }
    }

    /// Drops the `n` oldest bytes as garbage.
    fn drop_front(&mut self, n: usize) {
        let n = n.min(self.len);
        self.shift(n);
        self.discarded += n as u64;
    }

    /// The bytes held.
    fn held(&self) -> &[u8] {
        self.buf
            .get(self.head..self.head + self.len)
            .unwrap_or_default()
    }

    /// Removes the `n` oldest bytes (moves none).
    fn shift(&mut self, n: usize) {
        self.want = 0;
        let n = n.min(self.len);
        self.head += n;
        self.len -= n;
        if self.len == 0 {
            self.head = 0;
        }
        self.searched = self.searched.saturating_sub(n);
    }

    /// Moves the bytes held to the start of the buffer, to make room
    /// behind them. Rare: the buffer empties between frames.
    fn compact(&mut self) {
        self.move_bytes(self.head, 0, self.len);
        self.head = 0;
    }

    /// Moves `buf[from..from + n]` to `to`, in the order that reads each
    /// byte before it is written over. A byte at a time on purpose: a few
    /// bytes, rarely, and it keeps `memmove` out of the image.
    fn move_bytes(&mut self, from: usize, to: usize, n: usize) {
        for i in 0..n {
            let i = if to > from { n - 1 - i } else { i };
            if let Some(&b) = self.buf.get(from + i)
                && let Some(d) = self.buf.get_mut(to + i)
            {
                *d = b;
            }
        }
    }

    /// For a reply written over a frame (the server's, in place): moves
    /// the `n` bytes of the frame last handed out to the start of the
    /// buffer, and the bytes still held behind it to its end, out of the
    /// reply's way (see [`reply_room`](Self::reply_room)).
    fn settle(&mut self, n: usize) {
        if self.len > 0 {
            let end = MAX_ADU - self.len;
            self.move_bytes(self.head, end, self.len);
            self.head = end;
        }
        if self.frame != 0 {
            self.move_bytes(self.frame, 0, n);
            self.frame = 0;
        }
    }

    /// [`poll_frame`](Self::poll_frame), for a server answering in place:
    /// the frame's length; the frame is then the buffer's first bytes
    /// ([`front`](Self::front)), and the bytes held behind it wait at the
    /// buffer's end until the reply is out.
    pub(crate) fn poll_frame_in_place(&mut self) -> Option<Result<usize, Error>> {
        let item = self.next_item();
        if let Some(Ok(n)) = item {
            self.settle(n);
        }
        item
    }

    /// Puts `adu` (a frame from elsewhere) at the start of the buffer, as
    /// [`poll_frame_in_place`](Self::poll_frame_in_place) leaves a frame,
    /// the bytes held moved to the end (dropped if it does not fit beside
    /// them); its length, or `None` if it is longer than any frame.
    pub(crate) fn load(&mut self, adu: &[u8]) -> Option<usize> {
        let n = adu.len();
        if n > MAX_ADU {
            return None;
        }
        if n > MAX_ADU - self.len {
            self.drop_front(self.len);
        }
        self.frame = 0;
        self.settle(0);
        self.buf.get_mut(..n)?.copy_from_slice(adu);
        Some(n)
    }

    /// The buffer's first `n` bytes: a frame settled there, or the reply
    /// written over it.
    pub(crate) fn front(&self, n: usize) -> &[u8] {
        self.buf.get(..n).unwrap_or_default()
    }

    /// The buffer from its start, for a reply of up to `need` bytes
    /// written over the frame settled there: up to the bytes still held
    /// behind it, or, if they would be in the reply's way, all of it, the
    /// bytes held dropped (counted in [`discarded`](Self::discarded)).
    /// Until the next [`feed`](Self::feed), nothing else writes there.
    pub(crate) fn reply_room(&mut self, need: usize) -> &mut [u8] {
        if need > MAX_ADU - self.len {
            self.drop_front(self.len);
        }
        let end = MAX_ADU - self.len;
        self.buf.get_mut(..end).unwrap_or_default()
    }

    /// Length mode, as bytes arrive: finish a frame that has reached its
    /// predicted length with a good CRC, or drop leading bytes until the
    /// buffer could still start one. Behind a head only silence could end,
    /// a complete frame is taken at once, the bytes in front of it dropped.
    fn scan(&mut self) {
        self.want = 0;
        loop {
            let frame = self.held();
            if frame.is_empty() {
                self.state = State::Idle;
                return;
            }
            match self.start(frame) {
                Start::Frame(n) => {
                    self.emit(n);
                    self.rescan = self.len > 0;
                    return;
                }
                // Without resynchronising, the silence decides (`drain`):
                // nothing is scanned again until then.
                Start::Open | Start::Not if !M::RESYNC => {
                    self.want = usize::MAX;
                    return;
                }
                Start::Open => {
                    if let Some(k) = self.later_frame() {
                        self.drop_front(k);
                        // The frame is at the head now.
                        if let Start::Frame(n) = self.start(self.held()) {
                            self.emit(n);
                            self.rescan = self.len > 0;
                        }
                    }
                    return;
                }
                // Wait for the rest; a frame behind it waits too.
                Start::InProgress(want) => {
                    self.want = want;
                    return;
                }
                // Not a frame here: drop one byte and look again.
                Start::Not => self.drop_front(1),
            }
        }
    }

    /// Length mode, after the silence: the bytes left are final. Takes
    /// out the next frame among them (of its predicted length with a good
    /// CRC, or one only silence delimits spanning the rest), dropping the
    /// garbage in front of it; reports bytes that hold no frame at all
    /// once, as [`Error::TooShort`]. One item per call; the buffer is
    /// empty (and the framer idle) once nothing is left.
    fn drain(&mut self) {
        let total = self.len;
        let needed = match self.predict(self.held()) {
            length::Length::Exact(n) | length::Length::AtLeast(n) if n > total => n,
            _ => total + 1,
        };
        // Behind dropped bytes, a frame is found by trying the CRC at every
        // offset of garbage: it must be plausible too.
        let mut dropped = false;
        loop {
            let b = self.held();
            if b.is_empty() {
                break;
            }
            let found = match self.start(b) {
                Start::Frame(n) => Some(n),
                Start::Open if b.len() >= 4 && valid_crc(b) => Some(b.len()),
                _ => None,
            };
            if let Some(n) = found
                .filter(|&n| !dropped || self.plausible(self.held().get(..n).unwrap_or_default()))
            {
                self.emit(n);
                if self.len > 0 {
                    self.state = State::Draining;
                }
                return;
            }
            if !M::RESYNC {
                self.drop_front(self.len);
                break;
            }
            self.drop_front(1);
            dropped = true;
        }
        self.state = State::Idle;
        if total > 0 {
            self.ready = Some(Err(Error::TooShort { len: total, needed }));
        }
    }

    /// Hands out the `n` bytes at the front as a frame (in place).
    fn emit(&mut self, n: usize) {
        self.frame = self.head;
        self.shift(n);
        self.ready = Some(Ok(n));
        if self.len == 0 {
            self.state = State::Idle;
        }
    }

    /// Ends or drops a frame once the line has been quiet long enough.
    /// Early or repeated calls are harmless.
    pub fn handle_timeout(&mut self, now: Duration) {
        if self.ready.is_some() {
            return;
        }
        if self.state == State::Draining {
            self.drain();
            return;
        }
        if micros(now).saturating_sub(self.last) < self.silence() {
            return;
        }
        match (self.state, self.mode.mode()) {
            (State::Quiet, _) => self.state = State::Idle,
            (State::Idle | State::Draining, _) => {}
            (State::Receiving { bad: Some(bad) }, _) => {
                // Built here from the one-byte `Bad`, not copied out of
                // the state: copying an `Error` was a call to `memcpy`.
                let e = match bad {
                    Bad::Gap => Error::Gap,
                    // The buffer is full (`len` is all of it): one more
                    // byte did not fit.
                    Bad::Overflow => Error::TooLong { len: self.len + 1 },
                };
                self.discarded += self.len as u64;
                self.len = 0;
                self.head = 0;
                self.ready = Some(Err(e));
                self.state = State::Idle;
            }
            (State::Receiving { bad: None }, Mode::Timing) => {
                let n = self.len;
                self.emit(n);
            }
            (State::Receiving { bad: None }, Mode::Length { .. }) => {
                // Silence ends a frame only silence delimits, drops one
                // whose predicted length never arrived, and rescans what
                // follows its first byte.
                self.rescan = false;
                self.drain();
            }
        }
    }

    /// Whether the frames handed out have had their CRC checked: in length
    /// mode every one has (a frame is only ever found by its CRC).
    pub(crate) fn checks_crc(&self) -> bool {
        matches!(self.mode.mode(), Mode::Length { .. })
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        match (self.state, self.mode.mode()) {
            (State::Idle, _) | (State::Quiet, Mode::Length { .. }) if self.len == 0 => None,
            _ => Some(Duration::from_micros(
                self.last.saturating_add(self.silence()),
            )),
        }
    }

    /// The next finished frame (CRC not yet checked in timing mode), or why
    /// one was dropped.
    pub fn poll_frame(&mut self) -> Option<Result<&[u8], Error>> {
        match self.next_item()? {
            Ok(n) => Some(Ok(self
                .buf
                .get(self.frame..self.frame + n)
                .unwrap_or_default())),
            Err(e) => Some(Err(e)),
        }
    }

    /// The next item: a frame's length (at `frame`) or an error.
    fn next_item(&mut self) -> Option<Result<usize, Error>> {
        if self.ready.is_none() {
            if self.state == State::Draining {
                self.drain();
            } else if core::mem::take(&mut self.rescan) {
                self.scan();
            }
        }
        self.ready.take()
    }
}

/// The framer's mode, timers, state and how much it holds, not its
/// 256-byte buffer.
#[cfg(feature = "defmt")]
impl<S: Sided, M: Delimiting> defmt::Format for Framer<S, M> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Framer {{ mode: {}, side: {}, t15: {}, t35: {}, state: {}, last: {}, held: {=usize}, ready: {}, discarded: {=u64} }}",
            self.mode.mode(),
            self.side.side(),
            Duration::from_micros(self.t15),
            Duration::from_micros(self.t35),
            self.state,
            Duration::from_micros(self.last),
            self.len,
            self.ready,
            self.discarded
        );
    }
}

/// Why [`decode_request`] refused a request PDU: all a server needs to
/// know (exception 01 or 03), where an [`Error`] carries its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// [`Error::Function`]: a code outside the side's functions.
    Function,
    /// Any other error: a malformed request.
    Malformed,
}

/// A request PDU decoded as `side`'s framer takes it (only its
/// [`functions`](Sided::functions)): out of line, so that the server and
/// the framer's check of frames found in garbage share one decoder, and
/// refusing with a [`Refused`], so that no [`Error`]'s evidence is built.
#[inline(never)]
pub(crate) fn decode_request<S: Sided>(side: S, pdu: &[u8]) -> Result<Request<'_>, Refused> {
    Request::decode_in(pdu, side.functions()).map_err(|e| match e {
        Error::Function { .. } => Refused::Function,
        _ => Refused::Malformed,
    })
}

/// `d` in whole microseconds (saturating: `Duration::MAX` is the
/// latest time there is).
#[inline(never)]
const fn micros(d: Duration) -> u64 {
    let secs = d.as_secs();
    // Below 2^44 s, the product and the sum fit: no overflow checks.
    if secs >> 44 != 0 {
        return u64::MAX;
    }
    secs * 1_000_000 + d.subsec_micros() as u64
}

fn valid_crc(f: &[u8]) -> bool {
    let Some(split) = f.len().checked_sub(2) else {
        return false;
    };
    let (body, crc) = f.split_at(split);
    crc == crc16(body).to_le_bytes()
}
