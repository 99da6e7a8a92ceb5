//! Does a reply answer its request? (AP §6: what each response echoes or
//! counts.)
//!
//! A client keeps an [`Expected`] while it waits: a small `Copy` summary
//! of the request that borrows nothing (the request may borrow the data
//! it writes). A reply from another unit or for another function is
//! [`Error::Mismatch`]: not this transaction's reply at all (a stray
//! frame). A reply from the right unit for the right function that does
//! not fit the request is [`Error::NotAnswer`], naming the [`Field`] that
//! differs with both values. An exception reply answers whenever its
//! function (bit 7 cleared) matches.
//!
//! What is compared:
//!
//! | function | the reply must carry |
//! |---|---|
//! | 01, 02 | byte count ⌈quantity / 8⌉ |
//! | 03, 04 | byte count 2 × quantity |
//! | 17 | byte count 2 × read quantity |
//! | 05, 06 | the address and value written |
//! | 0F, 10 | the starting address and quantity written |
//! | 08 | the sub-function; for 00 (return query data) the data too |
//! | 14 | one group per sub-request, each of reference type 6, byte count Σ(2 + 2 × record length) |
//! | 15 | the request's groups (byte count, then the bytes) |
//! | 16 | the address and both masks |
//! | 2B | the MEI type (0x0E for read device identification) |
//! | 07, 0B, 0C, 11, 18, custom | nothing beyond the function code |
//!
//! Data longer than a word (the FC08/00 data, FC15 groups) is kept as its
//! length and CRC-16, so [`Field::DataCrc`] reports CRCs, not the data.

use core::fmt;

use crate::{Error, Request, Response, crc16, pdu::DeviceId};

/// What differs between a reply and the request it should answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Field {
    /// The byte count: FC01/02 one bit per coil or input, FC03/04/17 two
    /// bytes per register, FC14 two bytes per group plus its records,
    /// FC15 the request's groups.
    ByteCount,
    /// The echoed register or coil address (FC05/06/16), or starting
    /// address (FC0F/10).
    Address,
    /// The echoed quantity of coils or registers written (FC0F/10).
    Quantity,
    /// The echoed value written (FC06; FC05 as on the wire, 0xFF00 on,
    /// 0x0000 off).
    Value,
    /// The echoed AND mask (FC16).
    AndMask,
    /// The echoed OR mask (FC16).
    OrMask,
    /// The echoed diagnostics sub-function (FC08).
    SubFunction,
    /// The length of the echoed FC08/00 data.
    DataLength,
    /// The echoed data (FC08/00 data, FC15 groups): their CRC-16/MODBUS.
    DataCrc,
    /// A file record group's reference type, always 6 (FC14).
    ReferenceType,
    /// The number of file record groups (FC14), counted up to the first
    /// whose length does not fit the reply.
    Groups,
    /// The echoed MEI type (FC2B; 0x0E is read device identification).
    MeiType,
}

impl Field {
    /// Whether the values are codes or bit patterns, shown in hex.
    fn hex(self) -> bool {
        matches!(
            self,
            Field::Value
                | Field::AndMask
                | Field::OrMask
                | Field::SubFunction
                | Field::DataCrc
                | Field::ReferenceType
                | Field::MeiType
        )
    }

    /// Writes `value` the way this field is read.
    pub(crate) fn write_value(self, f: &mut fmt::Formatter<'_>, value: u16) -> fmt::Result {
        if self.hex() {
            write!(f, "{value:#06x}")
        } else {
            write!(f, "{value}")
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::ByteCount => "byte count",
            Field::Address => "address",
            Field::Quantity => "quantity",
            Field::Value => "value",
            Field::AndMask => "and mask",
            Field::OrMask => "or mask",
            Field::SubFunction => "sub-function",
            Field::DataLength => "data length",
            Field::DataCrc => "data crc",
            Field::ReferenceType => "reference type",
            Field::Groups => "group count",
            Field::MeiType => "mei type",
        })
    }
}

/// Data kept as its length and CRC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
struct Print {
    len: u16,
    crc: u16,
}

impl Print {
    fn of(data: &[u8]) -> Self {
        Print {
            len: u16::try_from(data.len()).unwrap_or(u16::MAX),
            crc: crc16(data),
        }
    }

    fn check(self, len_field: Field, found: &[u8]) -> Result<(), Error> {
        let f = Print::of(found);
        differs(len_field, self.len, f.len)?;
        differs(Field::DataCrc, self.crc, f.crc)
    }
}

/// What the reply must echo or count, by function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
enum Echo {
    /// The function code is enough.
    Nothing,
    /// FC01/02/03/04/17.
    ByteCount(u16),
    /// FC05/06 (FC05's value as on the wire).
    Write { address: u16, value: u16 },
    /// FC0F/10.
    Range { start: u16, quantity: u16 },
    /// FC08: the sub-function, and for 00 the data.
    Diagnostics { sub: u16, data: Option<Print> },
    /// FC14: the groups' total length and number.
    FileRead { byte_count: u16, groups: u16 },
    /// FC15: the groups.
    FileWrite(Print),
    /// FC16.
    Mask {
        address: u16,
        and_mask: u16,
        or_mask: u16,
    },
    /// FC2B: the MEI type (0x0E, read device identification, decodes as
    /// such; any other is a custom request and response).
    Mei(u8),
}

/// What a reply must show to answer a request: the unit address, the
/// function, and what the response echoes or counts. `Copy`, and borrows
/// nothing from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Expected {
    address: u8,
    function: u8,
    echo: Echo,
}

fn differs(field: Field, expected: u16, found: u16) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::NotAnswer {
            field,
            expected,
            found,
        })
    }
}

/// A length as a `u16` (nothing in a PDU comes near the limit).
fn len16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn coil_wire(on: bool) -> u16 {
    if on { 0xFF00 } else { 0x0000 }
}

impl Expected {
    /// The summary of `request` sent to `address`. (A broadcast, address
    /// 0, is not answered: any reply checked against it is a mismatch.)
    pub fn new(address: u8, request: &Request<'_>) -> Self {
        let echo = match *request {
            Request::ReadCoils { quantity, .. } | Request::ReadDiscreteInputs { quantity, .. } => {
                Echo::ByteCount(quantity.div_ceil(8))
            }
            Request::ReadHoldingRegisters { quantity, .. }
            | Request::ReadInputRegisters { quantity, .. }
            | Request::ReadWriteMultipleRegisters {
                read_quantity: quantity,
                ..
            } => Echo::ByteCount(quantity.saturating_mul(2)),
            Request::WriteSingleCoil { address, value } => Echo::Write {
                address,
                value: coil_wire(value),
            },
            Request::WriteSingleRegister { address, value } => Echo::Write { address, value },
            Request::WriteMultipleCoils { start, coils } => Echo::Range {
                start,
                quantity: coils.len(),
            },
            Request::WriteMultipleRegisters { start, values } => Echo::Range {
                start,
                quantity: len16(values.len()),
            },
            Request::Diagnostics { sub, data } => Echo::Diagnostics {
                sub,
                data: (sub == 0).then(|| Print::of(data)),
            },
            Request::ReadFileRecord { groups } => {
                // Sub-requests of 7 bytes: 06, file, record, length.
                let mut byte_count = 0u16;
                let mut count = 0u16;
                for g in groups.chunks_exact(7) {
                    let records = match g {
                        [_, _, _, _, _, hi, lo] => u16::from_be_bytes([*hi, *lo]),
                        _ => 0,
                    };
                    byte_count =
                        byte_count.saturating_add(records.saturating_mul(2).saturating_add(2));
                    count = count.saturating_add(1);
                }
                Echo::FileRead {
                    byte_count,
                    groups: count,
                }
            }
            Request::WriteFileRecord { groups } => Echo::FileWrite(Print::of(groups)),
            Request::MaskWriteRegister {
                address,
                and_mask,
                or_mask,
            } => Echo::Mask {
                address,
                and_mask,
                or_mask,
            },
            Request::ReadDeviceId { .. } => Echo::Mei(0x0E),
            Request::Custom {
                function: 0x2B,
                data,
            } => Echo::Mei(data.first().copied().unwrap_or(0)),
            Request::ReadExceptionStatus
            | Request::GetCommEventCounter
            | Request::GetCommEventLog
            | Request::ReportServerId
            | Request::ReadFifoQueue { .. }
            | Request::Custom { .. } => Echo::Nothing,
        };
        Expected {
            address,
            function: request.function(),
            echo,
        }
    }

    /// The unit address asked.
    pub fn address(&self) -> u8 {
        self.address
    }

    /// The function code asked.
    pub fn function(&self) -> u8 {
        self.function
    }

    /// Ok when `response` from `address` answers the request.
    ///
    /// [`Error::Mismatch`] when it comes from another unit or is for
    /// another function (not this request's reply at all);
    /// [`Error::NotAnswer`] when it is for this function from this unit
    /// but does not fit the request.
    pub fn check(&self, address: u8, response: &Response<'_>) -> Result<(), Error> {
        let found_function = response.function();
        if address != self.address || found_function & 0x7F != self.function {
            return Err(Error::Mismatch {
                address: self.address,
                function: self.function,
                found_address: address,
                found_function,
            });
        }
        match (self.echo, *response) {
            // An exception answers whatever was asked.
            (_, Response::Exception { .. }) | (Echo::Nothing, _) => Ok(()),
            (Echo::ByteCount(n), Response::ReadCoils(b) | Response::ReadDiscreteInputs(b)) => {
                differs(Field::ByteCount, n, len16(b.bytes().len()))
            }
            (
                Echo::ByteCount(n),
                Response::ReadHoldingRegisters(w)
                | Response::ReadInputRegisters(w)
                | Response::ReadWriteMultipleRegisters(w),
            ) => differs(Field::ByteCount, n, len16(w.bytes().len())),
            (
                Echo::Write { address, value },
                Response::WriteSingleCoil {
                    address: a,
                    value: v,
                },
            ) => {
                differs(Field::Address, address, a)?;
                differs(Field::Value, value, coil_wire(v))
            }
            (
                Echo::Write { address, value },
                Response::WriteSingleRegister {
                    address: a,
                    value: v,
                },
            ) => {
                differs(Field::Address, address, a)?;
                differs(Field::Value, value, v)
            }
            (
                Echo::Range { start, quantity },
                Response::WriteMultipleCoils {
                    start: s,
                    quantity: q,
                }
                | Response::WriteMultipleRegisters {
                    start: s,
                    quantity: q,
                },
            ) => {
                differs(Field::Address, start, s)?;
                differs(Field::Quantity, quantity, q)
            }
            (Echo::Diagnostics { sub, data }, Response::Diagnostics { sub: s, data: d }) => {
                differs(Field::SubFunction, sub, s)?;
                data.map_or(Ok(()), |p| p.check(Field::DataLength, d))
            }
            (Echo::FileRead { byte_count, groups }, Response::ReadFileRecord(g)) => {
                differs(Field::ByteCount, byte_count, len16(g.len()))?;
                file_read_groups(groups, g)
            }
            (Echo::FileWrite(p), Response::WriteFileRecord(g)) => p.check(Field::ByteCount, g),
            (
                Echo::Mask {
                    address,
                    and_mask,
                    or_mask,
                },
                Response::MaskWriteRegister {
                    address: a,
                    and_mask: am,
                    or_mask: om,
                },
            ) => {
                differs(Field::Address, address, a)?;
                differs(Field::AndMask, and_mask, am)?;
                differs(Field::OrMask, or_mask, om)
            }
            (Echo::Mei(mei), Response::ReadDeviceId(DeviceId { .. })) => {
                differs(Field::MeiType, mei.into(), 0x0E)
            }
            // 2B with another MEI type decodes as a custom response.
            (Echo::Mei(mei), Response::Custom { data, .. }) => differs(
                Field::MeiType,
                mei.into(),
                u16::from(data.first().copied().unwrap_or(0)),
            ),
            // The function codes matched, so the response is of the
            // request's kind; nothing else is left to compare.
            _ => Ok(()),
        }
    }
}

/// FC14 reply groups: `len, 06, data(len - 1)`, one per sub-request.
fn file_read_groups(expected: u16, groups: &[u8]) -> Result<(), Error> {
    let mut rest = groups;
    let mut count = 0u16;
    while let Some((&len, r)) = rest.split_first() {
        let Some((group, r)) = r.split_at_checked(usize::from(len)) else {
            break;
        };
        let Some(&reference) = group.first() else {
            break;
        };
        differs(Field::ReferenceType, 6, u16::from(reference))?;
        count = count.saturating_add(1);
        rest = r;
    }
    differs(Field::Groups, expected, count)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::string::ToString;

    use super::*;

    /// The request and reply PDUs, as on the wire.
    fn check(address: u8, request: &[u8], reply_address: u8, reply: &[u8]) -> Result<(), Error> {
        let e = Expected::new(address, &Request::decode(request).unwrap());
        e.check(reply_address, &Response::decode(reply).unwrap())
    }

    fn not_answer(field: Field, expected: u16, found: u16) -> Result<(), Error> {
        Err(Error::NotAnswer {
            field,
            expected,
            found,
        })
    }

    /// A correct reply for every function code, and an exception for each.
    #[test]
    fn right_replies_answer() {
        let pairs: &[(&[u8], &[u8])] = &[
            (&[0x01, 0, 0x13, 0, 0x13], &[0x01, 3, 0xCD, 0x6B, 0x05]),
            (&[0x02, 0, 0xC4, 0, 0x16], &[0x02, 3, 0xAC, 0xDB, 0x35]),
            (
                &[0x03, 0, 0x6B, 0, 3],
                &[0x03, 6, 0x02, 0x2B, 0, 0, 0, 0x64],
            ),
            (&[0x04, 0, 0x08, 0, 1], &[0x04, 2, 0, 0x0A]),
            (&[0x05, 0, 0xAC, 0xFF, 0], &[0x05, 0, 0xAC, 0xFF, 0]),
            (&[0x06, 0, 1, 0, 3], &[0x06, 0, 1, 0, 3]),
            (&[0x07], &[0x07, 0x6D]),
            (&[0x08, 0, 0, 0xA5, 0x37], &[0x08, 0, 0, 0xA5, 0x37]),
            (&[0x08, 0, 0x0B, 0, 0], &[0x08, 0, 0x0B, 0, 0x2A]),
            (&[0x0B], &[0x0B, 0xFF, 0xFF, 0x01, 0x08]),
            (&[0x0C], &[0x0C, 8, 0, 0, 1, 8, 0, 0x79, 0x20, 0]),
            (
                &[0x0F, 0, 0x13, 0, 0x0A, 2, 0xCD, 0x01],
                &[0x0F, 0, 0x13, 0, 0x0A],
            ),
            (&[0x10, 0, 1, 0, 2, 4, 0, 0x0A, 1, 2], &[0x10, 0, 1, 0, 2]),
            (&[0x11], &[0x11, 3, 0x11, 0xFF, 0x42]),
            (
                &[0x14, 14, 6, 0, 4, 0, 1, 0, 2, 6, 0, 3, 0, 9, 0, 2],
                &[
                    0x14, 12, 5, 6, 0x0D, 0xFE, 0, 0x20, 5, 6, 0x33, 0xCD, 0, 0x40,
                ],
            ),
            (
                &[
                    0x15, 13, 6, 0, 4, 0, 7, 0, 3, 0x06, 0xAF, 0x04, 0xBE, 0x10, 0x0D,
                ],
                &[
                    0x15, 13, 6, 0, 4, 0, 7, 0, 3, 0x06, 0xAF, 0x04, 0xBE, 0x10, 0x0D,
                ],
            ),
            (
                &[0x16, 0, 4, 0, 0xF2, 0, 0x25],
                &[0x16, 0, 4, 0, 0xF2, 0, 0x25],
            ),
            (
                &[
                    0x17, 0, 3, 0, 6, 0, 0x0E, 0, 3, 6, 0, 0xFF, 0, 0xFF, 0, 0xFF,
                ],
                &[0x17, 12, 0, 0xFE, 0x0A, 0xCD, 0, 1, 0, 3, 0, 0x0D, 0, 0xFF],
            ),
            (
                &[0x18, 0x04, 0xDE],
                &[0x18, 0, 6, 0, 2, 0x01, 0xB8, 0x12, 0x84],
            ),
            (
                &[0x2B, 0x0E, 1, 0],
                &[
                    0x2B, 0x0E, 1, 1, 0, 0, 2, 0, 3, b'a', b'b', b'c', 1, 1, b'x',
                ],
            ),
            (&[0x41, 1, 2, 3], &[0x41, 9]),
        ];
        for &(request, reply) in pairs {
            assert_eq!(check(17, request, 17, reply), Ok(()), "{request:02x?}");
            // An exception for the same function answers too.
            let exception = [request[0] | 0x80, 0x02];
            assert_eq!(check(17, request, 17, &exception), Ok(()), "{request:02x?}");
        }
    }

    #[test]
    fn another_unit_or_function_is_a_mismatch() {
        let read = [0x03, 0, 0, 0, 2];
        assert_eq!(
            check(1, &read, 2, &[0x03, 4, 0, 1, 0, 2]),
            Err(Error::Mismatch {
                address: 1,
                function: 3,
                found_address: 2,
                found_function: 3
            })
        );
        assert_eq!(
            check(1, &read, 1, &[0x04, 4, 0, 1, 0, 2]),
            Err(Error::Mismatch {
                address: 1,
                function: 3,
                found_address: 1,
                found_function: 4
            })
        );
        // An exception for another function.
        assert_eq!(
            check(1, &read, 1, &[0x84, 2]),
            Err(Error::Mismatch {
                address: 1,
                function: 3,
                found_address: 1,
                found_function: 0x84
            })
        );
    }

    #[test]
    fn replies_that_do_not_answer() {
        // One register for a request of two.
        assert_eq!(
            check(1, &[0x03, 0, 0, 0, 2], 1, &[0x03, 2, 0, 7]),
            not_answer(Field::ByteCount, 4, 2)
        );
        assert_eq!(
            check(1, &[0x04, 0, 0, 0, 2], 1, &[0x04, 6, 0, 7, 0, 8, 0, 9]),
            not_answer(Field::ByteCount, 4, 6)
        );
        // Two coil bytes for 19 coils (three are needed).
        assert_eq!(
            check(1, &[0x01, 0, 0x13, 0, 0x13], 1, &[0x01, 2, 0xCD, 0x6B]),
            not_answer(Field::ByteCount, 3, 2)
        );
        assert_eq!(
            check(1, &[0x02, 0, 0, 0, 8], 1, &[0x02, 2, 0xFF, 0]),
            not_answer(Field::ByteCount, 1, 2)
        );
        // FC06 echoing another value, or another register.
        assert_eq!(
            check(1, &[0x06, 0, 1, 0, 3], 1, &[0x06, 0, 1, 0, 4]),
            not_answer(Field::Value, 3, 4)
        );
        assert_eq!(
            check(1, &[0x06, 0, 1, 0, 3], 1, &[0x06, 0, 2, 0, 3]),
            not_answer(Field::Address, 1, 2)
        );
        // FC05: on asked, off echoed.
        assert_eq!(
            check(1, &[0x05, 0, 0xAC, 0xFF, 0], 1, &[0x05, 0, 0xAC, 0, 0]),
            not_answer(Field::Value, 0xFF00, 0)
        );
        // FC0F/10: quantity, start.
        assert_eq!(
            check(
                1,
                &[0x0F, 0, 0x13, 0, 0x0A, 2, 0xCD, 0x01],
                1,
                &[0x0F, 0, 0x13, 0, 0x08]
            ),
            not_answer(Field::Quantity, 10, 8)
        );
        assert_eq!(
            check(1, &[0x10, 0, 1, 0, 1, 2, 0, 0x0A], 1, &[0x10, 0, 2, 0, 1]),
            not_answer(Field::Address, 1, 2)
        );
        // FC08: sub-function; FC08/00: data length, then data.
        assert_eq!(
            check(1, &[0x08, 0, 0x0B, 0, 0], 1, &[0x08, 0, 0x0C, 0, 0]),
            not_answer(Field::SubFunction, 0x0B, 0x0C)
        );
        assert_eq!(
            check(1, &[0x08, 0, 0, 0xA5, 0x37], 1, &[0x08, 0, 0, 0xA5]),
            not_answer(Field::DataLength, 2, 1)
        );
        assert_eq!(
            check(1, &[0x08, 0, 0, 0xA5, 0x37], 1, &[0x08, 0, 0, 0xA5, 0x38]),
            not_answer(Field::DataCrc, crc16(&[0xA5, 0x37]), crc16(&[0xA5, 0x38]))
        );
        // FC14: reference type 7 in the second group; a group missing.
        let read_two = [0x14, 14, 6, 0, 4, 0, 1, 0, 2, 6, 0, 3, 0, 9, 0, 2];
        assert_eq!(
            check(
                1,
                &read_two,
                1,
                &[
                    0x14, 12, 5, 6, 0x0D, 0xFE, 0, 0x20, 5, 7, 0x33, 0xCD, 0, 0x40
                ]
            ),
            not_answer(Field::ReferenceType, 6, 7)
        );
        assert_eq!(
            check(
                1,
                &read_two,
                1,
                &[
                    0x14, 12, 11, 6, 0x0D, 0xFE, 0, 0x20, 0x33, 0xCD, 0, 0x40, 0, 0
                ]
            ),
            not_answer(Field::Groups, 2, 1)
        );
        assert_eq!(
            check(1, &read_two, 1, &[0x14, 6, 5, 6, 0x0D, 0xFE, 0, 0x20]),
            not_answer(Field::ByteCount, 12, 6)
        );
        // FC15: another record echoed.
        let write = [0x15, 9, 6, 0, 4, 0, 7, 0, 1, 0x06, 0xAF];
        assert_eq!(
            check(1, &write, 1, &[0x15, 9, 6, 0, 4, 0, 8, 0, 1, 0x06, 0xAF]),
            not_answer(
                Field::DataCrc,
                crc16(&write[2..]),
                crc16(&[6, 0, 4, 0, 8, 0, 1, 0x06, 0xAF])
            )
        );
        // FC16: another OR mask.
        assert_eq!(
            check(
                1,
                &[0x16, 0, 4, 0, 0xF2, 0, 0x25],
                1,
                &[0x16, 0, 4, 0, 0xF2, 0, 0x24]
            ),
            not_answer(Field::OrMask, 0x25, 0x24)
        );
        // FC17: the read part's byte count.
        assert_eq!(
            check(
                1,
                &[0x17, 0, 3, 0, 2, 0, 0x0E, 0, 1, 2, 0, 0xFF],
                1,
                &[0x17, 2, 0, 0xFE]
            ),
            not_answer(Field::ByteCount, 4, 2)
        );
        // 2B with another MEI type (0x0D, CANopen), either way round.
        assert_eq!(
            check(1, &[0x2B, 0x0E, 1, 0], 1, &[0x2B, 0x0D, 1, 2]),
            not_answer(Field::MeiType, 0x0E, 0x0D)
        );
        assert_eq!(
            check(
                1,
                &[0x2B, 0x0D, 1, 2],
                1,
                &[0x2B, 0x0E, 1, 1, 0, 0, 1, 0, 1, b'a']
            ),
            not_answer(Field::MeiType, 0x0D, 0x0E)
        );
        assert_eq!(check(1, &[0x2B, 0x0D, 1, 2], 1, &[0x2B, 0x0D, 7]), Ok(()));
    }

    #[test]
    fn kept_without_the_request() {
        // The request borrows its values from `pdu`; the summary outlives both.
        let e = {
            let pdu = [0x10u8, 0, 1, 0, 2, 4, 0, 0x2B, 0, 1];
            let request = Request::decode(&pdu).unwrap();
            Expected::new(5, &request)
        };
        let copy = e;
        assert_eq!((copy.address(), copy.function()), (5, 0x10));
        assert_eq!(
            e.check(
                5,
                &Response::WriteMultipleRegisters {
                    start: 1,
                    quantity: 2
                }
            ),
            Ok(())
        );
    }

    #[test]
    fn display_names_both_values() {
        let e = Error::NotAnswer {
            field: Field::ByteCount,
            expected: 4,
            found: 2,
        };
        assert_eq!(
            e.to_string(),
            "reply does not answer the request: byte count 2, expected 4"
        );
        let e = Error::NotAnswer {
            field: Field::SubFunction,
            expected: 0x0B,
            found: 0x0C,
        };
        assert_eq!(
            e.to_string(),
            "reply does not answer the request: sub-function 0x000c, expected 0x000b"
        );
    }
}
