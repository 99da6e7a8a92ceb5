//! Property tests: arbitrary input never panics; every value survives
//! `decode(encode(x)) == x` and every well-formed reply re-encodes to the
//! same bytes.

use core::time::Duration;

use axpert_proto::{
    BatterySystem, Client, Command, Decimal, Device, Error, Frame, Framer, Inquiry, Link,
    RequestFramer, Response, Start, frame,
};
use proptest::prelude::*;

fn feed_all<const N: usize>(f: &mut Framer<N>, bytes: &[u8], chunk: usize) -> usize {
    let mut frames = 0;
    for mut c in bytes.chunks(chunk.max(1)) {
        while !c.is_empty() {
            let (n, ev) = f.feed(c);
            frames += usize::from(ev.is_some());
            assert!(n > 0 || ev.is_some(), "no progress");
            c = &c[n..];
        }
    }
    frames
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn framers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), chunk in 1usize..40) {
        feed_all(&mut Framer::<256>::new(), &bytes, chunk);
        feed_all(&mut Framer::<16>::new(), &bytes, chunk);
        let mut r = RequestFramer::<32>::new();
        for mut c in bytes.chunks(chunk) {
            while !c.is_empty() {
                let (n, _) = r.feed(c);
                c = &c[n..];
            }
        }
        let mut d = Device::<64>::new(BatterySystem::V24);
        let mut c = &bytes[..];
        while !c.is_empty() {
            let (n, _) = d.feed(c);
            c = &c[n..];
        }
    }

    #[test]
    fn decoders_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Frame::decode(&bytes);
        let _ = frame::decode_request(&bytes);
        let _ = Decimal::parse(&bytes);
        let _ = Command::decode(&bytes, BatterySystem::V48);
        let f = Frame { start: Start::Paren, payload: &bytes, crc: None };
        for i in Inquiry::ALL {
            let _ = Response::decode(Some(i), &f);
        }
        let _ = Response::decode(None, &f);
    }

    #[test]
    fn printable_payloads_never_panic(text in "[ 0-9.\\-A-Za-z]{0,200}") {
        let f = Frame { start: Start::Paren, payload: text.as_bytes(), crc: None };
        for i in Inquiry::ALL {
            if let Ok(r) = Response::decode(Some(i), &f) {
                // Whatever decodes re-encodes, and decodes the same again.
                let mut buf = [0u8; 512];
                let n = r.encode(&mut buf).unwrap();
                prop_assert_eq!(Response::decode_bytes(Some(i), &buf[..n]).unwrap(), r);
            }
        }
    }

    #[test]
    fn client_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), step in 1u64..500) {
        let mut c = Client::<256>::new(Link::new(), Duration::from_millis(1000));
        let mut now = Duration::ZERO;
        c.send(now, &Inquiry::GeneralStatus.into()).unwrap();
        c.poll_transmit(now);
        for chunk in bytes.chunks(7) {
            now += Duration::from_millis(step);
            let mut rest = chunk;
            while !rest.is_empty() {
                let n = c.feed(now, rest);
                rest = &rest[n..];
                if c.poll_event().is_some() {
                    c.send(now, &Inquiry::Mode.into()).unwrap();
                    c.poll_transmit(now);
                }
            }
        }
    }
}

/// A field of a reply, by shape.
#[derive(Clone, Copy)]
enum Shape {
    Dec,
    Code(usize),
    Bit,
    Bits(usize),
    Letter,
    Serial,
}

fn field(shape: Shape) -> BoxedStrategy<String> {
    use Shape::*;
    match shape {
        Dec => prop_oneof![
            9 => (1usize..6, 0usize..3, any::<u32>(), any::<bool>()).prop_map(|(int, frac, v, neg)| {
                let digits: String = format!("{v:010}").chars().take(int + frac).collect();
                let (i, f) = digits.split_at(int);
                let sign = if neg && v % 7 == 0 { "-" } else { "" };
                if frac == 0 { format!("{sign}{i}") } else { format!("{sign}{i}.{f}") }
            }),
            1 => prop_oneof![Just("-".to_string()), Just("---.-".to_string()), Just("-----".to_string())],
        ]
        .boxed(),
        Code(w) => (0u32..10u32.pow(w as u32)).prop_map(move |v| format!("{v:0w$}")).boxed(),
        Bit => prop_oneof![Just("0".to_string()), Just("1".to_string())].boxed(),
        Bits(w) => prop::collection::vec(prop_oneof![Just('0'), Just('1')], w)
            .prop_map(|v| v.into_iter().collect())
            .boxed(),
        Letter => prop::char::range('A', 'Z').prop_map(String::from).boxed(),
        Serial => "[0-9]{14}".boxed(),
    }
}

/// A payload: the required fields, a prefix of the optional ones, and
/// (only when all optional ones are there) up to three extra fields.
fn payload(required: Vec<Shape>, optional: Vec<Shape>) -> impl Strategy<Value = String> {
    let n_opt = optional.len();
    let req: Vec<_> = required.into_iter().map(field).collect();
    let opt: Vec<_> = optional.into_iter().map(field).collect();
    (
        req,
        opt,
        0..=n_opt,
        prop::collection::vec("[0-9]{1,4}", 0..3),
    )
        .prop_map(move |(r, o, k, extra)| {
            let mut all = r;
            all.extend(o.into_iter().take(k));
            if k == n_opt {
                all.extend(extra);
            }
            all.join(" ")
        })
}

fn round_trip(inquiry: Inquiry, payload: &str) -> Result<(), TestCaseError> {
    let mut wire = [0u8; 300];
    let n = frame::encode_response(payload.as_bytes(), &mut wire).unwrap();
    let r = Response::decode_bytes(Some(inquiry), &wire[..n])
        .map_err(|e| TestCaseError::fail(format!("{payload:?}: {e}")))?;
    let mut again = [0u8; 300];
    let m = r.encode(&mut again).unwrap();
    prop_assert_eq!(&again[..m], &wire[..n], "re-encoding of {:?}", payload);
    prop_assert_eq!(
        Response::decode_bytes(Some(inquiry), &again[..m]).unwrap(),
        r
    );
    Ok(())
}

use Shape::*;

fn rep(s: Shape, n: usize) -> Vec<Shape> {
    vec![s; n]
}

fn cat(parts: &[Vec<Shape>]) -> Vec<Shape> {
    parts.concat()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn general_status_round_trips(p in payload(
        cat(&[rep(Dec, 16), vec![Bits(8)]]),
        vec![Dec, Dec, Dec, Bits(3)],
    )) {
        round_trip(Inquiry::GeneralStatus, &p)?;
    }

    #[test]
    fn rated_info_round_trips(p in payload(
        cat(&[rep(Dec, 12), vec![Code(1), Dec, Dec, Code(1), Code(1), Code(1), Dec, Code(2), Code(1), Code(1), Dec, Bit, Bit]]),
        vec![Dec],
    )) {
        round_trip(Inquiry::RatedInfo, &p)?;
    }

    #[test]
    fn defaults_round_trip(p in payload(
        cat(&[rep(Dec, 8), rep(Code(1), 4), rep(Bit, 9), vec![Code(1), Dec, Bit, Bit]]),
        vec![Dec],
    )) {
        round_trip(Inquiry::Defaults, &p)?;
    }

    #[test]
    fn parallel_status_round_trips(p in payload(
        cat(&[vec![Bit, Serial, Letter, Code(2)], rep(Dec, 15), vec![Bits(8), Code(1), Code(1)], rep(Dec, 5)]),
        vec![],
    )) {
        round_trip(Inquiry::ParallelStatus(3), &p)?;
    }

    #[test]
    fn equalization_round_trips(p in payload(
        cat(&[vec![Bit], rep(Dec, 7), vec![Bit, Dec]]),
        vec![],
    )) {
        round_trip(Inquiry::Equalization, &p)?;
    }

    #[test]
    fn short_replies_round_trip(
        bits in "[01]{1,64}",
        en in "[a-z]{0,10}",
        dis in "[a-z]{0,10}",
        list in prop::collection::vec("[0-9]{3}", 1..20),
        letter in prop::char::range('A', 'Z'),
        model in "[0-9]{3}",
        mode in "[0-9]{2}",
        id in "[0-9]{14}",
        ver in "[0-9A-F]{5}\\.[0-9A-F]{2}",
    ) {
        round_trip(Inquiry::Warnings, &bits)?;
        round_trip(Inquiry::Flags, &format!("E{en}D{dis}"))?;
        round_trip(Inquiry::ChargingCurrents, &list.join(" "))?;
        round_trip(Inquiry::UtilityChargingCurrents, &list.join(" "))?;
        round_trip(Inquiry::Mode, &letter.to_string())?;
        round_trip(Inquiry::ModelNumber, &model)?;
        round_trip(Inquiry::OutputMode, &mode)?;
        round_trip(Inquiry::SerialNumber, &id)?;
        round_trip(Inquiry::SerialId, &format!("14{id}000000"))?;
        round_trip(Inquiry::Firmware, &format!("VERFW:{ver}"))?;
        round_trip(Inquiry::Firmware2, &format!("VERFW2:{ver}"))?;
        round_trip(Inquiry::ModelName, &format!("MKS2-{model}"))?;
        round_trip(Inquiry::ProtocolId, "PI30")?;
    }
}

const SETTINGS: [&str; 27] = [
    "PE", "PD", "PF", "MCHGC", "MNCHGC", "MUCHGC", "F", "POP", "PBCV", "PBDV", "PCP", "PGR", "PBT",
    "POPM", "PPCP", "PSDV", "PCVV", "PBFT", "PPVOKC", "PSPB", "PBEQE", "PBEQT", "PBEQP", "PBEQV",
    "PBEQOT", "PBEQA", "PCVT",
];

fn system() -> impl Strategy<Value = BatterySystem> {
    prop_oneof![
        Just(BatterySystem::V12),
        Just(BatterySystem::V24),
        Just(BatterySystem::V48),
        Just(BatterySystem::V48Hv64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Any name and argument: either refused before encoding, or encoded
    /// to a frame the device side decodes back to the same command.
    #[test]
    fn commands_round_trip_or_are_refused(
        name in prop::sample::select(&SETTINGS[..]),
        a in 0u32..1000,
        b in 0u32..1000,
        frac in 0u32..100,
        letters in "[a-z]{1,4}",
        system in system(),
    ) {
        let volts = format!("{}.{:02}", a % 70, frac);
        let args: Vec<String> = match name {
            "PE" | "PD" => vec![letters],
            "PF" => vec![],
            "MNCHGC" | "PPCP" => vec![(a % 12).to_string(), b.to_string()],
            "PBCV" | "PBDV" | "PSDV" | "PCVV" | "PBFT" | "PBEQV" => vec![volts],
            _ => vec![a.to_string()],
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match Command::from_name(name, &args, system) {
            Ok(cmd) => {
                let mut buf = [0u8; 64];
                let n = cmd.encode(&mut buf).unwrap();
                let line = frame::decode_request(&buf[..n]).unwrap();
                prop_assert_eq!(Command::decode(line, system).unwrap(), cmd);
            }
            Err(Error::OutOfRange { .. } | Error::Flag { .. } | Error::Command { .. }) => {}
            Err(e) => return Err(TestCaseError::fail(format!("{name} {args:?}: {e}"))),
        }
    }
}
