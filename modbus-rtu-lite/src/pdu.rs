//! PDUs (AP §6): requests and responses for every standard function code,
//! custom codes raw, exceptions as values. Data borrows from the frame.
//!
//! Every limit of the spec is checked when decoding: what a conformant
//! peer cannot send is refused. Encoding a request checks the same limits
//! first ([`Request::validate`]), so a client never sends what a server
//! must refuse. A response is written as given: the server builds only
//! conformant ones, and a simulator may want to send a broken one.

use proto_core::Writer;

use crate::{Bits, Error, Exception, Functions, Words};

/// Largest PDU: 253 bytes (a 256-byte ADU less address and CRC).
pub const MAX_PDU: usize = 253;

/// A request PDU.
///
/// With feature `serde`, serialised by variant name in snake_case;
/// [`Words`] and [`Bits`] as sequences of values, other data as bytes,
/// file record groups as their typed groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Request<'a> {
    /// 0x01.
    ReadCoils {
        /// First coil (0-based).
        start: u16,
        /// 1..=2000.
        quantity: u16,
    },
    /// 0x02.
    ReadDiscreteInputs {
        /// First input.
        start: u16,
        /// 1..=2000.
        quantity: u16,
    },
    /// 0x03.
    ReadHoldingRegisters {
        /// First register.
        start: u16,
        /// 1..=125.
        quantity: u16,
    },
    /// 0x04.
    ReadInputRegisters {
        /// First register.
        start: u16,
        /// 1..=125.
        quantity: u16,
    },
    /// 0x05 (the wire value is 0xFF00 or 0x0000).
    WriteSingleCoil {
        /// Coil.
        address: u16,
        /// On or off.
        value: bool,
    },
    /// 0x06.
    WriteSingleRegister {
        /// Register.
        address: u16,
        /// Value.
        value: u16,
    },
    /// 0x07 (serial only).
    ReadExceptionStatus,
    /// 0x08 (serial only): sub-function and data (sub-function 00 takes any length).
    Diagnostics {
        /// Sub-function.
        sub: u16,
        /// Data.
        data: &'a [u8],
    },
    /// 0x0B (serial only).
    GetCommEventCounter,
    /// 0x0C (serial only).
    GetCommEventLog,
    /// 0x0F: coils 1..=1968.
    WriteMultipleCoils {
        /// First coil.
        start: u16,
        /// The values.
        coils: Bits<'a>,
    },
    /// 0x10: registers 1..=123.
    WriteMultipleRegisters {
        /// First register.
        start: u16,
        /// The values.
        values: Words<'a>,
    },
    /// 0x11 (serial only).
    ReportServerId,
    /// 0x14: sub-requests of 7 bytes (`06, file, record, length`), raw.
    ReadFileRecord {
        /// The sub-requests.
        #[cfg_attr(
            feature = "serde",
            serde(serialize_with = "crate::impls::file_read_requests")
        )]
        groups: &'a [u8],
    },
    /// 0x15: groups (`06, file, record, length, data`), raw.
    WriteFileRecord {
        /// The groups.
        #[cfg_attr(
            feature = "serde",
            serde(serialize_with = "crate::impls::file_write_groups")
        )]
        groups: &'a [u8],
    },
    /// 0x16.
    MaskWriteRegister {
        /// Register.
        address: u16,
        /// AND mask.
        and_mask: u16,
        /// OR mask.
        or_mask: u16,
    },
    /// 0x17: the write happens before the read.
    ReadWriteMultipleRegisters {
        /// First register to read.
        read_start: u16,
        /// 1..=125.
        read_quantity: u16,
        /// First register to write.
        write_start: u16,
        /// 1..=121 values.
        values: Words<'a>,
    },
    /// 0x18.
    ReadFifoQueue {
        /// FIFO pointer address.
        pointer: u16,
    },
    /// 0x2B / 0x0E.
    ReadDeviceId {
        /// 1 basic, 2 regular, 3 extended (stream), 4 one object.
        read_code: u8,
        /// First (or only) object.
        object: u8,
    },
    /// Any other function code (user-defined 65–72, 100–110, vendor codes).
    Custom {
        /// Function code, 1..=127.
        function: u8,
        /// Data.
        data: &'a [u8],
    },
}

/// Device identification objects (FC 2B/0E response).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceId<'a> {
    /// Read code echoed.
    pub read_code: u8,
    /// Conformity level.
    pub conformity: u8,
    /// 0xFF when more objects follow, 0x00 otherwise (kept as sent).
    pub more_follows: u8,
    /// Where the next request starts.
    pub next_object: u8,
    objects: &'a [u8],
    count: u8,
}

impl<'a> DeviceId<'a> {
    /// Whether more objects follow.
    pub fn more(&self) -> bool {
        self.more_follows == 0xFF
    }

    /// The objects: (id, value).
    pub fn objects(&self) -> impl Iterator<Item = (u8, &'a [u8])> {
        let mut rest = self.objects;
        (0..self.count).map_while(move |_| {
            let (&id, r) = rest.split_first()?;
            let (&len, r) = r.split_first()?;
            let (value, r) = r.split_at_checked(usize::from(len))?;
            rest = r;
            Some((id, value))
        })
    }

    /// A response listing `objects` (already laid out as id, len, value).
    pub fn new(
        read_code: u8,
        conformity: u8,
        more_follows: bool,
        next_object: u8,
        objects: &'a [u8],
        count: u8,
    ) -> Self {
        DeviceId {
            read_code,
            conformity,
            more_follows: if more_follows { 0xFF } else { 0 },
            next_object,
            objects,
            count,
        }
    }
}

/// A response PDU.
///
/// With feature `serde`, serialised like [`Request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Response<'a> {
    /// 0x01: bits, 8 per byte (the request's quantity says how many count).
    ReadCoils(Bits<'a>),
    /// 0x02.
    ReadDiscreteInputs(Bits<'a>),
    /// 0x03.
    ReadHoldingRegisters(Words<'a>),
    /// 0x04.
    ReadInputRegisters(Words<'a>),
    /// 0x05 echo.
    WriteSingleCoil {
        /// Coil.
        address: u16,
        /// Value.
        value: bool,
    },
    /// 0x06 echo.
    WriteSingleRegister {
        /// Register.
        address: u16,
        /// Value.
        value: u16,
    },
    /// 0x07.
    ReadExceptionStatus(u8),
    /// 0x08: echo or counter.
    Diagnostics {
        /// Sub-function.
        sub: u16,
        /// Data.
        data: &'a [u8],
    },
    /// 0x0B.
    GetCommEventCounter {
        /// 0xFFFF busy, 0x0000 ready.
        status: u16,
        /// Event count.
        count: u16,
    },
    /// 0x0C.
    GetCommEventLog {
        /// Status word.
        status: u16,
        /// Event count.
        event_count: u16,
        /// Message count.
        message_count: u16,
        /// 0–64 events, the most recent first.
        events: &'a [u8],
    },
    /// 0x0F.
    WriteMultipleCoils {
        /// First coil.
        start: u16,
        /// Quantity written.
        quantity: u16,
    },
    /// 0x10.
    WriteMultipleRegisters {
        /// First register.
        start: u16,
        /// Quantity written.
        quantity: u16,
    },
    /// 0x11: server id, run indicator and device data, as the device lays them out.
    ReportServerId(&'a [u8]),
    /// 0x14: groups (`len, 06, data`), raw.
    ReadFileRecord(
        #[cfg_attr(
            feature = "serde",
            serde(serialize_with = "crate::impls::file_read_responses")
        )]
        &'a [u8],
    ),
    /// 0x15: echo, raw.
    WriteFileRecord(
        #[cfg_attr(
            feature = "serde",
            serde(serialize_with = "crate::impls::file_write_groups")
        )]
        &'a [u8],
    ),
    /// 0x16 echo.
    MaskWriteRegister {
        /// Register.
        address: u16,
        /// AND mask.
        and_mask: u16,
        /// OR mask.
        or_mask: u16,
    },
    /// 0x17.
    ReadWriteMultipleRegisters(Words<'a>),
    /// 0x18: the queue (at most 31).
    ReadFifoQueue(Words<'a>),
    /// 0x2B / 0x0E.
    ReadDeviceId(DeviceId<'a>),
    /// A custom function's response.
    Custom {
        /// Function code.
        function: u8,
        /// Data.
        data: &'a [u8],
    },
    /// An exception response (function code | 0x80).
    Exception {
        /// The function that failed (bit 7 clear).
        function: u8,
        /// Why.
        code: Exception,
    },
}

/// Big-endian reads bounded by the PDU.
struct Pdu<'a> {
    b: &'a [u8],
}

impl<'a> Pdu<'a> {
    fn u8(&self, at: usize) -> Result<u8, Error> {
        self.b.get(at).copied().ok_or(Error::TooShort {
            len: self.b.len(),
            needed: at + 1,
        })
    }
    fn u16(&self, at: usize) -> Result<u16, Error> {
        Ok(u16::from(self.u8(at)?) << 8 | u16::from(self.u8(at + 1)?))
    }
    fn from(&self, at: usize) -> &'a [u8] {
        self.b.get(at..).unwrap_or_default()
    }
    /// A read's start and quantity (at most `max`), the PDU exactly 5
    /// bytes. Always inlined (it was a closure, out of line, its result
    /// passed through memory: 64 B more of a server's decoder).
    #[inline(always)]
    fn range(&self, fc: u8, max: u16) -> Result<(u16, u16), Error> {
        self.exact(5)?;
        let (s, q) = (self.u16(1)?, self.u16(3)?);
        quantity(fc, q, max)?;
        Ok((s, q))
    }
    /// The PDU must be exactly `n` bytes.
    fn exact(&self, n: usize) -> Result<(), Error> {
        match self.b.len().cmp(&n) {
            core::cmp::Ordering::Less => Err(Error::TooShort {
                len: self.b.len(),
                needed: n,
            }),
            core::cmp::Ordering::Greater => Err(Error::TooLong { len: self.b.len() }),
            core::cmp::Ordering::Equal => Ok(()),
        }
    }
}

fn quantity(function: u8, q: u16, max: u16) -> Result<(), Error> {
    if q == 0 || q > max {
        return Err(Error::Quantity {
            function,
            found: q,
            max,
        });
    }
    Ok(())
}

fn byte_count(function: u8, found: usize, expected: usize) -> Result<(), Error> {
    if found != expected {
        return Err(Error::ByteCount {
            function,
            found,
            expected,
        });
    }
    Ok(())
}

/// Checks a 0x15 request's groups: each `06, file, record, len, data(2·len)`.
/// FC05's value on the wire: 0xFF00 on, 0x0000 off, anything else refused.
fn coil_from_wire(function: u8, raw: u16) -> Result<bool, Error> {
    match raw {
        0xFF00 => Ok(true),
        0x0000 => Ok(false),
        found => Err(Error::Value { function, found }),
    }
}

fn coil_to_wire(on: bool) -> u16 {
    if on { 0xFF00 } else { 0x0000 }
}

fn file_groups(function: u8, groups: &[u8], with_data: bool) -> Result<(), Error> {
    let mut rest = groups;
    while !rest.is_empty() {
        let head = rest.get(..7).ok_or(Error::ByteCount {
            function,
            found: groups.len(),
            expected: groups.len() + 7 - rest.len(),
        })?;
        if head.first() != Some(&6) {
            return Err(Error::Value {
                function,
                found: u16::from(head.first().copied().unwrap_or(0)),
            });
        }
        let len = usize::from(u16::from_be_bytes([
            head.get(5).copied().unwrap_or(0),
            head.get(6).copied().unwrap_or(0),
        ]));
        let take = if with_data { 7 + 2 * len } else { 7 };
        rest = rest.get(take..).ok_or(Error::ByteCount {
            function,
            found: groups.len(),
            expected: groups.len() - rest.len() + take,
        })?;
    }
    Ok(())
}

impl<'a> Request<'a> {
    /// The function code.
    #[inline]
    pub fn function(&self) -> u8 {
        match self {
            Request::ReadCoils { .. } => 0x01,
            Request::ReadDiscreteInputs { .. } => 0x02,
            Request::ReadHoldingRegisters { .. } => 0x03,
            Request::ReadInputRegisters { .. } => 0x04,
            Request::WriteSingleCoil { .. } => 0x05,
            Request::WriteSingleRegister { .. } => 0x06,
            Request::ReadExceptionStatus => 0x07,
            Request::Diagnostics { .. } => 0x08,
            Request::GetCommEventCounter => 0x0B,
            Request::GetCommEventLog => 0x0C,
            Request::WriteMultipleCoils { .. } => 0x0F,
            Request::WriteMultipleRegisters { .. } => 0x10,
            Request::ReportServerId => 0x11,
            Request::ReadFileRecord { .. } => 0x14,
            Request::WriteFileRecord { .. } => 0x15,
            Request::MaskWriteRegister { .. } => 0x16,
            Request::ReadWriteMultipleRegisters { .. } => 0x17,
            Request::ReadFifoQueue { .. } => 0x18,
            Request::ReadDeviceId { .. } => 0x2B,
            Request::Custom { function, .. } => *function,
        }
    }

    /// Whether the request may be broadcast (writes only; SL §2.1).
    pub fn broadcastable(&self) -> bool {
        matches!(
            self,
            Request::WriteSingleCoil { .. }
                | Request::WriteSingleRegister { .. }
                | Request::WriteMultipleCoils { .. }
                | Request::WriteMultipleRegisters { .. }
                | Request::WriteFileRecord { .. }
                | Request::MaskWriteRegister { .. }
        ) || matches!(
            self,
            Request::Diagnostics {
                sub: 0x01 | 0x04 | 0x0A,
                ..
            }
        )
    }

    /// Decodes a request PDU (function code first).
    pub fn decode(pdu: &'a [u8]) -> Result<Self, Error> {
        Self::decode_function(pdu, Functions::all())
    }

    /// Decodes a request PDU whose function is one of `functions`
    /// ([`Functions::of`]); any other is [`Error::Function`], not decoded.
    /// With [`Functions::all`] it is [`decode`](Self::decode).
    ///
    /// Always inlined: where `functions` is a constant (a
    /// [`Handler`](crate::Handler)'s [`FUNCTIONS`](crate::Handler::FUNCTIONS)),
    /// only those function codes' decoders are linked, not every one's;
    /// with all of them it calls [`decode`](Self::decode), out of line.
    #[inline(always)]
    pub fn decode_in(pdu: &'a [u8], functions: Functions) -> Result<Self, Error> {
        if functions.contains(Functions::all()) {
            return Self::decode(pdu);
        }
        Self::decode_function(pdu, functions)
    }

    /// [`decode_in`](Self::decode_in)'s decoder: each function code's arm
    /// is guarded by its flag, so a constant set folds the others away.
    #[inline(always)]
    fn decode_function(pdu: &'a [u8], functions: Functions) -> Result<Self, Error> {
        let p = Pdu { b: pdu };
        let fc = p.u8(0)?;
        if pdu.len() > MAX_PDU {
            return Err(Error::TooLong { len: pdu.len() });
        }
        if !functions.intersects(Functions::of(pdu)) {
            return Err(Error::Function { code: fc });
        }
        let has = |f: Functions| functions.contains(f);
        Ok(match fc {
            0 | 0x80..=0xFF => return Err(Error::Function { code: fc }),
            0x01 if has(Functions::READ_COILS) => {
                let (start, quantity) = p.range(fc, 2000)?;
                Request::ReadCoils { start, quantity }
            }
            0x02 if has(Functions::READ_DISCRETE_INPUTS) => {
                let (start, quantity) = p.range(fc, 2000)?;
                Request::ReadDiscreteInputs { start, quantity }
            }
            0x03 if has(Functions::READ_HOLDING_REGISTERS) => {
                let (start, quantity) = p.range(fc, 125)?;
                Request::ReadHoldingRegisters { start, quantity }
            }
            0x04 if has(Functions::READ_INPUT_REGISTERS) => {
                let (start, quantity) = p.range(fc, 125)?;
                Request::ReadInputRegisters { start, quantity }
            }
            0x05 if has(Functions::WRITE_SINGLE_COIL) => {
                p.exact(5)?;
                let value = coil_from_wire(fc, p.u16(3)?)?;
                Request::WriteSingleCoil {
                    address: p.u16(1)?,
                    value,
                }
            }
            0x06 if has(Functions::WRITE_SINGLE_REGISTER) => {
                p.exact(5)?;
                Request::WriteSingleRegister {
                    address: p.u16(1)?,
                    value: p.u16(3)?,
                }
            }
            0x07 if has(Functions::READ_EXCEPTION_STATUS) => {
                p.exact(1)?;
                Request::ReadExceptionStatus
            }
            0x0B if has(Functions::GET_COMM_EVENT_COUNTER) => {
                p.exact(1)?;
                Request::GetCommEventCounter
            }
            0x0C if has(Functions::GET_COMM_EVENT_LOG) => {
                p.exact(1)?;
                Request::GetCommEventLog
            }
            0x11 if has(Functions::REPORT_SERVER_ID) => {
                p.exact(1)?;
                Request::ReportServerId
            }
            0x08 if has(Functions::DIAGNOSTICS) => {
                let sub = p.u16(1)?;
                if sub != 0 {
                    p.exact(5)?;
                }
                Request::Diagnostics {
                    sub,
                    data: p.from(3),
                }
            }
            0x0F if has(Functions::WRITE_MULTIPLE_COILS) => {
                let (start, q) = (p.u16(1)?, p.u16(3)?);
                quantity(fc, q, 1968)?;
                let bc = usize::from(p.u8(5)?);
                byte_count(fc, bc, usize::from(q).div_ceil(8))?;
                p.exact(6 + bc)?;
                Request::WriteMultipleCoils {
                    start,
                    coils: Bits::new(p.from(6), q),
                }
            }
            0x10 if has(Functions::WRITE_MULTIPLE_REGISTERS) => {
                let (start, q) = (p.u16(1)?, p.u16(3)?);
                quantity(fc, q, 123)?;
                let bc = usize::from(p.u8(5)?);
                byte_count(fc, bc, 2 * usize::from(q))?;
                p.exact(6 + bc)?;
                Request::WriteMultipleRegisters {
                    start,
                    values: Words(p.from(6)),
                }
            }
            0x14 if has(Functions::READ_FILE_RECORD) => {
                let bc = usize::from(p.u8(1)?);
                if !(0x07..=0xF5).contains(&bc) || bc % 7 != 0 {
                    return Err(Error::ByteCount {
                        function: fc,
                        found: bc,
                        expected: 7 * (bc / 7).max(1),
                    });
                }
                p.exact(2 + bc)?;
                file_groups(fc, p.from(2), false)?;
                Request::ReadFileRecord { groups: p.from(2) }
            }
            0x15 if has(Functions::WRITE_FILE_RECORD) => {
                let bc = usize::from(p.u8(1)?);
                if !(0x09..=0xFB).contains(&bc) {
                    return Err(Error::ByteCount {
                        function: fc,
                        found: bc,
                        expected: 9,
                    });
                }
                p.exact(2 + bc)?;
                file_groups(fc, p.from(2), true)?;
                Request::WriteFileRecord { groups: p.from(2) }
            }
            0x16 if has(Functions::MASK_WRITE_REGISTER) => {
                p.exact(7)?;
                Request::MaskWriteRegister {
                    address: p.u16(1)?,
                    and_mask: p.u16(3)?,
                    or_mask: p.u16(5)?,
                }
            }
            0x17 if has(Functions::READ_WRITE_MULTIPLE_REGISTERS) => {
                let (rs, rq, ws, wq) = (p.u16(1)?, p.u16(3)?, p.u16(5)?, p.u16(7)?);
                quantity(fc, rq, 125)?;
                quantity(fc, wq, 121)?;
                let bc = usize::from(p.u8(9)?);
                byte_count(fc, bc, 2 * usize::from(wq))?;
                p.exact(10 + bc)?;
                Request::ReadWriteMultipleRegisters {
                    read_start: rs,
                    read_quantity: rq,
                    write_start: ws,
                    values: Words(p.from(10)),
                }
            }
            0x18 if has(Functions::READ_FIFO_QUEUE) => {
                p.exact(3)?;
                Request::ReadFifoQueue { pointer: p.u16(1)? }
            }
            0x2B if has(Functions::READ_DEVICE_ID) && p.u8(1)? == 0x0E => {
                p.exact(4)?;
                let read_code = p.u8(2)?;
                if !(1..=4).contains(&read_code) {
                    return Err(Error::Value {
                        function: fc,
                        found: u16::from(read_code),
                    });
                }
                Request::ReadDeviceId {
                    read_code,
                    object: p.u8(3)?,
                }
            }
            _ if has(Functions::CUSTOM) => Request::Custom {
                function: fc,
                data: p.from(1),
            },
            // Outside `functions`: refused above already.
            _ => return Err(Error::Function { code: fc }),
        })
    }

    /// Checks the request against the spec's limits. Inlined: for a
    /// request known at compile time only its function code's checks are
    /// linked.
    #[inline]
    pub fn validate(&self) -> Result<(), Error> {
        let fc = self.function();
        match *self {
            Request::ReadCoils { quantity: q, .. }
            | Request::ReadDiscreteInputs { quantity: q, .. } => quantity(fc, q, 2000),
            Request::ReadHoldingRegisters { quantity: q, .. }
            | Request::ReadInputRegisters { quantity: q, .. } => quantity(fc, q, 125),
            Request::Diagnostics { sub, data } => {
                if sub != 0 && data.len() != 2 {
                    return byte_count(fc, data.len(), 2);
                }
                if data.len() > MAX_PDU - 3 {
                    return Err(Error::TooLong {
                        len: data.len() + 3,
                    });
                }
                Ok(())
            }
            Request::WriteMultipleCoils { coils, .. } => {
                quantity(fc, coils.len(), 1968)?;
                byte_count(
                    fc,
                    coils.bytes().len(),
                    usize::from(coils.len()).div_ceil(8),
                )
            }
            Request::WriteMultipleRegisters { values, .. } => {
                quantity(fc, values.len().min(usize::from(u16::MAX)) as u16, 123)?;
                byte_count(fc, values.bytes().len(), 2 * values.len())
            }
            Request::ReadFileRecord { groups } => {
                if !(0x07..=0xF5).contains(&groups.len()) || groups.len() % 7 != 0 {
                    return byte_count(fc, groups.len(), 7);
                }
                file_groups(fc, groups, false)
            }
            Request::WriteFileRecord { groups } => {
                if !(0x09..=0xFB).contains(&groups.len()) {
                    return byte_count(fc, groups.len(), 9);
                }
                file_groups(fc, groups, true)
            }
            Request::ReadWriteMultipleRegisters {
                read_quantity,
                values,
                ..
            } => {
                quantity(fc, read_quantity, 125)?;
                quantity(fc, values.len().min(usize::from(u16::MAX)) as u16, 121)?;
                byte_count(fc, values.bytes().len(), 2 * values.len())
            }
            Request::ReadDeviceId { read_code, .. } if !(1..=4).contains(&read_code) => {
                Err(Error::Value {
                    function: fc,
                    found: u16::from(read_code),
                })
            }
            Request::Custom { function, data } => {
                // Under a standard code (FC2B/0E included) the bytes would
                // decode as that code's request, not as this one.
                let head = [function, data.first().copied().unwrap_or(0)];
                if function == 0 || function >= 0x80 || Functions::of(&head) != Functions::CUSTOM {
                    return Err(Error::Function { code: function });
                }
                if data.len() > MAX_PDU - 1 {
                    return Err(Error::TooLong {
                        len: data.len() + 1,
                    });
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Writes the PDU (function code first) into `buf`; returns its
    /// length. The request is checked first, so an invalid one writes
    /// nothing. For a whole ADU (address and CRC), see
    /// [`encode_request`](crate::encode_request).
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.validate()?;
        let mut w = Writer::new(buf);
        self.write(&mut w)?;
        Ok(w.len())
    }

    /// Appends the PDU to `w`; the caller has [validated](Self::validate)
    /// the request. Inlined, like `validate`: for a request known at
    /// compile time only its arm is left.
    #[inline]
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        let fc = self.function();
        w.put(&[fc])?;
        let u16s = |w: &mut Writer<'_>, vs: &[u16]| -> Result<(), Error> {
            for v in vs {
                w.put(&v.to_be_bytes())?;
            }
            Ok(())
        };
        match *self {
            Request::ReadCoils { start, quantity }
            | Request::ReadDiscreteInputs { start, quantity }
            | Request::ReadHoldingRegisters { start, quantity }
            | Request::ReadInputRegisters { start, quantity } => u16s(w, &[start, quantity]),
            Request::WriteSingleCoil { address, value } => u16s(w, &[address, coil_to_wire(value)]),
            Request::WriteSingleRegister { address, value } => u16s(w, &[address, value]),
            Request::ReadExceptionStatus
            | Request::GetCommEventCounter
            | Request::GetCommEventLog
            | Request::ReportServerId => Ok(()),
            Request::Diagnostics { sub, data } => {
                u16s(w, &[sub])?;
                Ok(w.put(data)?)
            }
            Request::WriteMultipleCoils { start, coils } => {
                u16s(w, &[start, coils.len()])?;
                w.put(&[coils.bytes().len() as u8])?;
                Ok(w.put(coils.bytes())?)
            }
            Request::WriteMultipleRegisters { start, values } => {
                u16s(w, &[start, values.len() as u16])?;
                w.put(&[values.bytes().len() as u8])?;
                Ok(w.put(values.bytes())?)
            }
            Request::ReadFileRecord { groups } | Request::WriteFileRecord { groups } => {
                w.put(&[groups.len() as u8])?;
                Ok(w.put(groups)?)
            }
            Request::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            } => u16s(w, &[address, and_mask, or_mask]),
            Request::ReadWriteMultipleRegisters {
                read_start,
                read_quantity,
                write_start,
                values,
            } => {
                u16s(
                    w,
                    &[read_start, read_quantity, write_start, values.len() as u16],
                )?;
                w.put(&[values.bytes().len() as u8])?;
                Ok(w.put(values.bytes())?)
            }
            Request::ReadFifoQueue { pointer } => u16s(w, &[pointer]),
            Request::ReadDeviceId { read_code, object } => Ok(w.put(&[0x0E, read_code, object])?),
            Request::Custom { data, .. } => Ok(w.put(data)?),
        }
    }
}

impl<'a> Response<'a> {
    /// The function code on the wire (exceptions have bit 7 set).
    pub fn function(&self) -> u8 {
        match self {
            Response::ReadCoils(_) => 0x01,
            Response::ReadDiscreteInputs(_) => 0x02,
            Response::ReadHoldingRegisters(_) => 0x03,
            Response::ReadInputRegisters(_) => 0x04,
            Response::WriteSingleCoil { .. } => 0x05,
            Response::WriteSingleRegister { .. } => 0x06,
            Response::ReadExceptionStatus(_) => 0x07,
            Response::Diagnostics { .. } => 0x08,
            Response::GetCommEventCounter { .. } => 0x0B,
            Response::GetCommEventLog { .. } => 0x0C,
            Response::WriteMultipleCoils { .. } => 0x0F,
            Response::WriteMultipleRegisters { .. } => 0x10,
            Response::ReportServerId(_) => 0x11,
            Response::ReadFileRecord(_) => 0x14,
            Response::WriteFileRecord(_) => 0x15,
            Response::MaskWriteRegister { .. } => 0x16,
            Response::ReadWriteMultipleRegisters(_) => 0x17,
            Response::ReadFifoQueue(_) => 0x18,
            Response::ReadDeviceId(_) => 0x2B,
            Response::Custom { function, .. } => *function,
            Response::Exception { function, .. } => function | 0x80,
        }
    }

    /// Decodes a response PDU.
    #[inline]
    pub fn decode(pdu: &'a [u8]) -> Result<Self, Error> {
        let fc = Pdu { b: pdu }.u8(0)?;
        Self::decode_function(fc, pdu)
    }

    /// Decodes a response PDU that answers `request`: its function code,
    /// or the exception to it. A reply for another function is
    /// [`Error::Function`] (carrying the code that came back): it is not
    /// decoded.
    ///
    /// The same result as [`decode`](Self::decode) for the reply to
    /// `request`, but where the request is known at compile time (a
    /// firmware job that only asks FC03) only that function code's
    /// decoder is linked, not every one's: the function code dispatched
    /// on is the request's, a constant, so the other arms fold away.
    #[inline]
    pub fn decode_for(request: &Request<'_>, pdu: &'a [u8]) -> Result<Self, Error> {
        let asked = request.function();
        let fc = Pdu { b: pdu }.u8(0)?;
        if fc & 0x7F != asked || asked == 0 {
            return Err(Error::Function { code: fc });
        }
        if fc & 0x80 != 0 {
            return Self::exception(fc, pdu);
        }
        Self::decode_function(asked, pdu)
    }

    /// An exception response: the function code with bit 7 set, then the
    /// exception code (AP §7).
    #[inline(always)]
    fn exception(fc: u8, pdu: &'a [u8]) -> Result<Self, Error> {
        let p = Pdu { b: pdu };
        p.exact(2)?;
        Ok(Response::Exception {
            function: fc & 0x7F,
            code: Exception::from_code(p.u8(1)?),
        })
    }

    /// Decodes `pdu` as a response of function code `fc` (its first
    /// byte). Always inlined: where `fc` is a constant
    /// ([`decode_for`](Self::decode_for)), only its arm is left.
    #[inline(always)]
    fn decode_function(fc: u8, pdu: &'a [u8]) -> Result<Self, Error> {
        let p = Pdu { b: pdu };
        if pdu.len() > MAX_PDU {
            return Err(Error::TooLong { len: pdu.len() });
        }
        let counted = || -> Result<&'a [u8], Error> {
            let bc = usize::from(p.u8(1)?);
            p.exact(2 + bc)?;
            Ok(p.from(2))
        };
        let words = |max: usize| -> Result<Words<'a>, Error> {
            let d = counted()?;
            if d.len() % 2 != 0 || d.is_empty() || d.len() > 2 * max {
                return Err(Error::ByteCount {
                    function: fc,
                    found: d.len(),
                    expected: 2 * (d.len() / 2).clamp(1, max),
                });
            }
            Ok(Words(d))
        };
        Ok(match fc {
            0 => return Err(Error::Function { code: 0 }),
            0x80..=0xFF => return Self::exception(fc, pdu),
            0x01 | 0x02 => {
                let d = counted()?;
                if d.is_empty() || d.len() > 250 {
                    return Err(Error::ByteCount {
                        function: fc,
                        found: d.len(),
                        expected: d.len().clamp(1, 250),
                    });
                }
                let bits = Bits::new(d, (d.len() * 8) as u16);
                if fc == 1 {
                    Response::ReadCoils(bits)
                } else {
                    Response::ReadDiscreteInputs(bits)
                }
            }
            0x03 => Response::ReadHoldingRegisters(words(125)?),
            0x04 => Response::ReadInputRegisters(words(125)?),
            0x17 => Response::ReadWriteMultipleRegisters(words(125)?),
            0x05 => {
                p.exact(5)?;
                let value = coil_from_wire(fc, p.u16(3)?)?;
                Response::WriteSingleCoil {
                    address: p.u16(1)?,
                    value,
                }
            }
            0x06 => {
                p.exact(5)?;
                Response::WriteSingleRegister {
                    address: p.u16(1)?,
                    value: p.u16(3)?,
                }
            }
            0x07 => {
                p.exact(2)?;
                Response::ReadExceptionStatus(p.u8(1)?)
            }
            0x08 => {
                let sub = p.u16(1)?;
                if sub != 0 {
                    p.exact(5)?;
                }
                Response::Diagnostics {
                    sub,
                    data: p.from(3),
                }
            }
            0x0B => {
                p.exact(5)?;
                Response::GetCommEventCounter {
                    status: p.u16(1)?,
                    count: p.u16(3)?,
                }
            }
            0x0C => {
                let d = counted()?;
                if !(6..=70).contains(&d.len()) {
                    return Err(Error::ByteCount {
                        function: fc,
                        found: d.len(),
                        expected: d.len().clamp(6, 70),
                    });
                }
                Response::GetCommEventLog {
                    status: p.u16(2)?,
                    event_count: p.u16(4)?,
                    message_count: p.u16(6)?,
                    events: p.from(8),
                }
            }
            0x0F | 0x10 => {
                p.exact(5)?;
                let (start, quantity) = (p.u16(1)?, p.u16(3)?);
                if fc == 0x0F {
                    Response::WriteMultipleCoils { start, quantity }
                } else {
                    Response::WriteMultipleRegisters { start, quantity }
                }
            }
            0x11 => Response::ReportServerId(counted()?),
            0x14 => Response::ReadFileRecord(counted()?),
            0x15 => {
                let d = counted()?;
                file_groups(fc, d, true)?;
                Response::WriteFileRecord(d)
            }
            0x16 => {
                p.exact(7)?;
                Response::MaskWriteRegister {
                    address: p.u16(1)?,
                    and_mask: p.u16(3)?,
                    or_mask: p.u16(5)?,
                }
            }
            0x18 => {
                let bc = usize::from(p.u16(1)?);
                p.exact(3 + bc)?;
                let count = usize::from(p.u16(3)?);
                if count > 31 {
                    return Err(Error::Quantity {
                        function: fc,
                        found: count as u16,
                        max: 31,
                    });
                }
                byte_count(fc, bc, 2 + 2 * count)?;
                Response::ReadFifoQueue(Words(p.from(5)))
            }
            0x2B if p.u8(1)? == 0x0E => {
                let count = p.u8(6)?;
                let objects = p.from(7);
                let id = DeviceId {
                    read_code: p.u8(2)?,
                    conformity: p.u8(3)?,
                    more_follows: p.u8(4)?,
                    next_object: p.u8(5)?,
                    objects,
                    count,
                };
                // The object list must account for every byte.
                let used: usize = id.objects().map(|(_, v)| 2 + v.len()).sum();
                if id.objects().count() != usize::from(count) || used != objects.len() {
                    return Err(Error::ByteCount {
                        function: fc,
                        found: objects.len(),
                        expected: used,
                    });
                }
                Response::ReadDeviceId(id)
            }
            _ => Response::Custom {
                function: fc,
                data: p.from(1),
            },
        })
    }

    /// Writes the PDU (function code first) into `buf`; returns its
    /// length. For a whole ADU (address and CRC), see
    /// [`encode_response`](crate::encode_response).
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut w = Writer::new(buf);
        self.write(&mut w)?;
        Ok(w.len())
    }

    /// Appends the PDU to `w`.
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        let fc = self.function();
        w.put(&[fc])?;
        let counted = |w: &mut Writer<'_>, d: &[u8]| -> Result<(), Error> {
            let n = u8::try_from(d.len()).map_err(|_| Error::TooLong { len: d.len() })?;
            w.put(&[n])?;
            Ok(w.put(d)?)
        };
        let u16s = |w: &mut Writer<'_>, vs: &[u16]| -> Result<(), Error> {
            for v in vs {
                w.put(&v.to_be_bytes())?;
            }
            Ok(())
        };
        match *self {
            Response::ReadCoils(b) | Response::ReadDiscreteInputs(b) => counted(w, b.bytes()),
            Response::ReadHoldingRegisters(r)
            | Response::ReadInputRegisters(r)
            | Response::ReadWriteMultipleRegisters(r) => counted(w, r.bytes()),
            Response::WriteSingleCoil { address, value } => {
                u16s(w, &[address, coil_to_wire(value)])
            }
            Response::WriteSingleRegister { address, value } => u16s(w, &[address, value]),
            Response::ReadExceptionStatus(s) => Ok(w.put(&[s])?),
            Response::Diagnostics { sub, data } => {
                u16s(w, &[sub])?;
                Ok(w.put(data)?)
            }
            Response::GetCommEventCounter { status, count } => u16s(w, &[status, count]),
            Response::GetCommEventLog {
                status,
                event_count,
                message_count,
                events,
            } => {
                w.put(&[(6 + events.len()).min(255) as u8])?;
                u16s(w, &[status, event_count, message_count])?;
                Ok(w.put(events)?)
            }
            Response::WriteMultipleCoils { start, quantity }
            | Response::WriteMultipleRegisters { start, quantity } => u16s(w, &[start, quantity]),
            Response::ReportServerId(d)
            | Response::ReadFileRecord(d)
            | Response::WriteFileRecord(d) => counted(w, d),
            Response::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            } => u16s(w, &[address, and_mask, or_mask]),
            Response::ReadFifoQueue(r) => {
                u16s(w, &[(2 + r.bytes().len()) as u16, r.len() as u16])?;
                Ok(w.put(r.bytes())?)
            }
            Response::ReadDeviceId(id) => {
                w.put(&[
                    0x0E,
                    id.read_code,
                    id.conformity,
                    id.more_follows,
                    id.next_object,
                    id.count,
                ])?;
                Ok(w.put(id.objects)?)
            }
            Response::Custom { data, .. } => Ok(w.put(data)?),
            Response::Exception { code, .. } => Ok(w.put(&[code.code()])?),
        }
    }
}
