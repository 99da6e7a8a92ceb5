//! Typed values the other way round: an arbitrary Modbus RTU request
//! (every function code, any fields) is encoded and decoded: either the
//! encoder refuses it and writes nothing, or it decodes to the same
//! address and request. A response a conformant server can send (every
//! function code, exceptions, custom codes) encodes and decodes to itself.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::{
    Bits, DeviceId, Exception, Request, Response, Words, decode_request, decode_response,
    encode_request, encode_response,
};

/// Up to `max` bytes, a length of `lo..=hi` most of the time.
fn some<'a>(u: &mut Unstructured<'a>, lo: usize, hi: usize) -> Result<&'a [u8]> {
    let n = if u.ratio(1, 8)? {
        u.int_in_range(0..=260)?
    } else {
        u.int_in_range(lo..=hi)?
    };
    u.bytes(n)
}

fn request<'a>(u: &mut Unstructured<'a>) -> Result<Request<'a>> {
    use Request as R;
    let (start, quantity): (u16, u16) = (u.arbitrary()?, u.arbitrary()?);
    Ok(match u.int_in_range(0..=19u8)? {
        0 => R::ReadCoils { start, quantity },
        1 => R::ReadDiscreteInputs { start, quantity },
        2 => R::ReadHoldingRegisters { start, quantity },
        3 => R::ReadInputRegisters { start, quantity },
        4 => R::WriteSingleCoil {
            address: start,
            value: u.arbitrary()?,
        },
        5 => R::WriteSingleRegister {
            address: start,
            value: quantity,
        },
        6 => R::ReadExceptionStatus,
        7 => R::Diagnostics {
            sub: if u.arbitrary()? { 0 } else { u.arbitrary()? },
            data: some(u, 0, 4)?,
        },
        8 => R::GetCommEventCounter,
        9 => R::GetCommEventLog,
        10 => {
            let bytes = some(u, 1, 246)?;
            let count = if u.arbitrary()? {
                u.arbitrary()?
            } else {
                (bytes.len() * 8).saturating_sub(u.int_in_range(0..=7)?) as u16
            };
            R::WriteMultipleCoils {
                start,
                coils: Bits::new(bytes, count),
            }
        }
        11 => R::WriteMultipleRegisters {
            start,
            values: Words::new(some(u, 2, 246)?),
        },
        12 => R::ReportServerId,
        13 => R::ReadFileRecord {
            groups: some(u, 7, 245)?,
        },
        14 => R::WriteFileRecord {
            groups: some(u, 9, 251)?,
        },
        15 => R::MaskWriteRegister {
            address: start,
            and_mask: quantity,
            or_mask: u.arbitrary()?,
        },
        16 => R::ReadWriteMultipleRegisters {
            read_start: start,
            read_quantity: quantity,
            write_start: u.arbitrary()?,
            values: Words::new(some(u, 2, 242)?),
        },
        17 => R::ReadFifoQueue { pointer: start },
        18 => R::ReadDeviceId {
            read_code: u.arbitrary()?,
            object: u.arbitrary()?,
        },
        _ => {
            // A custom request under a standard code (`Custom { function:
            // 6, data: [] }`) passes `validate` and encodes, but decodes by
            // that code's layout (here: too short): reported, left out here
            // until `validate` refuses it.
            let function: u8 = u.arbitrary()?;
            if STANDARD.contains(&function) {
                return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat);
            }
            R::Custom {
                function,
                data: some(u, 0, 252)?,
            }
        }
    })
}

/// Function codes the decoder reads by their own layout: a custom code
/// must be none of them to come back as `Custom`.
const STANDARD: [u8; 19] = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0C, 0x0F, 0x10, 0x11, 0x14, 0x15, 0x16,
    0x17, 0x18, 0x2B,
];

fn even<'a>(u: &mut Unstructured<'a>, lo: usize, hi: usize) -> Result<&'a [u8]> {
    let n = u.int_in_range(lo..=hi)?;
    u.bytes(2 * n)
}

/// A response a conformant server can send: within every limit the
/// decoder checks.
fn response<'a, 's: 'a>(
    u: &mut Unstructured<'s>,
    scratch: &'a mut [u8; 256],
) -> Result<Response<'a>> {
    use Response as R;
    let (a, b): (u16, u16) = (u.arbitrary()?, u.arbitrary()?);
    Ok(match u.int_in_range(0..=21u8)? {
        0 | 1 => {
            let n = u.int_in_range(1..=250)?;
            let d = u.bytes(n)?;
            let bits = Bits::new(d, (n * 8) as u16);
            if u.arbitrary()? {
                R::ReadCoils(bits)
            } else {
                R::ReadDiscreteInputs(bits)
            }
        }
        2 => R::ReadHoldingRegisters(Words::new(even(u, 1, 125)?)),
        3 => R::ReadInputRegisters(Words::new(even(u, 1, 125)?)),
        4 => R::ReadWriteMultipleRegisters(Words::new(even(u, 1, 125)?)),
        5 => R::WriteSingleCoil {
            address: a,
            value: u.arbitrary()?,
        },
        6 => R::WriteSingleRegister {
            address: a,
            value: b,
        },
        7 => R::ReadExceptionStatus(u.arbitrary()?),
        8 => {
            let sub = if u.arbitrary()? { 0 } else { u.arbitrary()? };
            let n = if sub == 0 {
                u.int_in_range(0..=250)?
            } else {
                2
            };
            R::Diagnostics {
                sub,
                data: u.bytes(n)?,
            }
        }
        9 => R::GetCommEventCounter {
            status: a,
            count: b,
        },
        10 => {
            let n = u.int_in_range(0..=64)?;
            R::GetCommEventLog {
                status: a,
                event_count: b,
                message_count: u.arbitrary()?,
                events: u.bytes(n)?,
            }
        }
        11 => R::WriteMultipleCoils {
            start: a,
            quantity: b,
        },
        12 => R::WriteMultipleRegisters {
            start: a,
            quantity: b,
        },
        13 => {
            let n = u.int_in_range(0..=250)?;
            R::ReportServerId(u.bytes(n)?)
        }
        14 => {
            let n = u.int_in_range(0..=250)?;
            R::ReadFileRecord(u.bytes(n)?)
        }
        15 => {
            // One group: reference type 6, file, record, length, data.
            let len: u16 = u.int_in_range(0..=100)?;
            let head: [u8; 4] = u.arbitrary()?;
            scratch[0] = 6;
            scratch[1..5].copy_from_slice(&head);
            scratch[5..7].copy_from_slice(&len.to_be_bytes());
            let data = u.bytes(2 * usize::from(len))?;
            let end = 7 + data.len();
            scratch[7..end].copy_from_slice(data);
            R::WriteFileRecord(&scratch[..end])
        }
        16 => R::MaskWriteRegister {
            address: a,
            and_mask: b,
            or_mask: u.arbitrary()?,
        },
        17 => R::ReadFifoQueue(Words::new(even(u, 0, 31)?)),
        18 => {
            // Objects laid out as id, length, value.
            let count = u.int_in_range(0..=5u8)?;
            let mut end = 0;
            for _ in 0..count {
                let id: u8 = u.arbitrary()?;
                let n = u.int_in_range(0..=20)?;
                let v = u.bytes(n)?;
                scratch[end] = id;
                scratch[end + 1] = n as u8;
                scratch[end + 2..end + 2 + n].copy_from_slice(v);
                end += 2 + n;
            }
            R::ReadDeviceId(DeviceId::new(
                u.int_in_range(1..=4)?,
                u.arbitrary()?,
                u.arbitrary()?,
                u.arbitrary()?,
                &scratch[..end],
                count,
            ))
        }
        19 => {
            let function = u.int_in_range(1..=0x7F)?;
            if STANDARD.contains(&function) {
                return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat);
            }
            let n = u.int_in_range(0..=250)?;
            R::Custom {
                function,
                data: u.bytes(n)?,
            }
        }
        _ => R::Exception {
            function: u.int_in_range(1..=0x7F)?,
            code: Exception::from_code(u.arbitrary()?),
        },
    })
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let address: u8 = u.arbitrary()?;
    if u.arbitrary()? {
        let r = request(u)?;
        let mut buf = [0xA5u8; 300];
        match encode_request(address, &r, &mut buf) {
            Ok(n) => {
                assert_eq!(r.validate(), Ok(()));
                let back = decode_request(&buf[..n])
                    .unwrap_or_else(|e| panic!("{r:?} encoded as {:02X?}: {e:?}", &buf[..n]));
                assert_eq!(back, (address, r));
            }
            // "Everything is checked first, so an invalid request
            // produces no frame": not a byte written.
            Err(e) => assert!(buf.iter().all(|&b| b == 0xA5), "{r:?} refused ({e:?})"),
        }
        // The PDU alone, too.
        let mut pdu = [0xA5u8; 300];
        match r.encode(&mut pdu) {
            Ok(n) => assert_eq!(modbus_rtu_lite::Request::decode(&pdu[..n]), Ok(r)),
            Err(_) => assert!(pdu.iter().all(|&b| b == 0xA5), "{r:?} refused but written"),
        }
    } else {
        let mut scratch = [0u8; 256];
        let r = response(u, &mut scratch)?;
        let address = address.clamp(1, 247);
        let mut buf = [0u8; 300];
        let n = encode_response(address, &r, &mut buf)
            .unwrap_or_else(|e| panic!("{r:?} does not encode: {e:?}"));
        let back = decode_response(&buf[..n])
            .unwrap_or_else(|e| panic!("{r:?} encoded as {:02X?}: {e:?}", &buf[..n]));
        assert_eq!(back, (address, r));
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
