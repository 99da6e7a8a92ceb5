//! The server's answering core: a request ADU in a buffer in, its reply
//! written over it. [`Server`](super::Server) runs it on the frames its
//! framer finds; firmware that frames requests itself (a DMA transfer
//! ended by the UART's idle-line interrupt, say) runs it directly, as a
//! [`Responder`], and links no framer.

use core::marker::PhantomData;

use super::{Handler, Served};
use crate::{
    BROADCAST, Bits, Exception, Functions, MAX_ADU, Request, Response, Words, crc16, file,
    framer::{Delimiting, Framer, Refused, Sided},
    length::{self, Length},
    pdu::MAX_PDU,
};

use super::{COIL_PIECE, REGISTER_PIECE};

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

/// Where a request lies and its reply is written: a framer's buffer, or
/// the application's own.
pub(crate) trait Buffer {
    /// The buffer's first `n` bytes: the request.
    fn front(&self, n: usize) -> &[u8];
    /// The buffer from its start, for a reply of up to `need` bytes.
    fn reply_room(&mut self, need: usize) -> &mut [u8];
}

impl<S: Sided, M: Delimiting> Buffer for Framer<S, M> {
    #[inline(always)]
    fn front(&self, n: usize) -> &[u8] {
        Framer::front(self, n)
    }

    #[inline(always)]
    fn reply_room(&mut self, need: usize) -> &mut [u8] {
        Framer::reply_room(self, need)
    }
}

impl Buffer for [u8; MAX_ADU] {
    #[inline(always)]
    fn front(&self, n: usize) -> &[u8] {
        self.get(..n).unwrap_or_default()
    }

    #[inline(always)]
    fn reply_room(&mut self, _need: usize) -> &mut [u8] {
        self
    }
}

/// Answers request ADUs framed elsewhere, each in a buffer of
/// [`MAX_ADU`] bytes where its reply is then written: the handler, the
/// addresses (up to four on one bus), the counters and listen-only mode,
/// as a [`Server`](super::Server) keeps them, without its framer.
///
/// ```
/// use modbus_rtu_lite::{Exception, Handler, MAX_ADU, Responder, crc16, server::Functions};
/// use modbus_rtu_lite::length::Length;
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
///
/// let mut responder = Responder::new(Map([7; 8]), [1, 0, 0, 0]);
/// // FC03 to unit 1: registers 0 and 1, as the UART delivered it.
/// let mut buf = [0u8; MAX_ADU];
/// let request = [0x01, 0x03, 0x00, 0x00, 0x00, 0x02, 0xC4, 0x0B];
/// buf[..8].copy_from_slice(&request);
/// // The length a receiver waits for, from the first bytes.
/// assert_eq!(Responder::<Map>::length(&buf[..2]), Length::Exact(8));
/// let n = responder.answer(&mut buf, 8);
/// assert_eq!(buf[..n - 2], [0x01, 0x03, 0x04, 0x00, 0x07, 0x00, 0x07]);
/// assert_eq!(buf[n - 2..n], crc16(&buf[..n - 2]).to_le_bytes());
/// ```
#[derive(Debug, Clone)]
pub struct Responder<H> {
    pub(crate) handler: H,
    pub(crate) addresses: [u8; 4],
    pub(crate) counters: Counters,
    pub(crate) listen_only: bool,
    /// 08/01 was answered: clear the counters once the echo is out.
    pub(crate) restart: bool,
}

/// The addresses, the counters and the diagnostic state; not the handler
/// (the application's, which need not implement `Format`).
#[cfg(feature = "defmt")]
impl<H> defmt::Format for Responder<H> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Responder {{ addresses: {=[u8]}, counters: {}, listen_only: {=bool}, restart: {=bool} }}",
            self.addresses,
            self.counters,
            self.listen_only,
            self.restart
        );
    }
}

impl<H: Handler> Responder<H> {
    /// A responder for `addresses` (1–247; zeros are unused slots).
    pub fn new(handler: H, addresses: [u8; 4]) -> Self {
        Responder {
            handler,
            addresses,
            counters: Counters::default(),
            listen_only: false,
            restart: false,
        }
    }

    /// The application.
    pub fn handler(&mut self) -> &mut H {
        &mut self.handler
    }

    /// The diagnostic counters (all 0 when the handler's
    /// [`COUNTERS`](Handler::COUNTERS) is `false`).
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The length of the request ADU that starts with `head`, as far as
    /// its bytes tell ([`length::request`]), for this handler: a code
    /// outside its [`FUNCTIONS`](Handler::FUNCTIONS) is
    /// [`Length::Unknown`] (only silence ends it; it is answered 01), and
    /// only the named codes' rules are linked.
    pub fn length(head: &[u8]) -> Length {
        length::request_in(head, H::FUNCTIONS)
    }

    /// Answers the request ADU in `buf[..n]` (address to CRC, which is
    /// checked): its reply is written over it from `buf[0]`; the reply's
    /// length, 0 when none is due (a bad CRC, another address, a
    /// broadcast, listen-only mode). The buffer is the whole [`MAX_ADU`]
    /// so that any reply fits.
    pub fn answer(&mut self, buf: &mut [u8; MAX_ADU], n: usize) -> usize {
        self.process(buf, n, false)
    }

    /// Answers the request ADU at the front of `buf` (`n`
    /// bytes) in place, the reply written over it; the reply's length, 0
    /// for none. Out of line: its locals (the decoded request, a read's
    /// piece) are on the stack only while a request is answered, not in
    /// the frame of the loop that feeds the server (88 B less there).
    #[inline(never)]
    pub(crate) fn process<B: Buffer + ?Sized>(
        &mut self,
        buf: &mut B,
        n: usize,
        checked: bool,
    ) -> usize {
        let len = self.respond(buf, n, checked);
        // A restart (08/01) clears the counters after its echo (AP §6.8.1).
        if H::FUNCTIONS.contains(Functions::DIAGNOSTICS) && core::mem::take(&mut self.restart) {
            self.counters = Counters::default();
        }
        len
    }

    /// Counts one in the counter `which` picks, if the handler keeps them.
    #[inline(always)]
    pub(crate) fn count(&mut self, which: impl FnOnce(&mut Counters) -> &mut u16) {
        if H::COUNTERS {
            let c = which(&mut self.counters);
            *c = c.wrapping_add(1);
        }
    }

    /// The request is read where it lies, and each reply is written over
    /// it only once what it needs of the request has been taken (the
    /// fields of a read; a write's values, which the handler has been
    /// given by then): `buf.reply_room(need)` hands out the buffer for
    /// a reply of up to `need` bytes. The address byte, and the request's
    /// first bytes that a write's reply echoes, are already in place.
    fn respond<B: Buffer + ?Sized>(&mut self, buf: &mut B, n: usize, checked: bool) -> usize {
        self.count(|c| &mut c.bus_messages);
        // Its CRC checked unless `checked` already.
        let (address, pdu) = match crate::frame::parts(buf.front(n), !checked) {
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
                self.diagnostics(sub, len, pdu_room(buf.reply_room(8)))
            }
            Ok(_) if listening => None,
            // Written straight into the reply: no array of 2000 flags or
            // copy of the packed bytes on the stack.
            Ok(
                Request::ReadCoils { start, quantity }
                | Request::ReadDiscreteInputs { start, quantity },
            ) if on(Functions::READ_COILS | Functions::READ_DISCRETE_INPUTS) => {
                let room = buf.reply_room(5 + usize::from(quantity).div_ceil(8));
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
                let room = buf.reply_room(5 + 2 * usize::from(quantity));
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
                        let room = buf.reply_room(5 + 2 * usize::from(read_quantity));
                        let h = &mut self.handler;
                        read_registers(h, 0x17, read_start, read_quantity, pdu_room(room))
                    }
                    Err(e) => Err(e),
                })
            }
            // The rest are rare: the whole buffer for their replies.
            Ok(Request::ReadExceptionStatus) if on(Functions::READ_EXCEPTION_STATUS) => {
                Some(self.handler.read_exception_status().and_then(|status| {
                    let out = pdu_room(buf.reply_room(MAX_ADU));
                    encode(out, &Response::ReadExceptionStatus(status))
                }))
            }
            Ok(Request::GetCommEventCounter) if on(Functions::GET_COMM_EVENT_COUNTER) => {
                let r = Response::GetCommEventCounter {
                    status: 0,
                    count: self.counters.events,
                };
                Some(encode(pdu_room(buf.reply_room(MAX_ADU)), &r))
            }
            Ok(Request::GetCommEventLog) if on(Functions::GET_COMM_EVENT_LOG) => {
                let r = Response::GetCommEventLog {
                    status: 0,
                    event_count: self.counters.events,
                    message_count: self.counters.bus_messages,
                    events: &[],
                };
                Some(encode(pdu_room(buf.reply_room(MAX_ADU)), &r))
            }
            Ok(Request::ReportServerId) if on(Functions::REPORT_SERVER_ID) => {
                let out = pdu_room(buf.reply_room(MAX_ADU));
                Some(report_server_id(&mut self.handler, out))
            }
            Ok(Request::ReadFifoQueue { pointer }) if on(Functions::READ_FIFO_QUEUE) => {
                let out = pdu_room(buf.reply_room(MAX_ADU));
                Some(read_fifo_queue(&mut self.handler, pointer, out))
            }
            Ok(Request::ReadDeviceId { read_code, object }) if on(Functions::READ_DEVICE_ID) => {
                let out = pdu_room(buf.reply_room(MAX_ADU));
                Some(self.device_id(read_code, object, out))
            }
            // These two read their request's data from the reply's room,
            // where it lies, copying it first.
            Ok(Request::Custom { function, .. }) if on(Functions::CUSTOM) => {
                let out = pdu_room(buf.reply_room(MAX_ADU));
                Some(custom(&mut self.handler, function, len, out))
            }
            Ok(Request::ReadFileRecord { .. }) if on(Functions::READ_FILE_RECORD) => {
                let out = pdu_room(buf.reply_room(MAX_ADU));
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
            Err(code) => match pdu_room(buf.reply_room(5)).get_mut(..2) {
                Some(pdu) => {
                    pdu.copy_from_slice(&[function | 0x80, code.code()]);
                    2
                }
                None => return 0,
            },
        };
        // The address is in place, the request's own; the CRC follows.
        let room = buf.reply_room(3 + pdu_len);
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
