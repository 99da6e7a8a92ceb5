//! Typed values the other way round: an arbitrary ENC `Request` (every
//! command, built by its constructors and as raw numbers) and an arbitrary
//! `Response` (any code under either radix, every frame shape) are
//! encoded, decoded and compared. A value that encodes but decodes to
//! something else is a crash.
#![no_main]

use enc_ascii::{
    Address, Command, Control, Fault, Frequency, Group, Param, Radix, Reading, Request, Response,
    ResponseCode,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn data(u: &mut Unstructured<'_>) -> Result<Option<u16>> {
    Ok(if u.arbitrary()? {
        Some(u.arbitrary()?)
    } else {
        None
    })
}

fn group(u: &mut Unstructured<'_>) -> Result<Group> {
    let code = *u.choose(&[0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0D, 0x0F])?;
    Ok(Group::new(code).expect("a listed group"))
}

/// Any command, from its variants: some of these are not canonical (a
/// `Control::Other` with index 0 and no data is `Control::Run` on the
/// wire; a `Raw` with code 0A and zeros is `State`).
fn command(u: &mut Unstructured<'_>) -> Result<Command> {
    Ok(match u.int_in_range(0..=10u8)? {
        0 => Command::State,
        1 => Command::Version,
        2 => Command::Read(Reading::from_index(u.arbitrary()?)),
        3 => Command::Control(Control::Run),
        4 => Command::Control(Control::Forward),
        5 => Command::Control(Control::SetFrequency(Frequency(u.arbitrary()?))),
        6 => Command::Control(Control::RunAt(Frequency(u.arbitrary()?))),
        7 => Command::Control(Control::Other {
            index: u.arbitrary()?,
            data: data(u)?,
        }),
        8 => Command::ReadParam(Param {
            group: group(u)?,
            number: u.arbitrary()?,
        }),
        9 => Command::WriteParam(
            Param {
                group: group(u)?,
                number: u.arbitrary()?,
            },
            u.arbitrary()?,
        ),
        _ => Command::Raw {
            code: u.arbitrary()?,
            aux: u.arbitrary()?,
            index: u.arbitrary()?,
            data: data(u)?,
        },
    })
}

fn request(u: &mut Unstructured<'_>) -> Result<()> {
    let address = Address::new(u.int_in_range(0..=127)?).expect("0..=127 is an address");
    let command = command(u)?;
    let r = Request::new(address, command);
    let mut buf = [0u8; 18];
    let n = r.encode(&mut buf).expect("every request encodes");
    assert!(n == 14 || n == 18, "{n}");
    let back = Request::decode_bytes(&buf[..n])
        .unwrap_or_else(|e| panic!("{r:?} encoded as {:?}: {e:?}", &buf[..n]));
    // What the protocol compares: the numbers on the wire. The decoded
    // command is the canonical one for them (`Command::from_wire`).
    let (code, aux, index, data) = command.wire();
    assert_eq!(back.address, address);
    assert_eq!(back.command.wire(), command.wire(), "{command:?}");
    assert_eq!(
        back.command,
        Command::from_wire(code, aux, index, data),
        "{command:?}"
    );
    // A canonical command comes back as itself.
    if Command::from_wire(code, aux, index, data) == command {
        assert_eq!(back, r);
    }
    Ok(())
}

fn response(u: &mut Unstructured<'_>) -> Result<()> {
    let radix = *u.choose(&[Radix::Literal, Radix::Hex])?;
    let address = Address::new(u.int_in_range(0..=127)?).expect("0..=127 is an address");
    let fault = Fault::from_code(u.arbitrary()?);
    let shape = u.int_in_range(0..=3u8)?;
    let r = match shape {
        // The code from its byte under the radix (a label no manual
        // defines has no code of its own: `from_label` gives `None`).
        0 => Response::new(
            address,
            ResponseCode::from_raw(u.arbitrary()?, radix),
            radix,
            fault,
            u.arbitrary()?,
            data(u)?,
        ),
        1 => Response::frame_error(address, radix, None),
        2 => Response::frame_error(address, radix, Some(fault)),
        _ => {
            // Any fields: a value the decoder would never make (a code
            // that does not match its byte, an index without a fault,
            // data without an index) is compared as the wire has it.
            let raw_code = u.arbitrary()?;
            Response {
                address: u.arbitrary()?,
                code: ResponseCode::from_raw(u.arbitrary()?, radix),
                raw_code,
                fault: if u.arbitrary()? { Some(fault) } else { None },
                index: if u.arbitrary()? {
                    Some(u.arbitrary()?)
                } else {
                    None
                },
                data: data(u)?,
            }
        }
    };
    let mut buf = [0u8; 18];
    let n = r.encode(&mut buf).expect("every response encodes");
    let back = Response::decode_bytes(&buf[..n], radix)
        .unwrap_or_else(|e| panic!("{r:?} encoded as {:?}: {e:?}", &buf[..n]));
    // The wire carries the code's byte (read under the radix), then a
    // fault, then an index, then data, each only after the one before.
    let index = r.fault.and(r.index);
    let canonical = Response {
        code: ResponseCode::from_raw(r.raw_code, radix),
        index,
        data: index.and(r.data),
        ..r
    };
    assert_eq!(back, canonical, "{r:?}");
    // What the constructors build is canonical: it comes back as itself.
    if shape < 3 {
        assert_eq!(back, r);
    }
    assert_eq!(back.code.to_raw(radix), back.raw_code, "{back:?}");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = if u.arbitrary().unwrap_or(false) {
        request(&mut u)
    } else {
        response(&mut u)
    };
});
