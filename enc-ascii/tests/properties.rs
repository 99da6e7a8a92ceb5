//! Property tests: arbitrary input never panics; requests and responses
//! survive `decode(encode(x)) == x`.

use core::time::Duration;

use enc_ascii::{
    Address, Body, Client, Command, Control, Device, Fault, Frame, Framer, Frequency, Group, Link,
    Param, Radix, Reading, Request, Response, ResponseCode,
};
use proptest::prelude::*;

fn address() -> impl Strategy<Value = Address> {
    (0u8..=127).prop_map(|a| Address::new(a).unwrap())
}

fn command() -> impl Strategy<Value = Command> {
    let group = prop::sample::select(&[0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0D, 0x0F][..])
        .prop_map(|g| Group::new(g).unwrap());
    let param = (group, any::<u8>()).prop_map(|(group, number)| Param { group, number });
    prop_oneof![
        Just(Command::State),
        Just(Command::Version),
        any::<u8>().prop_map(|i| Command::Read(Reading::from_index(i))),
        Just(Command::Control(Control::Run)),
        Just(Command::Control(Control::Forward)),
        any::<u16>().prop_map(|f| Command::Control(Control::SetFrequency(Frequency(f)))),
        any::<u16>().prop_map(|f| Command::Control(Control::RunAt(Frequency(f)))),
        (4u8.., proptest::option::of(any::<u16>()))
            .prop_map(|(index, data)| Command::Control(Control::Other { index, data })),
        param.clone().prop_map(Command::ReadParam),
        (param, any::<u16>()).prop_map(|(p, v)| Command::WriteParam(p, v)),
        (
            0x10u8..,
            any::<u8>(),
            any::<u8>(),
            proptest::option::of(any::<u16>())
        )
            .prop_map(|(code, aux, index, data)| Command::Raw {
                code,
                aux,
                index,
                data
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn requests_round_trip(address in address(), command in command()) {
        let r = Request::new(address, command);
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        prop_assert!(n == 14 || n == 18);
        prop_assert_eq!(Request::decode_bytes(&buf[..n]).unwrap(), r);
    }

    #[test]
    fn responses_round_trip(
        address in address(),
        raw in any::<u8>(),
        fault in any::<u8>(),
        index in any::<u8>(),
        data in proptest::option::of(any::<u16>()),
        shape in 0u8..3,
        hex in any::<bool>(),
    ) {
        let radix = if hex { Radix::Hex } else { Radix::Literal };
        let code = ResponseCode::from_raw(raw, radix);
        prop_assert_eq!(code.to_raw(radix), raw);
        let r = match shape {
            0 => Response::new(address, code, radix, Fault::from_code(fault), index, data),
            1 => Response { raw_code: raw, code, ..Response::frame_error(address, radix, None) },
            _ => Response { raw_code: raw, code, ..Response::frame_error(address, radix, Some(Fault::from_code(fault))) },
        };
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        prop_assert_eq!(Response::decode_bytes(&buf[..n], radix).unwrap(), r);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), chunk in 1usize..20) {
        let _ = Frame::decode(&bytes);
        let _ = Request::decode_bytes(&bytes);
        let _ = Response::decode_bytes(&bytes, Radix::Literal);
        let mut f = Framer::<32>::new();
        let mut d = Device::new(Address::new(1).unwrap());
        let mut c = Client::<32>::new(Link::default(), Duration::from_millis(50));
        let mut now = Duration::ZERO;
        c.send(now, &Request::new(Address::new(1).unwrap(), Command::State)).unwrap();
        c.poll_transmit(now);
        for part in bytes.chunks(chunk) {
            now += Duration::from_millis(3);
            for feed in 0..3 {
                let mut rest = part;
                while !rest.is_empty() {
                    let n = match feed {
                        0 => { let (n, ev) = f.feed(rest); prop_assert!(n > 0 || ev.is_some()); n }
                        1 => { let (n, ev) = d.feed(rest); prop_assert!(n > 0 || ev.is_some()); n }
                        _ => c.feed(now, rest),
                    };
                    rest = &rest[n..];
                    if c.poll_event().is_some() {
                        c.send(now, &Request::new(Address::new(1).unwrap(), Command::Version)).unwrap();
                        c.poll_transmit(now);
                    }
                }
            }
        }
    }

    #[test]
    fn hex_frames_with_any_fields_decode(chars in "[0-9A-F]{4}|[0-9A-F]{6}|[0-9A-F]{8}|[0-9A-F]{12}") {
        // Any well-formed frame decodes, whatever its fields say.
        let sum: u32 = chars.bytes().map(u32::from).sum();
        let wire = format!("~{chars}{sum:04X}\r");
        let f = Frame::decode(wire.as_bytes()).unwrap();
        let mut buf = [0u8; 18];
        let n = f.encode(&mut buf).unwrap();
        prop_assert_eq!(&buf[..n], wire.as_bytes());
        let _ = matches!(f.body, Body::Bare | Body::Fault(_) | Body::Indexed { .. });
    }
}
