//! Server side: a request parser and response builder around a small trait
//! the application implements for its data. A [`Server`] is a framer and
//! a [`Responder`], which answers requests framed elsewhere on its own.
//!
//! Rules (SL §2.4, AP §6–7): silence on a bad CRC, on another address, on
//! a reserved address (248–255) and on every broadcast (which is still
//! carried out when it is a write); exception 03 for a malformed request
//! (quantity, byte count, value) before 02 for an address outside the map;
//! 01 for a function the application does not handle. FC08 keeps the
//! diagnostic counters, including listen-only mode (08/04), which only
//! 08/01 ends.
//!
//! What an image pays for: the [`Handler`]'s [`FUNCTIONS`](Handler::FUNCTIONS),
//! a constant, is checked before a request is decoded, and every function
//! code's decoder and the code that carries it out are behind its flag,
//! so only the codes in the set are linked (with the server's own FC08,
//! FC0B and FC0C only if named). Narrowed to FC01/03/05/06/10, the
//! firmware footprint job's server went from 9,356 to 4,932 B of code.
//! The rest of the footprint: one 256-byte buffer, the framer's, in the
//! `Server`, where each reply is written over its request (in place: the
//! address and a write's echo are already there, a read's data is written
//! once its fields are taken; bytes received behind a request wait at the
//! buffer's end, unless the reply needs their room); register reads are
//! asked in pieces of [`REGISTER_PIECE`] and coil reads of [`COIL_PIECE`],
//! packed straight into the reply; and that job's path calls no `memcpy`
//! or `memset` of its own.

use core::marker::PhantomData;
use core::time::Duration;

use crate::{
    Bits, Exception, Line, Words,
    framer::{Delimiting, Framer, Mode, Side, Sided},
    timing::{t15_micros, t35_micros},
};

mod responder;

pub use responder::{Counters, Responder};

/// How many coils or discrete inputs a read asks the [`Handler`] for at
/// once: a longer read (up to 2000) is asked in pieces, in order. 16, as
/// [`REGISTER_PIECE`]: the piece is on the stack while the read runs
/// (64 took 48 B more).
pub const COIL_PIECE: usize = 16;

/// How many registers a read asks the [`Handler`] for at once: a longer
/// read (up to 125) is asked in pieces, in order, each packed straight
/// into the response, so no 125-register array sits on the stack.
pub const REGISTER_PIECE: usize = 16;

bitflags::bitflags! {
    /// A set of function codes: what a [`Handler`] answers
    /// ([`Handler::FUNCTIONS`]). A standard code's flag is bit `code`
    /// (`READ_COILS` is `1 << 0x01`), except FC2B/0E's.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Functions: u32 {
        /// FC01.
        const READ_COILS = 1 << 0x01;
        /// FC02.
        const READ_DISCRETE_INPUTS = 1 << 0x02;
        /// FC03.
        const READ_HOLDING_REGISTERS = 1 << 0x03;
        /// FC04.
        const READ_INPUT_REGISTERS = 1 << 0x04;
        /// FC05.
        const WRITE_SINGLE_COIL = 1 << 0x05;
        /// FC06.
        const WRITE_SINGLE_REGISTER = 1 << 0x06;
        /// FC07.
        const READ_EXCEPTION_STATUS = 1 << 0x07;
        /// FC08: answered by the server itself, with its counters and
        /// listen-only mode.
        const DIAGNOSTICS = 1 << 0x08;
        /// FC0B: answered by the server itself.
        const GET_COMM_EVENT_COUNTER = 1 << 0x0B;
        /// FC0C: answered by the server itself.
        const GET_COMM_EVENT_LOG = 1 << 0x0C;
        /// FC0F.
        const WRITE_MULTIPLE_COILS = 1 << 0x0F;
        /// FC10.
        const WRITE_MULTIPLE_REGISTERS = 1 << 0x10;
        /// FC11.
        const REPORT_SERVER_ID = 1 << 0x11;
        /// FC14.
        const READ_FILE_RECORD = 1 << 0x14;
        /// FC15.
        const WRITE_FILE_RECORD = 1 << 0x15;
        /// FC16.
        const MASK_WRITE_REGISTER = 1 << 0x16;
        /// FC17.
        const READ_WRITE_MULTIPLE_REGISTERS = 1 << 0x17;
        /// FC18.
        const READ_FIFO_QUEUE = 1 << 0x18;
        /// FC2B/0E (device identification).
        const READ_DEVICE_ID = 1 << 0x1E;
        /// Every other code from 1 to 0x7F ([`Handler::custom`]), FC2B
        /// with another MEI type among them.
        const CUSTOM = 1 << 0x1F;
    }
}

impl Functions {
    /// The function a request PDU asks for, from its first bytes (a
    /// standard code's flag, or [`CUSTOM`](Self::CUSTOM)); empty for no
    /// byte, code 0 or a code with bit 7 set, which no set holds.
    #[inline]
    pub fn of(pdu: &[u8]) -> Functions {
        match pdu.first().copied() {
            None | Some(0 | 0x80..=0xFF) => Functions::empty(),
            Some(0x2B) if pdu.get(1) == Some(&0x0E) => Functions::READ_DEVICE_ID,
            Some(fc @ 1..=0x18) => match Functions::from_bits_truncate(1 << fc) {
                f if f.is_empty() => Functions::CUSTOM,
                f => f,
            },
            Some(_) => Functions::CUSTOM,
        }
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Functions {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Functions({=u32:#x})", self.bits());
    }
}

/// What the application provides. Every method has a default that answers
/// exception 01 (illegal function), so implement only what the device has.
/// Addresses outside the device's map answer [`Exception::IllegalDataAddress`].
///
/// [`FUNCTIONS`](Self::FUNCTIONS) says which function codes the server
/// answers at all; by default every one, each reaching its method (whose
/// default answers 01). A firmware image narrows it to the codes its map
/// has, and the server links the decoders and the code carrying out only
/// those:
///
/// ```
/// use modbus_rtu_lite::{Exception, Handler, server::Functions};
///
/// struct Map([u16; 8]);
/// impl Handler for Map {
///     const FUNCTIONS: Functions = Functions::READ_HOLDING_REGISTERS;
///     fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
///         let regs = self.0.get(usize::from(start)..).and_then(|r| r.get(..out.len()));
///         out.copy_from_slice(regs.ok_or(Exception::IllegalDataAddress)?);
///         Ok(())
///     }
/// }
/// ```
pub trait Handler {
    /// The function codes the server answers; any other gets exception
    /// 01 (illegal function) before its request is decoded, and the
    /// handler is not asked. A constant, so that the server's code for
    /// the others (decoding, carrying out, the answer) folds away: an
    /// image pays only for the codes it names.
    /// [`DIAGNOSTICS`](Functions::DIAGNOSTICS),
    /// [`GET_COMM_EVENT_COUNTER`](Functions::GET_COMM_EVENT_COUNTER) and
    /// [`GET_COMM_EVENT_LOG`](Functions::GET_COMM_EVENT_LOG) are answered
    /// by the server itself, not the handler: leave them out to drop them.
    /// Default: all of them (each method's default answers 01).
    const FUNCTIONS: Functions = Functions::all();

    /// Whether the server keeps its [`Counters`] (what FC08 and FC0B/0C
    /// report, and [`Server::counters`]). A firmware image that reads
    /// neither sets it `false` and links no counting; FC08's counters then
    /// read 0. Default: kept.
    const COUNTERS: bool = true;

    /// FC01: fill `out` (one entry per coil) from `start`. A read of more
    /// than [`COIL_PIECE`] coils comes as several calls, in order, each
    /// for the next piece; an exception from any of them answers the read.
    fn read_coils(&mut self, _start: u16, _out: &mut [bool]) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC02: fill `out` from `start`, in pieces as for FC01.
    fn read_discrete_inputs(&mut self, _start: u16, _out: &mut [bool]) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC03 (and the read of FC17): fill `out` from `start`. A read of
    /// more than [`REGISTER_PIECE`] registers comes as several calls, in
    /// order, each for the next piece; an exception from any of them
    /// answers the read.
    fn read_holding_registers(&mut self, _start: u16, _out: &mut [u16]) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC04: fill `out` from `start`, in pieces as for FC03.
    fn read_input_registers(&mut self, _start: u16, _out: &mut [u16]) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC05 and FC0F: write coils from `start`.
    fn write_coils(&mut self, _start: u16, _values: Bits<'_>) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC06, FC10 (and the write of FC17): write registers from `start`.
    fn write_registers(&mut self, _start: u16, _values: Words<'_>) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC07: the eight exception-status bits.
    fn read_exception_status(&mut self) -> Result<u8, Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC11: server id, run indicator and device data into `out`; the length written.
    fn report_server_id(&mut self, _out: &mut [u8]) -> Result<usize, Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC18: the queue at `pointer` into `out` (at most 31); the count.
    fn read_fifo_queue(&mut self, _pointer: u16, _out: &mut [u16; 31]) -> Result<usize, Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC14: fill `out` (one entry per register) from `record` of `file`.
    /// Files are 1–0xFFFF and records 0–9999; the server answers 02
    /// outside that before asking. A group longer than [`REGISTER_PIECE`]
    /// registers comes in pieces, in order, as for FC03 (`record` is then
    /// each piece's first).
    fn read_file_record(
        &mut self,
        _file: u16,
        _record: u16,
        _out: &mut [u16],
    ) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC15: write `values` from `record` of `file`. A request's groups
    /// come in order, each its own call (after all were checked against
    /// the spec's ranges); the first refused ends the request, and the
    /// groups before it stay written.
    fn write_file_record(
        &mut self,
        _file: u16,
        _record: u16,
        _values: Words<'_>,
    ) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
    /// FC2B/0E: the value of identification object `id`, if the device has it.
    fn device_id_object(&mut self, _id: u8) -> Option<&[u8]> {
        None
    }
    /// Any function code not handled above (user-defined codes): write the
    /// response data (after the function code) into `out`, return its length.
    fn custom(&mut self, _function: u8, _data: &[u8], _out: &mut [u8]) -> Result<usize, Exception> {
        Err(Exception::IllegalFunction)
    }
}

/// A server answering for up to four addresses on one bus, its requests
/// framed in the mode `M`: [`Mode`], chosen at run time, by default;
/// [`LengthMode`](crate::LengthMode) or [`TimingMode`](crate::TimingMode)
/// to link only that framer (see [`Delimiting`]).
#[derive(Debug, Clone)]
pub struct Server<H, M = Mode> {
    /// Requests only, fixed at compile time: a server image does not link
    /// the response-side prediction and plausibility code. Its buffer
    /// holds the reply too, written over the request (in place): one
    /// 256-byte buffer, no copy of the request or the reply.
    framer: Framer<Served<H>, M>,
    /// The reply's length: it is the framer buffer's first `tx_len` bytes.
    tx_len: usize,
    responder: Responder<H>,
}

/// The server's framer side: requests, and of those only `H`'s
/// [`FUNCTIONS`](Handler::FUNCTIONS) are taken from behind garbage, so that
/// the framer's plausibility check links only their decoders too.
struct Served<H>(PhantomData<fn() -> H>);

impl<H> Clone for Served<H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H> Copy for Served<H> {}

impl<H> core::fmt::Debug for Served<H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Served")
    }
}

impl<H: Handler> Sided for Served<H> {
    #[inline(always)]
    fn side(&self) -> Side {
        Side::Requests
    }

    #[inline(always)]
    fn functions(&self) -> Functions {
        H::FUNCTIONS
    }
}

/// The server's framer, out of line on purpose: it is then written
/// straight into the `Server` being built (through the return slot)
/// rather than built in a 260-byte temporary and copied there, which cost
/// that much stack and a `memcpy` (the timers are worked out by the
/// caller, where a constant line folds them).
#[inline(never)]
fn framer<H: Handler, M: Delimiting>(
    mode: M,
    (t15, t35): (u64, u64),
    now: Duration,
) -> Framer<Served<H>, M> {
    Framer::with_timers(mode, Served(PhantomData), t15, t35, now)
}

/// t1.5 and t3.5 on `line` in µs, which only timing mode uses: a length
/// mode fixed at compile time does not link their division.
fn timers<M: Delimiting>(line: &Line, mode: M) -> (u64, u64) {
    match mode.mode() {
        Mode::Timing => (t15_micros(line), t35_micros(line)),
        Mode::Length { .. } => (0, 0),
    }
}

impl<H: Handler, M: Delimiting> Server<H, M> {
    /// A server for `addresses` (1–247; zeros are unused slots) on `line`,
    /// its requests framed in `mode` (a [`Mode`], or a
    /// [`LengthMode`](crate::LengthMode) or [`TimingMode`](crate::TimingMode)
    /// to link one framer only).
    pub fn new(handler: H, addresses: [u8; 4], line: Line, mode: M, now: Duration) -> Self {
        Server {
            framer: framer(mode, timers(&line, mode), now),
            tx_len: 0,
            responder: Responder::new(handler, addresses),
        }
    }

    /// The application.
    pub fn handler(&mut self) -> &mut H {
        &mut self.responder.handler
    }

    /// The diagnostic counters (all 0 when the handler's
    /// [`COUNTERS`](Handler::COUNTERS) is `false`).
    pub fn counters(&self) -> Counters {
        self.responder.counters
    }

    /// Feeds received bytes; returns how many were taken. A reply, when
    /// due, is then available from [`poll_transmit`](Self::poll_transmit).
    pub fn feed(&mut self, now: Duration, bytes: &[u8]) -> usize {
        let mut used = 0;
        loop {
            self.take_frames();
            let rest = bytes.get(used..).unwrap_or_default();
            if rest.is_empty() || self.tx_len > 0 {
                break;
            }
            used += self.framer.feed(now, rest);
        }
        used
    }

    /// Lets the framer end frames at t3.5. (With a reply waiting, the
    /// framer may take the next frame apart, but it writes to its buffer
    /// only when fed: the reply, at the buffer's front, stays whole.)
    pub fn handle_timeout(&mut self, now: Duration) {
        self.framer.handle_timeout(now);
        self.take_frames();
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.framer.poll_timeout()
    }

    /// The reply, once; `now` for symmetry with the device machine trait
    /// ([`proto_core::DeviceMachine::poll_transmit`]) and for a future
    /// turnaround hold. It is unused today: the reply is available as soon
    /// as the request's frame has ended.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]> {
        let _ = now;
        let n = core::mem::take(&mut self.tx_len);
        (n > 0).then(|| self.framer.front(n))
    }

    fn take_frames(&mut self) {
        while self.tx_len == 0 {
            let Some(frame) = self.framer.poll_frame_in_place() else {
                return;
            };
            let Ok(n) = frame else { continue };
            // In length mode the framer found the frame by its CRC.
            let checked = self.framer.checks_crc();
            self.tx_len = self.responder.process(&mut self.framer, n, checked);
        }
    }

    /// Processes one ADU (already framed) and prepares its reply, if any.
    /// (A gateway or a test that frames requests itself calls this
    /// instead of [`feed`](Self::feed).) The ADU is copied into the
    /// framer's buffer, where the reply is written over it; bytes the
    /// framer holds are kept, unless the two do not fit beside them.
    pub fn process(&mut self, adu: &[u8]) {
        self.tx_len = match self.framer.load(adu) {
            Some(n) => self.responder.process(&mut self.framer, n, false),
            // Longer than any ADU: a bad frame, as `split` would say.
            None => {
                self.responder.count(|c| &mut c.bus_messages);
                self.responder.count(|c| &mut c.bus_errors);
                0
            }
        };
    }
}

/// The device machine the serve loop in `transports` runs. The server
/// answers through its [`Handler`], so it never hands a request to the
/// serve loop's application (`Request` is uninhabited).
impl<H: Handler, M: Delimiting> proto_core::DeviceMachine for Server<H, M> {
    type Request = core::convert::Infallible;
    type Response = ();

    fn feed(&mut self, now: Duration, bytes: &[u8]) -> (usize, Option<Self::Request>) {
        (Server::feed(self, now, bytes), None)
    }

    fn respond(&mut self, _response: &()) {}

    fn poll_transmit(&mut self, now: Duration) -> Option<&[u8]> {
        Server::poll_transmit(self, now)
    }

    fn handle_timeout(&mut self, now: Duration) -> Option<Self::Request> {
        Server::handle_timeout(self, now);
        None
    }

    fn poll_timeout(&self) -> Option<Duration> {
        Server::poll_timeout(self)
    }
}

/// The framer, the addresses, the counters and the diagnostic state, and
/// how many reply bytes wait to be sent; not the reply buffer, nor the
/// handler (the application's, which need not implement `Format`).
#[cfg(feature = "defmt")]
impl<H: Handler, M: Delimiting> defmt::Format for Server<H, M> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Server {{ framer: {}, pending: {=usize}, addresses: {=[u8]}, counters: {}, listen_only: {=bool}, restart: {=bool} }}",
            self.framer,
            self.tx_len,
            self.responder.addresses,
            self.responder.counters,
            self.responder.listen_only,
            self.responder.restart
        );
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::{Parity, Request, crc16, encode_request};
    use std::{vec, vec::Vec};

    /// Coil `i` is on when `i % 3 == 0`; counts the calls.
    struct Pattern {
        calls: usize,
    }

    impl Handler for Pattern {
        fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
            self.calls += 1;
            for (i, slot) in out.iter_mut().enumerate() {
                *slot = (usize::from(start) + i) % 3 == 0;
            }
            Ok(())
        }
    }

    fn server<H: Handler>(handler: H) -> Server<H> {
        let line = Line::new(9600, Parity::None, 1);
        let mode = Mode::Length {
            silence: Duration::from_millis(50),
        };
        Server::new(handler, [1, 0, 0, 0], line, mode, Duration::ZERO)
    }

    /// Sends `request` to unit 1; the reply's bytes, CRC checked and cut.
    fn ask<H: Handler>(server: &mut Server<H>, request: &Request<'_>) -> Vec<u8> {
        let mut adu = [0u8; 256];
        let n = encode_request(1, request, &mut adu).unwrap();
        server.process(&adu[..n]);
        let reply = server.poll_transmit(Duration::ZERO).unwrap().to_vec();
        let (body, crc) = reply.split_at(reply.len() - 2);
        assert_eq!(crc16(body).to_le_bytes(), crc);
        body.to_vec()
    }

    /// Register `a` holds `a * 7`; records each piece asked (start, length).
    struct Registers {
        pieces: Vec<(u16, usize)>,
    }

    impl Handler for Registers {
        fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
            self.pieces.push((start, out.len()));
            for (i, slot) in out.iter_mut().enumerate() {
                *slot = (start + i as u16).wrapping_mul(7);
            }
            Ok(())
        }
    }

    #[test]
    fn a_125_register_read_is_asked_in_pieces_in_order_and_answered_whole() {
        let mut server = server(Registers { pieces: vec![] });
        let request = Request::ReadHoldingRegisters {
            start: 1000,
            quantity: 125,
        };
        let reply = ask(&mut server, &request);
        assert_eq!(&reply[..3], &[1, 0x03, 250]);
        let values: Vec<u16> = reply[3..]
            .chunks(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect();
        let expected: Vec<u16> = (1000..1125u16).map(|a| a.wrapping_mul(7)).collect();
        assert_eq!(values, expected);
        // 7 full pieces of 16, then 13, each starting where the last ended.
        let pieces = &server.handler().pieces;
        assert_eq!(pieces.len(), 125usize.div_ceil(REGISTER_PIECE));
        let mut at = 1000;
        for &(start, len) in pieces {
            assert_eq!(start, at);
            assert!(len <= REGISTER_PIECE);
            at += len as u16;
        }
        assert_eq!(at, 1125);
        assert_eq!(pieces.last(), Some(&(1112, 125 % REGISTER_PIECE)));
    }

    /// Handles FC03 only, by its set; counts every call of any method.
    struct OnlyHolding {
        calls: usize,
    }

    impl Handler for OnlyHolding {
        const FUNCTIONS: Functions = Functions::READ_HOLDING_REGISTERS;

        fn read_holding_registers(&mut self, _: u16, out: &mut [u16]) -> Result<(), Exception> {
            self.calls += 1;
            out.fill(0x1234);
            Ok(())
        }
        fn read_input_registers(&mut self, _: u16, _: &mut [u16]) -> Result<(), Exception> {
            self.calls += 1;
            Ok(())
        }
        fn write_registers(&mut self, _: u16, _: Words<'_>) -> Result<(), Exception> {
            self.calls += 1;
            Ok(())
        }
        fn custom(&mut self, _: u8, _: &[u8], _: &mut [u8]) -> Result<usize, Exception> {
            self.calls += 1;
            Ok(0)
        }
    }

    #[test]
    fn a_function_outside_the_set_is_answered_01_without_the_handler() {
        let mut server = server(OnlyHolding { calls: 0 });
        let read = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 2,
        };
        assert_eq!(
            ask(&mut server, &read),
            [1, 0x03, 4, 0x12, 0x34, 0x12, 0x34]
        );
        assert_eq!(server.handler().calls, 1);
        // Implemented by the handler, but outside its set: never asked.
        let outside = [
            Request::ReadInputRegisters {
                start: 0,
                quantity: 1,
            },
            Request::WriteSingleRegister {
                address: 0,
                value: 1,
            },
            Request::Custom {
                function: 0x41,
                data: &[1, 2],
            },
            // The server's own (FC08, FC0B) are outside it too.
            Request::Diagnostics {
                sub: 0,
                data: &[0xAB],
            },
            Request::GetCommEventCounter,
        ];
        for r in &outside {
            let fc = r.function();
            assert_eq!(ask(&mut server, r), [1, fc | 0x80, 0x01], "{r:?}");
        }
        // A malformed request outside the set: 01 as well, not decoded.
        let mut adu = [1, 0x04, 0, 0, 0, 0, 0, 0];
        let crc = crc16(&adu[..6]).to_le_bytes();
        adu[6..].copy_from_slice(&crc);
        server.process(&adu);
        let reply = server.poll_transmit(Duration::ZERO).unwrap();
        assert_eq!(&reply[..3], &[1, 0x84, 0x01]);
        assert_eq!(server.handler().calls, 1);
        assert_eq!(server.counters().exceptions, 6);
    }

    /// Register `a` holds `a * 7`, as the reply to an FC03 from `start`
    /// of `n` registers says it.
    fn registers_reply(start: u16, n: u16) -> Vec<u8> {
        let mut r = vec![1, 0x03, 2 * n as u8];
        for a in start..start + n {
            r.extend_from_slice(&a.wrapping_mul(7).to_be_bytes());
        }
        let crc = crc16(&r).to_le_bytes();
        r.extend_from_slice(&crc);
        r
    }

    fn fc03(start: u16, quantity: u16) -> Vec<u8> {
        let mut adu = [0u8; 8];
        let r = Request::ReadHoldingRegisters { start, quantity };
        let n = encode_request(1, &r, &mut adu).unwrap();
        adu[..n].to_vec()
    }

    #[test]
    fn a_request_with_bytes_behind_it_is_answered_in_place_and_the_next_one_framed() {
        let mut server = server(Registers { pieces: vec![] });
        // An FC10 announcing 246 bytes that never come, then two requests:
        // they wait behind it until the silence, then come out one by one,
        // the second held behind the first while the first is answered
        // over it.
        let mut bytes = vec![1, 0x10, 0, 0, 0, 0x7B, 0xF6];
        bytes.extend(fc03(0, 2));
        bytes.extend(fc03(10, 3));
        assert_eq!(server.feed(Duration::ZERO, &bytes), bytes.len());
        assert_eq!(server.poll_transmit(Duration::ZERO), None);
        let later = Duration::from_millis(60);
        server.handle_timeout(later);
        let first = server.poll_transmit(later).map(<[u8]>::to_vec);
        assert_eq!(first, Some(registers_reply(0, 2)));
        server.handle_timeout(later);
        let second = server.poll_transmit(later).map(<[u8]>::to_vec);
        assert_eq!(second, Some(registers_reply(10, 3)));
        server.handle_timeout(later);
        assert_eq!(server.poll_transmit(later), None);
        assert_eq!(server.counters().server_messages, 2);
        // The same a byte at a time, and the bytes behind a request that
        // arrives whole are not taken until its reply is out.
        let mut server = super::tests::server(Registers { pieces: vec![] });
        for &b in &bytes {
            assert_eq!(server.feed(Duration::ZERO, &[b]), 1);
        }
        server.handle_timeout(later);
        let first = server.poll_transmit(later).map(<[u8]>::to_vec);
        assert_eq!(first, Some(registers_reply(0, 2)));
        let two = [fc03(20, 1), fc03(30, 2)].concat();
        // The second request is still held: the new bytes wait.
        server.handle_timeout(later);
        let second = server.poll_transmit(later).map(<[u8]>::to_vec);
        assert_eq!(second, Some(registers_reply(10, 3)));
        let t = later * 2;
        assert_eq!(server.feed(t, &two), 8);
        let third = server.poll_transmit(t).map(<[u8]>::to_vec);
        assert_eq!(third, Some(registers_reply(20, 1)));
        assert_eq!(server.feed(t, &two[8..]), 8);
        let fourth = server.poll_transmit(t).map(<[u8]>::to_vec);
        assert_eq!(fourth, Some(registers_reply(30, 2)));
    }

    #[test]
    fn a_reply_that_needs_the_room_of_the_bytes_behind_its_request_drops_them() {
        let mut server = server(Registers { pieces: vec![] });
        let mut bytes = vec![1, 0x10, 0, 0, 0, 0x7B, 0xF6];
        bytes.extend(fc03(0, 125));
        bytes.extend(fc03(10, 3));
        server.feed(Duration::ZERO, &bytes);
        let later = Duration::from_millis(60);
        server.handle_timeout(later);
        let reply = server.poll_transmit(later).map(<[u8]>::to_vec);
        assert_eq!(reply, Some(registers_reply(0, 125)));
        // Its 255 bytes took the place of the request behind it.
        server.handle_timeout(later);
        assert_eq!(server.poll_transmit(later), None);
        assert_eq!(server.framer.discarded(), 7 + 8);
    }

    #[test]
    fn a_request_processed_from_elsewhere_leaves_a_frame_in_progress_whole() {
        let mut server = server(Registers { pieces: vec![] });
        let next = fc03(10, 3);
        assert_eq!(server.feed(Duration::ZERO, &next[..5]), 5);
        server.process(&fc03(0, 2));
        let reply = server.poll_transmit(Duration::ZERO).map(<[u8]>::to_vec);
        assert_eq!(reply, Some(registers_reply(0, 2)));
        assert_eq!(server.feed(Duration::ZERO, &next[5..]), 3);
        let reply = server.poll_transmit(Duration::ZERO).map(<[u8]>::to_vec);
        assert_eq!(reply, Some(registers_reply(10, 3)));
        // Longer than any ADU: a bad frame, counted, no reply.
        server.process(&[1; 300]);
        assert_eq!(server.poll_transmit(Duration::ZERO), None);
        assert_eq!(server.counters().bus_errors, 1);
    }

    #[test]
    fn functions_of_a_pdu() {
        assert_eq!(
            Functions::of(&[0x03, 0, 0]),
            Functions::READ_HOLDING_REGISTERS
        );
        assert_eq!(
            Functions::of(&[0x2B, 0x0E, 1, 0]),
            Functions::READ_DEVICE_ID
        );
        assert_eq!(Functions::of(&[0x2B, 0x0D]), Functions::CUSTOM);
        assert_eq!(Functions::of(&[0x09]), Functions::CUSTOM);
        assert_eq!(Functions::of(&[0x1E]), Functions::CUSTOM);
        assert_eq!(Functions::of(&[0x41]), Functions::CUSTOM);
        assert_eq!(Functions::of(&[0x00]), Functions::empty());
        assert_eq!(Functions::of(&[0x83, 2]), Functions::empty());
        assert_eq!(Functions::of(&[]), Functions::empty());
    }

    #[test]
    fn a_long_coil_read_is_asked_in_pieces_and_packed_in_order() {
        let line = Line::new(9600, Parity::None, 1);
        let mode = Mode::Length {
            silence: Duration::from_millis(50),
        };
        let handler = Pattern { calls: 0 };
        let mut server = Server::new(handler, [1, 0, 0, 0], line, mode, Duration::ZERO);
        let request = Request::ReadCoils {
            start: 0,
            quantity: 2000,
        };
        let mut adu = [0u8; 8];
        let n = encode_request(1, &request, &mut adu).unwrap();
        server.process(&adu[..n]);
        let reply = server.poll_transmit(Duration::ZERO).unwrap().to_vec();
        let mut expected = [0u8; 250];
        for i in (0..2000).step_by(3) {
            expected[i / 8] |= 1 << (i % 8);
        }
        assert_eq!(&reply[..3], &[1, 0x01, 250]);
        assert_eq!(&reply[3..253], &expected[..]);
        assert_eq!(reply.len(), 255);
        assert_eq!(crc16(&reply[..253]).to_le_bytes(), [reply[253], reply[254]]);
        assert_eq!(server.handler().calls, 2000usize.div_ceil(COIL_PIECE));
    }
}
