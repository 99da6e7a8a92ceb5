//! The RTU ADU: address, PDU, CRC-16/MODBUS low byte first (SL §2.5.1).

use crc::{CRC_16_MODBUS, Crc};
use proto_core::Writer;

use crate::{Error, Request, Response};

/// Table-driven by default (a 512-byte table, a byte per step); bit by
/// bit with `crc-small`, for the smallest targets, where the table is a
/// good part of the flash a Modbus job takes; slice-by-16 with `crc-fast`
/// (8 KiB of tables, 16 bytes per step), for hosts. `crc-small` wins when
/// both are on: flash that overflows is worse than a slower CRC.
#[cfg(feature = "crc-small")]
type Implementation = crc::NoTable;
#[cfg(all(feature = "crc-fast", not(feature = "crc-small")))]
type Implementation = crc::Table<16>;
#[cfg(not(any(feature = "crc-small", feature = "crc-fast")))]
type Implementation = crc::Table<1>;

static MODBUS: Crc<u16, Implementation> = Crc::<u16, Implementation>::new(&CRC_16_MODBUS);

/// Largest ADU: 256 bytes.
pub const MAX_ADU: usize = 256;

/// CRC-16/MODBUS of `bytes`.
pub fn crc16(bytes: &[u8]) -> u16 {
    MODBUS.checksum(bytes)
}

/// The broadcast address.
pub const BROADCAST: u8 = 0;

/// Splits an ADU into address and PDU after checking its CRC.
pub fn split(adu: &[u8]) -> Result<(u8, &[u8]), Error> {
    split_crc(adu, true)
}

/// [`split`], the CRC checked only if `check` (it was already, by the
/// length framer or when the reply was accepted).
fn split_crc(adu: &[u8], check: bool) -> Result<(u8, &[u8]), Error> {
    if adu.len() < 4 {
        return Err(Error::TooShort {
            len: adu.len(),
            needed: 4,
        });
    }
    if adu.len() > MAX_ADU {
        return Err(Error::TooLong { len: adu.len() });
    }
    let (body, crc) = adu.split_at(adu.len() - 2);
    let [lo, hi] = <[u8; 2]>::try_from(crc).map_err(|_| Error::TooShort {
        len: adu.len(),
        needed: 4,
    })?;
    let actual = u16::from_le_bytes([lo, hi]);
    let expected = if check { crc16(body) } else { actual };
    if expected != actual {
        return Err(Error::Crc { expected, actual });
    }
    let (&address, pdu) = body
        .split_first()
        .ok_or(Error::TooShort { len: 0, needed: 4 })?;
    Ok((address, pdu))
}

fn finish(mut w: Writer<'_>) -> Result<usize, Error> {
    let crc = crc16(w.written());
    w.put(&crc.to_le_bytes())?;
    if w.len() > MAX_ADU {
        return Err(Error::TooLong { len: w.len() });
    }
    Ok(w.len())
}

/// Checks a request's address: 1–247, or 0 for what may be broadcast.
pub fn check_address(address: u8, request: &Request<'_>) -> Result<(), Error> {
    match address {
        BROADCAST if request.broadcastable() => Ok(()),
        1..=247 => Ok(()),
        found => Err(Error::Address { found }),
    }
}

/// Encodes a request ADU into `buf`; returns its length. Everything is
/// checked first, so an invalid request produces no frame.
pub fn encode_request(address: u8, request: &Request<'_>, buf: &mut [u8]) -> Result<usize, Error> {
    check_address(address, request)?;
    request.validate()?;
    let mut w = Writer::new(buf);
    w.put(&[address])?;
    request.write(&mut w)?;
    finish(w)
}

/// Decodes a request ADU: address and request.
pub fn decode_request(adu: &[u8]) -> Result<(u8, Request<'_>), Error> {
    let (address, pdu) = split(adu)?;
    let r = Request::decode(pdu)?;
    Ok((address, r))
}

/// Encodes a response ADU into `buf`; returns its length.
pub fn encode_response(
    address: u8,
    response: &Response<'_>,
    buf: &mut [u8],
) -> Result<usize, Error> {
    if !(1..=247).contains(&address) {
        return Err(Error::Address { found: address });
    }
    let mut w = Writer::new(buf);
    w.put(&[address])?;
    response.write(&mut w)?;
    finish(w)
}

/// Decodes a response ADU: address and response.
pub fn decode_response(adu: &[u8]) -> Result<(u8, Response<'_>), Error> {
    decode_response_crc(adu, true)
}

/// [`decode_response`], the CRC checked only if `check`.
pub(crate) fn decode_response_crc(adu: &[u8], check: bool) -> Result<(u8, Response<'_>), Error> {
    let (address, pdu) = split_crc(adu, check)?;
    Ok((address, Response::decode(pdu)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_values() {
        assert_eq!(crc16(&[0x02, 0x07]), 0x1241);
        assert_eq!(crc16(b"123456789"), 0x4B37);
        assert_eq!(split(&[0x02, 0x07, 0x41, 0x12]).unwrap(), (2, &[7u8][..]));
        assert_eq!(
            split(&[0x02, 0x07, 0x12, 0x41]),
            Err(Error::Crc {
                expected: 0x1241,
                actual: 0x4112
            })
        );
    }

    #[test]
    fn pdus_encode_into_a_buffer_and_are_the_adu_without_address_and_crc() {
        let mut pdu = [0u8; 8];
        let mut adu = [0u8; 16];
        let request = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 3,
        };
        let n = request.encode(&mut pdu).unwrap();
        assert_eq!(&pdu[..n], [0x03, 0x00, 0x00, 0x00, 0x03]);
        let m = encode_request(1, &request, &mut adu).unwrap();
        assert_eq!(&adu[1..m - 2], &pdu[..n]);
        assert_eq!(Request::decode(&pdu[..n]), Ok(request));

        let zero = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 0,
        };
        assert!(zero.encode(&mut pdu).is_err(), "checked first");
        assert_eq!(
            request.encode(&mut pdu[..2]),
            Err(Error::BufferTooSmall { needed: 3 })
        );

        let words = [0x00u8, 0x2A];
        let response = Response::ReadHoldingRegisters(crate::Words::new(&words));
        let n = response.encode(&mut pdu).unwrap();
        assert_eq!(&pdu[..n], [0x03, 0x02, 0x00, 0x2A]);
        assert_eq!(Response::decode(&pdu[..n]), Ok(response));
    }
}
