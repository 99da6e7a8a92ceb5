//! Server side: a request parser and response builder around a small trait
//! the application implements for its data.
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
    BROADCAST, Bits, Exception, Line, MAX_ADU, Request, Response, Words, crc16, file,
    framer::{Delimiting, Framer, Mode, Refused, Side, Sided},
    pdu::MAX_PDU,
    timing::{t15_micros, t35_micros},
};

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

/// The function codes that may be broadcast (SL §2.1): the writes. (FC08's
/// broadcastable sub-functions are the server's own.)
const BROADCASTABLE: Functions = Functions::WRITE_SINGLE_COIL
    .union(Functions::WRITE_SINGLE_REGISTER)
    .union(Functions::WRITE_MULTIPLE_COILS)
    .union(Functions::WRITE_MULTIPLE_REGISTERS)
    .union(Functions::WRITE_FILE_RECORD)
    .union(Functions::MASK_WRITE_REGISTER);

/// The FC08 counters (AP §6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Counters {
    /// 0B: messages seen on the bus.
    pub bus_messages: u16,
    /// 0C: CRC errors.
    pub bus_errors: u16,
    /// 0D: exception replies sent.
    pub exceptions: u16,
    /// 0E: messages to us (or broadcast) processed.
    pub server_messages: u16,
    /// 0F: messages to us that got no reply.
    pub no_response: u16,
    /// 12: character overruns.
    pub overruns: u16,
    /// FC0B event counter: successful messages.
    pub events: u16,
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
    core: Core<H>,
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

/// Everything but the framer and the reply, so that a request borrowed
/// from the one is answered into the other.
#[derive(Debug, Clone)]
struct Core<H> {
    handler: H,
    addresses: [u8; 4],
    counters: Counters,
    listen_only: bool,
    /// 08/01 was answered: clear the counters once the echo is out.
    restart: bool,
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
            core: Core {
                handler,
                addresses,
                counters: Counters::default(),
                listen_only: false,
                restart: false,
            },
        }
    }

    /// The application.
    pub fn handler(&mut self) -> &mut H {
        &mut self.core.handler
    }

    /// The diagnostic counters (all 0 when the handler's
    /// [`COUNTERS`](Handler::COUNTERS) is `false`).
    pub fn counters(&self) -> Counters {
        self.core.counters
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
            self.tx_len = self.core.process(&mut self.framer, n, checked);
        }
    }

    /// Processes one ADU (already framed) and prepares its reply, if any.
    /// (A gateway or a test that frames requests itself calls this
    /// instead of [`feed`](Self::feed).) The ADU is copied into the
    /// framer's buffer, where the reply is written over it; bytes the
    /// framer holds are kept, unless the two do not fit beside them.
    pub fn process(&mut self, adu: &[u8]) {
        self.tx_len = match self.framer.load(adu) {
            Some(n) => self.core.process(&mut self.framer, n, false),
            // Longer than any ADU: a bad frame, as `split` would say.
            None => {
                self.core.count(|c| &mut c.bus_messages);
                self.core.count(|c| &mut c.bus_errors);
                0
            }
        };
    }
}

impl<H: Handler> Core<H> {
    /// Answers the request ADU at the front of `framer`'s buffer (`n`
    /// bytes) in place, the reply written over it; the reply's length, 0
    /// for none. Out of line: its locals (the decoded request, a read's
    /// piece) are on the stack only while a request is answered, not in
    /// the frame of the loop that feeds the server (88 B less there).
    #[inline(never)]
    fn process<M: Delimiting>(
        &mut self,
        framer: &mut Framer<Served<H>, M>,
        n: usize,
        checked: bool,
    ) -> usize {
        let len = self.respond(framer, n, checked);
        // A restart (08/01) clears the counters after its echo (AP §6.8.1).
        if H::FUNCTIONS.contains(Functions::DIAGNOSTICS) && core::mem::take(&mut self.restart) {
            self.counters = Counters::default();
        }
        len
    }

    /// Counts one in the counter `which` picks, if the handler keeps them.
    #[inline(always)]
    fn count(&mut self, which: impl FnOnce(&mut Counters) -> &mut u16) {
        if H::COUNTERS {
            let c = which(&mut self.counters);
            *c = c.wrapping_add(1);
        }
    }

    /// The request is read where it lies, and each reply is written over
    /// it only once what it needs of the request has been taken (the
    /// fields of a read; a write's values, which the handler has been
    /// given by then): `framer.reply_room(need)` hands out the buffer for
    /// a reply of up to `need` bytes. The address byte, and the request's
    /// first bytes that a write's reply echoes, are already in place.
    fn respond<M: Delimiting>(
        &mut self,
        framer: &mut Framer<Served<H>, M>,
        n: usize,
        checked: bool,
    ) -> usize {
        self.count(|c| &mut c.bus_messages);
        // Its CRC checked unless `checked` already.
        let (address, pdu) = match crate::frame::parts(framer.front(n), !checked) {
            Some(x) => x,
            None => {
                self.count(|c| &mut c.bus_errors);
                return 0;
            }
        };
        let broadcast = address == BROADCAST;
        if !broadcast && !self.addresses.contains(&address) || address > 247 {
            return 0;
        }
        self.count(|c| &mut c.server_messages);
        let function = pdu.first().copied().unwrap_or(0);
        let len = pdu.len();
        let asked = Functions::of(pdu);
        // Each function code's arm is guarded by its flag in
        // `H::FUNCTIONS`, a constant, so the arms of the others fold away
        // (they are never decoded: `Request::decode_in`).
        let on = |f: Functions| H::FUNCTIONS.intersects(f);
        // Only FC08 turns listen-only on: without it, the flag is constant.
        let listening = on(Functions::DIAGNOSTICS) && self.listen_only;
        let reply = match crate::framer::decode_request(Served::<H>(PhantomData), pdu) {
            // A broadcast read is dropped without effect.
            Ok(r) if broadcast && !r.broadcastable() => None,
            Ok(Request::Diagnostics { sub, .. }) if on(Functions::DIAGNOSTICS) => {
                self.diagnostics(sub, len, pdu_room(framer.reply_room(8)))
            }
            Ok(_) if listening => None,
            // Written straight into the reply: no array of 2000 flags or
            // copy of the packed bytes on the stack.
            Ok(
                Request::ReadCoils { start, quantity }
                | Request::ReadDiscreteInputs { start, quantity },
            ) if on(Functions::READ_COILS | Functions::READ_DISCRETE_INPUTS) => {
                let room = framer.reply_room(5 + usize::from(quantity).div_ceil(8));
                Some(read_coils(
                    &mut self.handler,
                    function,
                    start,
                    quantity,
                    pdu_room(room),
                ))
            }
            Ok(
                Request::ReadHoldingRegisters { start, quantity }
                | Request::ReadInputRegisters { start, quantity },
            ) if on(Functions::READ_HOLDING_REGISTERS | Functions::READ_INPUT_REGISTERS) => {
                let room = framer.reply_room(5 + 2 * usize::from(quantity));
                Some(read_registers(
                    &mut self.handler,
                    function,
                    start,
                    quantity,
                    pdu_room(room),
                ))
            }
            // The writes' replies are the request's first bytes (function,
            // address or start, value or quantity; AP §6.5, 6.6, 6.11,
            // 6.12, 6.16), already in place: nothing encoded or copied.
            Ok(Request::WriteSingleCoil { address, value }) if on(Functions::WRITE_SINGLE_COIL) => {
                let bits = [u8::from(value)];
                Some(
                    self.handler
                        .write_coils(address, Bits::new(&bits, 1))
                        .map(|()| 5),
                )
            }
            Ok(Request::WriteSingleRegister { address, value })
                if on(Functions::WRITE_SINGLE_REGISTER) =>
            {
                let bytes = value.to_be_bytes();
                Some(
                    self.handler
                        .write_registers(address, Words::new(&bytes))
                        .map(|()| 5),
                )
            }
            Ok(Request::WriteMultipleCoils { start, coils })
                if on(Functions::WRITE_MULTIPLE_COILS) =>
            {
                Some(self.handler.write_coils(start, coils).map(|()| 5))
            }
            Ok(Request::WriteMultipleRegisters { start, values })
                if on(Functions::WRITE_MULTIPLE_REGISTERS) =>
            {
                Some(self.handler.write_registers(start, values).map(|()| 5))
            }
            Ok(Request::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            }) if on(Functions::MASK_WRITE_REGISTER) => {
                let h = &mut self.handler;
                Some(mask_write_register(h, address, and_mask, or_mask).map(|()| 7))
            }
            // The response is the request (AP §6.15).
            Ok(Request::WriteFileRecord { groups }) if on(Functions::WRITE_FILE_RECORD) => {
                Some(write_file_record(&mut self.handler, groups).map(|()| len))
            }
            Ok(Request::ReadWriteMultipleRegisters {
                read_start,
                read_quantity,
                write_start,
                values,
            }) if on(Functions::READ_WRITE_MULTIPLE_REGISTERS) => {
                // The write is done before the read (AP §6.17).
                Some(match self.handler.write_registers(write_start, values) {
                    Ok(()) => {
                        let room = framer.reply_room(5 + 2 * usize::from(read_quantity));
                        let h = &mut self.handler;
                        read_registers(h, 0x17, read_start, read_quantity, pdu_room(room))
                    }
                    Err(e) => Err(e),
                })
            }
            // The rest are rare: the whole buffer for their replies.
            Ok(Request::ReadExceptionStatus) if on(Functions::READ_EXCEPTION_STATUS) => {
                Some(self.handler.read_exception_status().and_then(|status| {
                    let out = pdu_room(framer.reply_room(MAX_ADU));
                    encode(out, &Response::ReadExceptionStatus(status))
                }))
            }
            Ok(Request::GetCommEventCounter) if on(Functions::GET_COMM_EVENT_COUNTER) => {
                let r = Response::GetCommEventCounter {
                    status: 0,
                    count: self.counters.events,
                };
                Some(encode(pdu_room(framer.reply_room(MAX_ADU)), &r))
            }
            Ok(Request::GetCommEventLog) if on(Functions::GET_COMM_EVENT_LOG) => {
                let r = Response::GetCommEventLog {
                    status: 0,
                    event_count: self.counters.events,
                    message_count: self.counters.bus_messages,
                    events: &[],
                };
                Some(encode(pdu_room(framer.reply_room(MAX_ADU)), &r))
            }
            Ok(Request::ReportServerId) if on(Functions::REPORT_SERVER_ID) => {
                let out = pdu_room(framer.reply_room(MAX_ADU));
                Some(report_server_id(&mut self.handler, out))
            }
            Ok(Request::ReadFifoQueue { pointer }) if on(Functions::READ_FIFO_QUEUE) => {
                let out = pdu_room(framer.reply_room(MAX_ADU));
                Some(read_fifo_queue(&mut self.handler, pointer, out))
            }
            Ok(Request::ReadDeviceId { read_code, object }) if on(Functions::READ_DEVICE_ID) => {
                let out = pdu_room(framer.reply_room(MAX_ADU));
                Some(self.device_id(read_code, object, out))
            }
            // These two read their request's data from the reply's room,
            // where it lies, copying it first.
            Ok(Request::Custom { function, .. }) if on(Functions::CUSTOM) => {
                let out = pdu_room(framer.reply_room(MAX_ADU));
                Some(custom(&mut self.handler, function, len, out))
            }
            Ok(Request::ReadFileRecord { .. }) if on(Functions::READ_FILE_RECORD) => {
                let out = pdu_room(framer.reply_room(MAX_ADU));
                Some(read_file_record(&mut self.handler, len, out))
            }
            // FC08 without its flag, never decoded; the rest are outside
            // `H::FUNCTIONS`, never decoded either.
            Ok(_) => Some(Err(Exception::IllegalFunction)),
            // A code outside a narrowed set, answered as a valid request
            // the handler's default method refuses would be: dropped when
            // broadcast (unless a write) or in listen-only mode.
            Err(Refused::Function)
                if !H::FUNCTIONS.contains(Functions::all())
                    && !asked.is_empty()
                    && (broadcast && !BROADCASTABLE.intersects(asked) || listening) =>
            {
                None
            }
            Err(Refused::Function) => Some(Err(Exception::IllegalFunction)),
            Err(Refused::Malformed) => Some(Err(Exception::IllegalDataValue)),
        };
        let Some(reply) = reply else {
            self.count(|c| &mut c.no_response);
            return 0;
        };
        if broadcast || listening {
            return 0;
        }
        let pdu_len = match reply {
            Ok(len) => len,
            Err(code) => match pdu_room(framer.reply_room(5)).get_mut(..2) {
                Some(pdu) => {
                    pdu.copy_from_slice(&[function | 0x80, code.code()]);
                    2
                }
                None => return 0,
            },
        };
        // The address is in place, the request's own; the CRC follows.
        let room = framer.reply_room(3 + pdu_len);
        let Some(crc) = room.get(..1 + pdu_len).map(crc16) else {
            return 0;
        };
        let Some(slot) = room.get_mut(1 + pdu_len..3 + pdu_len) else {
            return 0;
        };
        slot.copy_from_slice(&crc.to_le_bytes());
        match reply {
            Err(_) => self.count(|c| &mut c.exceptions),
            // FC0B does not count itself (AP §6.9).
            Ok(_) if function == 0x0B => {}
            Ok(_) => self.count(|c| &mut c.events),
        }
        3 + pdu_len
    }

    /// FC08 (its request PDU, `len` bytes, in `out`): the reply, written
    /// over it; `None` when no reply is due. Most sub-functions echo the
    /// request, which is in place already; a counter replaces its data.
    fn diagnostics(
        &mut self,
        sub: u16,
        len: usize,
        out: &mut [u8],
    ) -> Option<Result<usize, Exception>> {
        if self.listen_only && sub != 0x01 {
            return None;
        }
        let c = self.counters;
        let counter = match sub {
            0x00 | 0x03 => return Some(Ok(len)),
            // Restart: echoed first, unless it ends listen-only mode, which
            // it does silently; the counters are cleared either way.
            0x01 => {
                let was_listening = self.listen_only;
                self.listen_only = false;
                self.restart = true;
                return (!was_listening).then_some(Ok(len));
            }
            0x04 => {
                self.listen_only = true;
                return None;
            }
            0x0A => {
                self.counters = Counters::default();
                return Some(Ok(len));
            }
            0x14 => {
                self.counters.overruns = 0;
                return Some(Ok(len));
            }
            0x02 | 0x10 | 0x11 => 0,
            0x0B => c.bus_messages,
            0x0C => c.bus_errors,
            0x0D => c.exceptions,
            0x0E => c.server_messages,
            0x0F => c.no_response,
            0x12 => c.overruns,
            _ => return Some(Err(Exception::IllegalFunction)),
        };
        // Function and sub-function in place, then the counter.
        match out.get_mut(3..5) {
            Some(slot) => slot.copy_from_slice(&counter.to_be_bytes()),
            None => return Some(Err(Exception::ServerDeviceFailure)),
        }
        Some(Ok(5))
    }

    /// FC2B/0E: basic (0–2), regular (0–6), extended (0–255) stream, or one object.
    /// Out of line, as the other rare functions' (below): their buffers
    /// would otherwise be part of every request's stack frame.
    #[inline(never)]
    fn device_id(&mut self, read_code: u8, object: u8, out: &mut [u8]) -> Result<usize, Exception> {
        let last = match read_code {
            1 => 2,
            2 => 6,
            _ => 255,
        };
        let mut list = [0u8; 240];
        let mut used = 0;
        let mut count = 0u8;
        let mut more = false;
        let mut next = 0u8;
        if read_code == 4 {
            let v = self
                .handler
                .device_id_object(object)
                .ok_or(Exception::IllegalDataAddress)?;
            used = put_object(&mut list, 0, object, v).ok_or(Exception::ServerDeviceFailure)?;
            count = 1;
        } else {
            // Stream access: an unknown start restarts at object 0.
            let first = if self.handler.device_id_object(object).is_some() && object <= last {
                object
            } else {
                0
            };
            for id in first..=last {
                let Some(v) = self.handler.device_id_object(id) else {
                    continue;
                };
                match put_object(&mut list, used, id, v) {
                    Some(n) => {
                        used = n;
                        count += 1;
                    }
                    None => {
                        more = true;
                        next = id;
                        break;
                    }
                }
            }
        }
        let conformity = 0x83;
        let id = crate::DeviceId::new(
            read_code,
            conformity,
            more,
            next,
            list.get(..used).unwrap_or_default(),
            count,
        );
        encode(out, &Response::ReadDeviceId(id))
    }
}

fn put_object(list: &mut [u8], at: usize, id: u8, value: &[u8]) -> Option<usize> {
    let len = u8::try_from(value.len()).ok()?;
    let end = at + 2 + value.len();
    let slot = list.get_mut(at..end)?;
    let (head, body) = slot.split_at_mut(2);
    head.copy_from_slice(&[id, len]);
    body.copy_from_slice(value);
    Some(end)
}

// The rarer functions that need buffers of their own, each out of line so
// that its buffer is on the stack only while it runs, not in the frame of
// every request (`execute`'s frame is its largest arm's).

/// FC11 into `out`.
#[inline(never)]
fn report_server_id<H: Handler>(h: &mut H, out: &mut [u8]) -> Result<usize, Exception> {
    let mut bytes = [0u8; 250];
    let n = h.report_server_id(&mut bytes)?;
    encode(
        out,
        &Response::ReportServerId(bytes.get(..n).unwrap_or_default()),
    )
}

/// FC18 into `out`.
#[inline(never)]
fn read_fifo_queue<H: Handler>(
    h: &mut H,
    pointer: u16,
    out: &mut [u8],
) -> Result<usize, Exception> {
    let mut q = [0u16; 31];
    let n = h.read_fifo_queue(pointer, &mut q)?.min(31);
    let mut bytes = [0u8; 62];
    let m = pack(q.get(..n).unwrap_or_default(), &mut bytes);
    encode(
        out,
        &Response::ReadFifoQueue(Words::new(bytes.get(..m).unwrap_or_default())),
    )
}

/// A custom function code's request PDU (`len` bytes in `out`) answered
/// over it: its data is copied out first, and the handler writes the
/// reply's data straight into `out`, after the function code.
#[inline(never)]
fn custom<H: Handler>(
    h: &mut H,
    function: u8,
    len: usize,
    out: &mut [u8],
) -> Result<usize, Exception> {
    let mut data = [0u8; MAX_PDU - 1];
    let from = out.get(1..len).unwrap_or_default();
    let data = data.get_mut(..from.len()).unwrap_or_default();
    data.copy_from_slice(from);
    let (head, body) = out
        .split_first_mut()
        .ok_or(Exception::ServerDeviceFailure)?;
    *head = function;
    let n = h.custom(function, data, body)?;
    if n > body.len() {
        return Err(Exception::ServerDeviceFailure);
    }
    Ok(1 + n)
}

/// FC14, its request PDU (`len` bytes in `out`) answered over it: its
/// groups are copied out first. Each response group: length, reference
/// type 6, data; the whole must fit the response's byte count (at most
/// 0xF5). Written in place after the function code and byte count.
#[inline(never)]
fn read_file_record<H: Handler>(h: &mut H, len: usize, out: &mut [u8]) -> Result<usize, Exception> {
    let mut copy = [0u8; MAX_PDU - 2];
    let from = out.get(2..len).unwrap_or_default();
    let groups = copy.get_mut(..from.len()).unwrap_or_default();
    groups.copy_from_slice(from);
    let groups = &*groups;
    let (head, body) = out
        .split_at_mut_checked(2)
        .ok_or(Exception::ServerDeviceFailure)?;
    let cap = body.len().min(0xF5);
    let body = body.get_mut(..cap).unwrap_or_default();
    let mut n = 0;
    for r in file::read_requests(groups) {
        if !r.in_spec() {
            return Err(Exception::IllegalDataAddress);
        }
        let len = usize::from(r.length);
        let group = body
            .get_mut(n..n + 2 + 2 * len)
            .ok_or(Exception::IllegalDataValue)?;
        let (group_head, data) = group.split_at_mut(2);
        group_head.copy_from_slice(&[(1 + 2 * len) as u8, 6]);
        read_pieces(data, r.record, |at, s| h.read_file_record(r.file, at, s))?;
        n += 2 + 2 * len;
    }
    head.copy_from_slice(&[0x14, n as u8]);
    Ok(2 + n)
}

/// The reply PDU's room in `room` (the buffer from the request's address
/// byte): after the address, leaving two bytes for the CRC.
fn pdu_room(room: &mut [u8]) -> &mut [u8] {
    let end = room.len().saturating_sub(2);
    room.get_mut(1..end).unwrap_or_default()
}

/// FC01 (or FC02, by `function`) into `out`, asked in pieces of
/// [`COIL_PIECE`], in order (see [`Handler`]).
fn read_coils<H: Handler>(
    h: &mut H,
    function: u8,
    start: u16,
    quantity: u16,
    out: &mut [u8],
) -> Result<usize, Exception> {
    let data = counted(out, function, usize::from(quantity).div_ceil(8))?;
    let mut piece = [false; COIL_PIECE];
    for (k, bytes) in data.chunks_mut(COIL_PIECE / 8).enumerate() {
        let done = k * COIL_PIECE;
        let n = usize::from(quantity).saturating_sub(done).min(COIL_PIECE);
        let slots = piece.get_mut(..n).unwrap_or_default();
        // `done` < 2000: the quantity was checked by decode.
        let at = start.wrapping_add(done as u16);
        if function == 0x01 {
            h.read_coils(at, slots)?;
        } else {
            h.read_discrete_inputs(at, slots)?;
        }
        // Each byte whole, first coil in bit 0, the last byte's unused
        // bits 0: no clearing of `data` first (a call to `memset`).
        for (byte, bits) in bytes.iter_mut().zip(slots.chunks(8)) {
            *byte = bits.iter().rev().fold(0, |b, &on| b << 1 | u8::from(on));
        }
    }
    Ok(2 + data.len())
}

/// FC03, FC04 or FC17's read (by `function`) into `out`: asked in
/// pieces, packed straight into `out`.
fn read_registers<H: Handler>(
    h: &mut H,
    function: u8,
    start: u16,
    quantity: u16,
    out: &mut [u8],
) -> Result<usize, Exception> {
    let data = counted(out, function, 2 * usize::from(quantity))?;
    if function == 0x04 {
        read_pieces(data, start, |at, s| h.read_input_registers(at, s))?;
    } else {
        read_pieces(data, start, |at, s| h.read_holding_registers(at, s))?;
    }
    Ok(2 + data.len())
}

/// FC16: the register read, masked and written back.
fn mask_write_register<H: Handler>(
    h: &mut H,
    address: u16,
    and_mask: u16,
    or_mask: u16,
) -> Result<(), Exception> {
    let mut cur = [0u16; 1];
    h.read_holding_registers(address, &mut cur)?;
    let [current] = cur;
    let v = (current & and_mask) | (or_mask & !and_mask);
    h.write_registers(address, Words::new(&v.to_be_bytes()))
}

/// FC15: every group checked against the spec's ranges, then written in
/// order.
fn write_file_record<H: Handler>(h: &mut H, groups: &[u8]) -> Result<(), Exception> {
    for (r, _) in file::write_groups(groups) {
        if !r.in_spec() {
            return Err(Exception::IllegalDataAddress);
        }
    }
    for (r, values) in file::write_groups(groups) {
        h.write_file_record(r.file, r.record, values)?;
    }
    Ok(())
}

/// Fills `data` (big-endian words) from `start` by `read`, asked
/// [`REGISTER_PIECE`] registers at a time, in order.
fn read_pieces(
    data: &mut [u8],
    start: u16,
    mut read: impl FnMut(u16, &mut [u16]) -> Result<(), Exception>,
) -> Result<(), Exception> {
    let mut piece = Aligned([0u16; REGISTER_PIECE]);
    for (k, bytes) in data.chunks_mut(2 * REGISTER_PIECE).enumerate() {
        let slots = piece.0.get_mut(..bytes.len() / 2).unwrap_or_default();
        // At most 125 registers: the offset fits a u16.
        read(start.wrapping_add((k * REGISTER_PIECE) as u16), slots)?;
        pack(slots, bytes);
    }
    Ok(())
}

/// A buffer aligned as the framer's: zeroing it is then a call to the
/// `memclr8` that zeroes the framer's buffer, not to a `memclr4` of its
/// own (174 B of code).
#[repr(align(8))]
struct Aligned<T>(T);

fn pack(regs: &[u16], out: &mut [u8]) -> usize {
    let mut n = 0;
    for (r, dst) in regs.iter().zip(out.chunks_exact_mut(2)) {
        dst.copy_from_slice(&r.to_be_bytes());
        n += 2;
    }
    n
}

/// Writes a counted response's function code and byte count into `out`;
/// the `len` bytes after them, for the data.
fn counted(out: &mut [u8], function: u8, len: usize) -> Result<&mut [u8], Exception> {
    let count = u8::try_from(len).map_err(|_| Exception::ServerDeviceFailure)?;
    let (head, rest) = out
        .split_at_mut_checked(2)
        .ok_or(Exception::ServerDeviceFailure)?;
    head.copy_from_slice(&[function, count]);
    rest.get_mut(..len).ok_or(Exception::ServerDeviceFailure)
}

fn encode(out: &mut [u8], r: &Response<'_>) -> Result<usize, Exception> {
    r.encode(out).map_err(|_| Exception::ServerDeviceFailure)
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
            self.core.addresses,
            self.core.counters,
            self.core.listen_only,
            self.core.restart
        );
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::{Parity, encode_request};
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
