//! RS485 half-duplex: driving the transceiver's direction and dropping the
//! adapter's echo, under the existing drivers.
//!
//! On an RS485 bus one node talks at a time. A transceiver's driver enable
//! (DE, often tied to /RE) must be asserted before the first byte of a
//! request leaves the UART and released only after its **last bit** has
//! left: not when `write` returns, because the UART's FIFO and shift
//! register still hold bytes. Release it too early and the end of the
//! request is cut (the unit sees a CRC error and stays silent); too late
//! and the start of the reply is lost. And many USB adapters hear their own
//! transmission: the request comes back as an echo ahead of the reply.
//!
//! Use this module
//! - with a **GPIO-driven transceiver** on a microcontroller (a MAX485 or
//!   similar, DE and /RE on a pin): a [`Direction`] that sets the pin,
//!   [`AsyncRs485`] with the executor's [`Timer`], or [`Rs485`] with a
//!   [`Clock`] and a [`Delay`];
//! - with a **USB-RS485 adapter without automatic direction control** (the
//!   direction on RTS or on a GPIO of the adapter), or one that echoes what
//!   it sends: a [`Direction`] that sets the line (or `()` when the adapter
//!   switches by itself), and echo suppression on.
//!
//! Adapters that switch direction by themselves and do not echo, and Linux
//! UARTs in the kernel's RS485 mode (`TIOCSRS485`, which drives DE itself),
//! need none of this.
//!
//! The wrappers implement the same `embedded-io` ([`Rs485`]) or
//! `embedded-io-async` ([`AsyncRs485`]) traits as the transport they wrap,
//! so the drivers ([`crate::modbus::Driver`], [`crate::modbus::AsyncDriver`],
//! any [`crate::blocking::Driver`]) run over them unchanged:
//!
//! - `write` asserts DE ([`Direction::transmit`]) before the first byte of
//!   a request; `flush` waits until the last bit is out, that is until
//!   [`wire_time`] of the bytes written (bits per character from the
//!   [`Line`], over its baud rate) has passed since the write started (a
//!   blocking write that already took that long does not wait again), plus
//!   an optional guard time; then releases DE ([`Direction::receive`]). A
//!   `read` before a `flush` flushes first.
//! - With echo suppression on, `read` drops the first bytes received while
//!   they equal, byte by byte and across reads of any size, the bytes just
//!   sent. At the first byte that differs it was no echo (a collision, or
//!   an adapter that does not echo): suppression stops and every byte,
//!   those held back as a possible echo included, is handed to the reader,
//!   and the mismatch is counted ([`EchoCounters`]). Turn it on only for
//!   an adapter that echoes: on one that does not, a reply that repeats
//!   its request byte for byte (Modbus write single coil or register)
//!   would be taken for the echo.
//!
//! The timing and the echo matcher are one sans-IO state machine,
//! [`HalfDuplex`], that both wrappers use; the blocking wrapper is the
//! async one run to completion, as [`crate::blocking`] does for the
//! drivers.
//!
//! ```no_run
//! # #[cfg(feature = "std")] {
//! use modbus_rtu_lite::{Config, Line, Parity, Request};
//! use transports::modbus::Driver;
//! use transports::rs485::{Direction, HalfDuplex, Rs485, StdDelay};
//! use transports::serial::Serial;
//! use transports::{Clock, StdClock};
//!
//! /// DE and /RE on a GPIO.
//! struct De;
//! impl Direction for De {
//!     fn transmit(&mut self) { /* pin high */ }
//!     fn receive(&mut self) { /* pin low */ }
//! }
//!
//! // One line description: the port, the wire time and the Modbus timers.
//! let line = Line::new(9600, Parity::Even, 1);
//! let port = Serial::open("/dev/ttyUSB0", &line)?;
//! let clock = StdClock::new();
//! // Wait 200 µs past the last bit for USB latency, and drop the echo.
//! let rs485 = HalfDuplex::new(line)
//!     .with_guard(core::time::Duration::from_micros(200))
//!     .with_echo_suppression(true);
//! let io = Rs485::new(port, De, clock, StdDelay, rs485);
//! let mut modbus = Driver::new(io, clock, Config::new(line).client(clock.now()));
//! let reply = modbus.ask(&(1, Request::ReadHoldingRegisters { start: 0, quantity: 2 }))?;
//! println!("{:?}", reply.response());
//! println!("{:?}", modbus.io_mut().counters());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use core::time::Duration;

use crate::Clock;
use crate::asynch::Timer;

pub use proto_core::{Line, Parity};

/// The echo buffer's default capacity: one Modbus RTU ADU.
pub const CAPACITY: usize = 256;

/// The transceiver's direction: a GPIO driving DE and /RE, an ioctl setting
/// RTS, or nothing (`()`) where the adapter switches by itself.
///
/// Setting the direction cannot fail here: an implementation whose pin or
/// ioctl can fail keeps the error for its owner to inspect.
pub trait Direction {
    /// Drive the bus (assert DE): called before the first byte of a request.
    fn transmit(&mut self);
    /// Listen (release DE): called once the last bit of the request is out.
    fn receive(&mut self);
}

/// No direction control: the adapter switches by itself.
impl Direction for () {
    fn transmit(&mut self) {}
    fn receive(&mut self) {}
}

impl<D: Direction + ?Sized> Direction for &mut D {
    fn transmit(&mut self) {
        (**self).transmit();
    }
    fn receive(&mut self) {
        (**self).receive();
    }
}

/// A blocking wait of about `us` microseconds (a timer peripheral, a
/// cycle counter, `std::thread::sleep`). [`Rs485`] delays in a loop until
/// its [`Clock`] has passed the deadline, so a delay may return early.
pub trait Delay {
    /// Waits about `us` microseconds.
    fn delay_us(&mut self, us: u32);
}

/// No delay: [`Rs485`] spins on its [`Clock`] until the deadline.
impl Delay for () {
    fn delay_us(&mut self, _us: u32) {}
}

impl<W: Delay + ?Sized> Delay for &mut W {
    fn delay_us(&mut self, us: u32) {
        (**self).delay_us(us);
    }
}

/// [`std::thread::sleep`] (which may sleep longer than asked).
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, Default)]
pub struct StdDelay;

#[cfg(feature = "std")]
impl Delay for StdDelay {
    fn delay_us(&mut self, us: u32) {
        std::thread::sleep(Duration::from_micros(u64::from(us)));
    }
}

/// The time `bytes` characters take on the wire: `bytes` × bits per
/// character (start, 8 data, parity, stop bits) / baud, rounded up to the
/// microsecond. 8 bytes of 8E1 at 9600 baud: 9167 µs.
pub const fn wire_time(bytes: usize, line: &Line) -> Duration {
    line.time_of(bytes)
}

/// What echo suppression has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EchoCounters {
    /// Bytes dropped as the echo of what was sent.
    pub echoed: u64,
    /// Echoes that differed from what was sent (a collision, or no echo at
    /// all): their bytes were handed to the reader.
    pub mismatches: u64,
}

/// What the receiving side does with the bytes that arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rx {
    /// Hand them to the reader.
    Pass,
    /// Expect the echo of the `total` bytes sent, of which the first
    /// `recorded` are in the buffer; `matched` have arrived so far.
    Echo {
        recorded: usize,
        total: usize,
        matched: usize,
    },
    /// It was no echo: the buffer's `start..end` is owed to the reader
    /// before any new byte.
    Replay { start: usize, end: usize },
}

/// A run of characters sent back to back since `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tx {
    start: Duration,
    chars: usize,
}

impl Tx {
    /// When the last bit is out.
    fn end(&self, line: &Line) -> Duration {
        self.start.saturating_add(wire_time(self.chars, line))
    }
}

/// The sans-IO core of both wrappers: when to release the line, and which
/// received bytes are the echo. `N` bytes of a request are kept for the
/// echo comparison; the echo of any bytes beyond them (a request longer
/// than `N`) is dropped by count, unchecked.
///
/// The wrappers drive it as follows (a firmware with its own UART driver
/// can do the same):
/// - before a write: [`begin`](Self::begin) (assert DE if it says so),
///   then [`wrote`](Self::wrote) with the time the write started and the
///   bytes the UART took;
/// - after the flush: wait until [`release_at`](Self::release_at), release
///   DE, [`released`](Self::released);
/// - to read: [`drain`](Self::drain) first; if it gave nothing, read at
///   most [`read_limit`](Self::read_limit) bytes and pass them through
///   [`received`](Self::received); read again if that left nothing.
#[derive(Debug, Clone)]
pub struct HalfDuplex<const N: usize = CAPACITY> {
    line: Line,
    guard: Duration,
    suppress_echo: bool,
    /// While transmitting: the characters sent back to back, and since when.
    transmitting: Option<Tx>,
    buf: [u8; N],
    rx: Rx,
    counters: EchoCounters,
}

impl HalfDuplex<CAPACITY> {
    /// Half duplex on `line`, keeping [`CAPACITY`] bytes for the echo
    /// comparison; no guard time, echo suppression off.
    pub const fn new(line: Line) -> Self {
        Self::with_capacity(line)
    }
}

impl<const N: usize> HalfDuplex<N> {
    /// [`new`](HalfDuplex::new) with the capacity `N` of the type:
    /// `HalfDuplex::<64>::with_capacity(line)`.
    pub const fn with_capacity(line: Line) -> Self {
        HalfDuplex {
            line,
            guard: Duration::ZERO,
            suppress_echo: false,
            transmitting: None,
            buf: [0; N],
            rx: Rx::Pass,
            counters: EchoCounters {
                echoed: 0,
                mismatches: 0,
            },
        }
    }

    /// Keeps DE asserted `guard` longer than the wire time (the
    /// transceiver's disable time, a USB adapter's latency).
    #[must_use]
    pub const fn with_guard(mut self, guard: Duration) -> Self {
        self.guard = guard;
        self
    }

    /// Drops the echo of each request from what is read (for adapters that
    /// hear their own transmission).
    #[must_use]
    pub const fn with_echo_suppression(mut self, on: bool) -> Self {
        self.suppress_echo = on;
        self
    }

    /// The line the wire time is computed for.
    pub const fn line(&self) -> &Line {
        &self.line
    }

    /// Sets the line (after a baud rate change).
    pub fn set_line(&mut self, line: Line) {
        self.line = line;
    }

    /// What echo suppression has done so far.
    pub const fn counters(&self) -> EchoCounters {
        self.counters
    }

    /// Whether a request is being sent (DE asserted).
    pub const fn is_transmitting(&self) -> bool {
        self.transmitting.is_some()
    }

    /// A write is about to start at `now`. True when it opens a request:
    /// assert DE ([`Direction::transmit`]) before writing. Opening a
    /// request forgets the echo still expected of the previous one, and
    /// the bytes of a mismatch not read yet.
    pub fn begin(&mut self, now: Duration) -> bool {
        if self.transmitting.is_some() {
            return false;
        }
        self.transmitting = Some(Tx {
            start: now,
            chars: 0,
        });
        self.rx = if self.suppress_echo {
            Rx::Echo {
                recorded: 0,
                total: 0,
                matched: 0,
            }
        } else {
            Rx::Pass
        };
        true
    }

    /// The UART took `bytes` in a write that started at `started`: they
    /// are on the wire from then, or from when the bytes before them are
    /// out if that is later (back to back, timed as one run so that a
    /// request written in pieces takes exactly its [`wire_time`]).
    pub fn wrote(&mut self, started: Duration, bytes: &[u8]) {
        if let Some(tx) = &mut self.transmitting {
            if started > tx.end(&self.line) {
                *tx = Tx {
                    start: started,
                    chars: 0,
                };
            }
            tx.chars = tx.chars.saturating_add(bytes.len());
        }
        if let Rx::Echo {
            recorded, total, ..
        } = &mut self.rx
        {
            let room = self.buf.get_mut(*recorded..).unwrap_or_default();
            let n = room.len().min(bytes.len());
            if let (Some(dst), Some(src)) = (room.get_mut(..n), bytes.get(..n)) {
                dst.copy_from_slice(src);
            }
            *recorded += n;
            *total += bytes.len();
        }
    }

    /// When DE may be released: once the last bit written is out, plus the
    /// guard time. `None` while not transmitting.
    pub fn release_at(&self) -> Option<Duration> {
        self.transmitting
            .map(|tx| tx.end(&self.line).saturating_add(self.guard))
    }

    /// DE was released ([`Direction::receive`]): what arrives from now on
    /// is the echo, if one is expected, then the reply.
    pub fn released(&mut self) {
        self.transmitting = None;
        if let Rx::Echo { total: 0, .. } = self.rx {
            self.rx = Rx::Pass;
        }
    }

    /// How many bytes the next read may take, for a caller's buffer of
    /// `len`: while the echo is expected, no more than its rest (so that
    /// the bytes after a mismatch fit the buffer they are replayed from).
    pub fn read_limit(&self, len: usize) -> usize {
        match self.rx {
            Rx::Echo {
                recorded, matched, ..
            } if matched < recorded => len.min(recorded - matched),
            Rx::Echo { total, matched, .. } => len.min(total.saturating_sub(matched)),
            Rx::Pass | Rx::Replay { .. } => len,
        }
    }

    /// Copies the bytes owed to the reader after a mismatch into `buf`;
    /// how many. Call before reading.
    pub fn drain(&mut self, buf: &mut [u8]) -> usize {
        let Rx::Replay { start, end } = self.rx else {
            return 0;
        };
        let owed = self.buf.get(start..end).unwrap_or_default();
        let n = owed.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), owed.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.rx = if start + n >= end {
            Rx::Pass
        } else {
            Rx::Replay {
                start: start + n,
                end,
            }
        };
        n
    }

    /// `buf[..n]` was just read (at most [`read_limit`](Self::read_limit)
    /// bytes, after [`drain`](Self::drain) gave nothing): drops the echo
    /// from it. Returns how many bytes at the front of `buf` are for the
    /// reader; 0 when all were echo (read again).
    pub fn received(&mut self, buf: &mut [u8], n: usize) -> usize {
        let n = n.min(buf.len());
        let Rx::Echo {
            recorded,
            total,
            matched,
        } = self.rx
        else {
            return n;
        };
        for i in 0..n {
            let at = matched + i;
            if at >= total {
                // More than the echo (the caller read past the limit):
                // the rest is for the reader.
                self.counters.echoed += i as u64;
                self.rx = Rx::Pass;
                buf.copy_within(i..n, 0);
                return n - i;
            }
            if at >= recorded {
                // Beyond the bytes kept: dropped by count.
                continue;
            }
            if buf.get(i) != self.buf.get(at) {
                return self.mismatch(buf, i, n, at);
            }
        }
        self.counters.echoed += n as u64;
        self.rx = if matched + n >= total {
            Rx::Pass
        } else {
            Rx::Echo {
                recorded,
                total,
                matched: matched + n,
            }
        };
        0
    }

    /// `buf[i]` differs from the echo's byte `at`: the `at` bytes held
    /// back (equal to the request's first `at`) and `buf[i..n]` are owed to
    /// the reader, in order.
    fn mismatch(&mut self, buf: &mut [u8], i: usize, n: usize, at: usize) -> usize {
        self.counters.mismatches += 1;
        // The bytes of earlier reads were counted as echo; they were not.
        self.counters.echoed = self.counters.echoed.saturating_sub((at - i) as u64);
        let rest = buf.get(i..n).unwrap_or_default();
        // Within read_limit, the rest fits where the echo was expected (a
        // caller reading more loses what does not fit).
        let end = (at + rest.len()).min(N);
        if let (Some(dst), Some(src)) = (self.buf.get_mut(at..end), rest.get(..end - at)) {
            dst.copy_from_slice(src);
        }
        self.rx = Rx::Replay { start: 0, end };
        self.drain(buf)
    }
}

/// An `embedded-io-async` transport on an RS485 bus: the [`Direction`]
/// set around each request, timed with the runtime's [`Timer`], and the
/// echo dropped if asked (see the [module docs](self)).
#[derive(Debug)]
pub struct AsyncRs485<T, D, Tm, const N: usize = CAPACITY> {
    io: T,
    direction: D,
    timer: Tm,
    core: HalfDuplex<N>,
}

impl<T, D: Direction, Tm: Timer, const N: usize> AsyncRs485<T, D, Tm, N> {
    /// `io` on the bus, `direction` set around each request, waiting with
    /// `timer`, settings (and state) in `core`.
    pub fn new(io: T, direction: D, timer: Tm, core: HalfDuplex<N>) -> Self {
        AsyncRs485 {
            io,
            direction,
            timer,
            core,
        }
    }

    /// What echo suppression has done so far.
    pub fn counters(&self) -> EchoCounters {
        self.core.counters()
    }

    /// The settings and state.
    pub fn half_duplex(&self) -> &HalfDuplex<N> {
        &self.core
    }

    /// The settings and state, to change the line or the guard time.
    pub fn half_duplex_mut(&mut self) -> &mut HalfDuplex<N> {
        &mut self.core
    }

    /// The transport, to reconfigure it.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// The direction control.
    pub fn direction_mut(&mut self) -> &mut D {
        &mut self.direction
    }

    /// The transport, the direction control, the timer and the core.
    pub fn into_parts(self) -> (T, D, Tm, HalfDuplex<N>) {
        (self.io, self.direction, self.timer, self.core)
    }

    /// Waits until the last bit is out (and the guard time), then listens.
    async fn release(&mut self) {
        if let Some(at) = self.core.release_at() {
            self.timer.at(at).await;
            self.direction.receive();
            self.core.released();
        }
    }
}

impl<T: embedded_io_async::ErrorType, D, Tm, const N: usize> embedded_io_async::ErrorType
    for AsyncRs485<T, D, Tm, N>
{
    type Error = T::Error;
}

impl<T, D, Tm, const N: usize> embedded_io_async::Write for AsyncRs485<T, D, Tm, N>
where
    T: embedded_io_async::Write,
    D: Direction,
    Tm: Timer,
{
    async fn write(&mut self, buf: &[u8]) -> Result<usize, T::Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.core.begin(self.timer.now()) {
            self.direction.transmit();
        }
        let started = self.timer.now();
        match self.io.write(buf).await {
            Ok(n) => {
                self.core.wrote(started, buf.get(..n).unwrap_or(buf));
                Ok(n)
            }
            Err(e) => {
                // Do not hold the bus: release once what went out is out.
                self.release().await;
                Err(e)
            }
        }
    }

    async fn flush(&mut self) -> Result<(), T::Error> {
        let flushed = self.io.flush().await;
        self.release().await;
        flushed
    }
}

impl<T, D, Tm, const N: usize> embedded_io_async::Read for AsyncRs485<T, D, Tm, N>
where
    T: embedded_io_async::Read + embedded_io_async::Write,
    D: Direction,
    Tm: Timer,
{
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, T::Error> {
        if self.core.is_transmitting() {
            embedded_io_async::Write::flush(self).await?;
        }
        if buf.is_empty() {
            return self.io.read(buf).await;
        }
        loop {
            let owed = self.core.drain(buf);
            if owed > 0 {
                return Ok(owed);
            }
            let limit = self.core.read_limit(buf.len());
            let n = self
                .io
                .read(buf.get_mut(..limit).unwrap_or_default())
                .await?;
            if n == 0 {
                return Ok(0);
            }
            let kept = self.core.received(buf, n);
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// A blocking `embedded-io` transport on an RS485 bus: [`AsyncRs485`] run
/// to completion, waiting with a [`Clock`] and a [`Delay`] (see the
/// [module docs](self)). A read that times out still does: the error is
/// the inner transport's.
#[derive(Debug)]
pub struct Rs485<T, D, C, W, const N: usize = CAPACITY> {
    inner: AsyncRs485<Sync<T>, D, Sleep<C, W>, N>,
}

impl<T, D: Direction, C: Clock, W: Delay, const N: usize> Rs485<T, D, C, W, N> {
    /// `io` on the bus, `direction` set around each request, the time from
    /// `clock`, waiting with `delay`, settings (and state) in `core`.
    pub fn new(io: T, direction: D, clock: C, delay: W, core: HalfDuplex<N>) -> Self {
        Rs485 {
            inner: AsyncRs485::new(Sync(io), direction, Sleep { clock, delay }, core),
        }
    }

    /// What echo suppression has done so far.
    pub fn counters(&self) -> EchoCounters {
        self.inner.counters()
    }

    /// The settings and state.
    pub fn half_duplex(&self) -> &HalfDuplex<N> {
        self.inner.half_duplex()
    }

    /// The settings and state, to change the line or the guard time.
    pub fn half_duplex_mut(&mut self) -> &mut HalfDuplex<N> {
        self.inner.half_duplex_mut()
    }

    /// The transport, to reconfigure it.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.inner.io_mut().0
    }

    /// The direction control.
    pub fn direction_mut(&mut self) -> &mut D {
        self.inner.direction_mut()
    }

    /// The transport, the direction control, the clock, the delay and the
    /// core.
    pub fn into_parts(self) -> (T, D, C, W, HalfDuplex<N>) {
        let (io, direction, sleep, core) = self.inner.into_parts();
        (io.0, direction, sleep.clock, sleep.delay, core)
    }
}

impl<T: embedded_io::ErrorType, D, C, W, const N: usize> embedded_io::ErrorType
    for Rs485<T, D, C, W, N>
{
    type Error = T::Error;
}

impl<T, D, C, W, const N: usize> embedded_io::Write for Rs485<T, D, C, W, N>
where
    T: embedded_io::Write,
    D: Direction,
    C: Clock,
    W: Delay,
{
    fn write(&mut self, buf: &[u8]) -> Result<usize, T::Error> {
        embassy_futures::block_on(embedded_io_async::Write::write(&mut self.inner, buf))
    }

    fn flush(&mut self) -> Result<(), T::Error> {
        embassy_futures::block_on(embedded_io_async::Write::flush(&mut self.inner))
    }
}

impl<T, D, C, W, const N: usize> embedded_io::Read for Rs485<T, D, C, W, N>
where
    T: embedded_io::Read + embedded_io::Write,
    D: Direction,
    C: Clock,
    W: Delay,
{
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, T::Error> {
        embassy_futures::block_on(embedded_io_async::Read::read(&mut self.inner, buf))
    }
}

/// Blocking I/O seen through the async traits, errors unchanged (a read
/// that timed out stays one).
#[derive(Debug)]
struct Sync<T>(T);

impl<T: embedded_io::ErrorType> embedded_io_async::ErrorType for Sync<T> {
    type Error = T::Error;
}

impl<T: embedded_io::Read> embedded_io_async::Read for Sync<T> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, T::Error> {
        self.0.read(buf)
    }
}

impl<T: embedded_io::Write> embedded_io_async::Write for Sync<T> {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, T::Error> {
        self.0.write(buf)
    }

    async fn flush(&mut self) -> Result<(), T::Error> {
        self.0.flush()
    }
}

/// A clock and a delay as a timer: waits by delaying until the clock has
/// passed the deadline.
#[derive(Debug)]
struct Sleep<C, W> {
    clock: C,
    delay: W,
}

impl<C: Clock, W: Delay> Timer for Sleep<C, W> {
    fn now(&self) -> Duration {
        self.clock.now()
    }

    async fn at(&mut self, deadline: Duration) {
        loop {
            let left = deadline.saturating_sub(self.clock.now());
            if left.is_zero() {
                return;
            }
            let us = u32::try_from(left.as_nanos().div_ceil(1000)).unwrap_or(u32::MAX);
            self.delay.delay_us(us);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: [u8; 8] = [1, 3, 0, 2, 0, 3, 0xA4, 0x0B];

    fn line() -> Line {
        Line::new(9600, Parity::Even, 1)
    }

    fn sent<const N: usize>(mut h: HalfDuplex<N>, bytes: &[u8]) -> HalfDuplex<N> {
        assert!(h.begin(Duration::ZERO));
        h.wrote(Duration::ZERO, bytes);
        h.released();
        h
    }

    /// Reads `input` through `h` in reads of `chunk` into buffers of `cap`.
    fn read_all<const N: usize>(
        h: &mut HalfDuplex<N>,
        input: &[u8],
        chunk: usize,
        cap: usize,
    ) -> Vec<u8> {
        let mut input = input;
        let mut out = Vec::new();
        let mut buf = vec![0u8; cap];
        loop {
            let owed = h.drain(&mut buf);
            if owed > 0 {
                out.extend_from_slice(&buf[..owed]);
                continue;
            }
            if input.is_empty() {
                return out;
            }
            let limit = h.read_limit(cap).min(chunk).min(input.len());
            assert!(limit > 0);
            buf[..limit].copy_from_slice(&input[..limit]);
            input = &input[limit..];
            let kept = h.received(&mut buf, limit);
            out.extend_from_slice(&buf[..kept]);
        }
    }

    #[test]
    fn wire_time_in_exact_microseconds() {
        let us = |baud, parity| wire_time(8, &Line::new(baud, parity, 1)).as_micros();
        // 80 bits / 9600 = 8333.3 µs, 88 bits = 9166.7 µs: rounded up.
        assert_eq!(us(9600, Parity::None), 8334);
        assert_eq!(us(9600, Parity::Even), 9167);
        // 80 bits / 115200 = 694.4 µs, 88 bits = 763.9 µs.
        assert_eq!(us(115_200, Parity::None), 695);
        assert_eq!(us(115_200, Parity::Even), 764);
    }

    #[test]
    fn release_time_follows_the_writes_and_the_guard() {
        let guard = Duration::from_micros(100);
        let mut h = HalfDuplex::new(line()).with_guard(guard);
        assert_eq!(h.release_at(), None);
        let t0 = Duration::from_millis(10);
        assert!(h.begin(t0));
        h.wrote(t0, &REQ[..4]);
        // A second write started before the first 4 bytes are out: queued
        // behind them.
        assert!(!h.begin(t0 + Duration::from_micros(10)));
        h.wrote(t0 + Duration::from_micros(10), &REQ[4..]);
        // Timed as one run: exactly the 8 bytes' wire time.
        assert_eq!(h.release_at(), Some(t0 + wire_time(8, &line()) + guard));
        // A write after a pause starts from its own time.
        let late = t0 + Duration::from_millis(100);
        h.wrote(late, &REQ[..1]);
        assert_eq!(h.release_at(), Some(late + wire_time(1, &line()) + guard));
        h.released();
        assert_eq!(h.release_at(), None);
    }

    #[test]
    fn echo_dropped_across_any_chunking() {
        let reply = [1u8, 3, 6, 0, 20, 0, 30, 0, 40, 0x11, 0x22];
        let input: Vec<u8> = REQ.iter().chain(&reply).copied().collect();
        for chunk in 1..=input.len() {
            for cap in [1, 3, 64] {
                let mut h = sent(HalfDuplex::new(line()).with_echo_suppression(true), &REQ);
                assert_eq!(read_all(&mut h, &input, chunk, cap), reply, "{chunk} {cap}");
                assert_eq!(
                    h.counters(),
                    EchoCounters {
                        echoed: 8,
                        mismatches: 0
                    }
                );
            }
        }
    }

    #[test]
    fn no_echo_at_all_hands_back_the_held_prefix() {
        // The reply starts like the request (address, function): held back
        // as a possible echo, then handed over whole at the third byte.
        let reply = [1u8, 3, 6, 0, 20, 0, 30, 0, 40, 0x11, 0x22];
        for chunk in 1..=reply.len() {
            for cap in [1, 2, 64] {
                let mut h = sent(HalfDuplex::new(line()).with_echo_suppression(true), &REQ);
                assert_eq!(read_all(&mut h, &reply, chunk, cap), reply, "{chunk} {cap}");
                assert_eq!(
                    h.counters(),
                    EchoCounters {
                        echoed: 0,
                        mismatches: 1
                    }
                );
            }
        }
    }

    #[test]
    fn a_collision_passes_through_and_suppression_stops() {
        let mut garbled = REQ;
        garbled[5] ^= 0x40;
        let input: Vec<u8> = garbled.iter().chain(&REQ).copied().collect();
        let mut h = sent(HalfDuplex::new(line()).with_echo_suppression(true), &REQ);
        // Everything after the mismatch is passed, even bytes equal to the request.
        assert_eq!(read_all(&mut h, &input, 3, 64), input);
        assert_eq!(h.counters().mismatches, 1);
        assert_eq!(h.counters().echoed, 0);
    }

    #[test]
    fn beyond_the_capacity_the_echo_is_dropped_by_count() {
        let mut h = sent(
            HalfDuplex::<4>::with_capacity(line()).with_echo_suppression(true),
            &REQ,
        );
        // The last 4 bytes are not kept: their echo is not compared.
        let input = [1u8, 3, 0, 2, 9, 9, 9, 9, 0xAB];
        assert_eq!(read_all(&mut h, &input, 5, 64), [0xAB]);
        assert_eq!(h.counters().echoed, 8);

        // A mismatch within the kept bytes is still found.
        let mut h = sent(
            HalfDuplex::<4>::with_capacity(line()).with_echo_suppression(true),
            &REQ,
        );
        let input = [1u8, 3, 7, 2, 9];
        assert_eq!(read_all(&mut h, &input, 5, 64), input);
        assert_eq!(h.counters().mismatches, 1);
    }

    #[test]
    fn off_or_nothing_sent_passes_everything() {
        let mut h = sent(HalfDuplex::new(line()), &REQ);
        assert_eq!(read_all(&mut h, &REQ, 3, 64), REQ);
        let mut h = HalfDuplex::new(line()).with_echo_suppression(true);
        assert!(h.begin(Duration::ZERO));
        h.released();
        assert_eq!(read_all(&mut h, &REQ, 3, 64), REQ);
        assert_eq!(h.counters(), EchoCounters::default());
    }

    #[test]
    fn a_new_request_forgets_the_last_echo() {
        let mut h = sent(HalfDuplex::new(line()).with_echo_suppression(true), &REQ);
        assert_eq!(read_all(&mut h, &REQ[..3], 3, 64), []);
        let h = &mut sent(h, &[7, 7]);
        assert_eq!(read_all(h, &[7, 7, 5], 3, 64), [5]);
        assert_eq!(h.counters().echoed, 5);
    }
}
