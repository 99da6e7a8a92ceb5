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

/// [`split`] for a server, which needs no [`Error`]'s evidence: the
/// address and PDU of an ADU of 4 to 256 bytes, its CRC checked only if
/// `check` (the length framer has checked it already).
#[inline]
pub(crate) fn parts(adu: &[u8], check: bool) -> Option<(u8, &[u8])> {
    if !(4..=MAX_ADU).contains(&adu.len()) {
        return None;
    }
    let (body, crc) = adu.split_at_checked(adu.len() - 2)?;
    if check && crc != crc16(body).to_le_bytes() {
        return None;
    }
    let (&address, pdu) = body.split_first()?;
    Some((address, pdu))
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
/// checked first, so an invalid request produces no frame. Inlined: for a
/// request known at compile time only its function code's checks and
/// layout are linked.
#[inline]
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

/// Decodes the response ADU to `request`, sent to `address`.
/// [`Error::Mismatch`] when it comes from another unit or for another
/// function (an exception to the request's function is its reply).
///
/// Where the request is known at compile time (a job that only asks
/// FC03), only that function code's decoder is linked, where
/// [`decode_response`] links every one's: see
/// [`Response::decode_for`]. The reply is not checked against the
/// request's quantities here; [`Expected`](crate::Expected) does that.
#[inline]
pub fn decode_response_for<'a>(
    address: u8,
    request: &Request<'_>,
    adu: &'a [u8],
) -> Result<Response<'a>, Error> {
    let (found_address, pdu) = split(adu)?;
    let found_function = pdu.first().copied().unwrap_or(0);
    let function = request.function();
    if found_address != address || found_function & 0x7F != function {
        return Err(Error::Mismatch {
            address,
            function,
            found_address,
            found_function,
        });
    }
    Response::decode_for(request, pdu)
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
    fn a_reply_decodes_for_its_request_as_in_general_and_another_is_a_mismatch() {
        let asked = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 2,
        };
        // Unit 1, registers 10 and 258 (the footprint job's reply).
        let reply = [0x01, 0x03, 0x04, 0x00, 0x0a, 0x01, 0x02, 0x5a, 0x60];
        let (_, general) = decode_response(&reply).unwrap();
        assert_eq!(decode_response_for(1, &asked, &reply), Ok(general));
        assert_eq!(Response::decode_for(&asked, &reply[1..7]), Ok(general));
        // An exception to FC03 answers it.
        let mut buf = [0u8; 8];
        let exception = Response::Exception {
            function: 3,
            code: crate::Exception::IllegalDataAddress,
        };
        let n = encode_response(1, &exception, &mut buf).unwrap();
        assert_eq!(decode_response_for(1, &asked, &buf[..n]), Ok(exception));
        // Another unit, another function: not decoded.
        assert_eq!(
            decode_response_for(2, &asked, &reply),
            Err(Error::Mismatch {
                address: 2,
                function: 3,
                found_address: 1,
                found_function: 3
            })
        );
        let input = Request::ReadInputRegisters {
            start: 0,
            quantity: 2,
        };
        assert!(matches!(
            decode_response_for(1, &input, &reply),
            Err(Error::Mismatch { function: 4, .. })
        ));
        assert_eq!(
            Response::decode_for(&input, &reply[1..7]),
            Err(Error::Function { code: 3 })
        );
        // Its own checks still apply: a bad byte count, a bad CRC.
        assert_eq!(
            Response::decode_for(&asked, &[0x03, 0x03, 0, 1, 2]),
            Err(Error::ByteCount {
                function: 3,
                found: 3,
                expected: 2
            })
        );
        let mut bad = reply;
        bad[8] ^= 1;
        assert!(matches!(
            decode_response_for(1, &asked, &bad),
            Err(Error::Crc { .. })
        ));
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
