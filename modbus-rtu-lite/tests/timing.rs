//! Framing with an injected clock: nothing here sleeps.

use core::time::Duration;

use modbus_rtu_lite::{
    Config, Error, Event, Framer, Line, Mode, Parity, Request, Response, Side, Timing,
    encode_request, encode_response,
};

const US: Duration = Duration::from_micros(1);

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// Feeds `frame` one byte per character time starting at `t`; returns the
/// time of the last byte. A frame that finishes on the way (a byte arriving
/// t3.5 after the previous frame) is taken first and kept in `seen`.
fn send_seen(
    f: &mut Framer,
    line: &Line,
    frame: &[u8],
    t: Duration,
    seen: &mut Vec<Vec<u8>>,
) -> Duration {
    let mut now = t;
    for (i, b) in frame.iter().enumerate() {
        now = t + line.time_of(i + 1);
        if f.feed(now, core::slice::from_ref(b)) == 0 {
            seen.push(f.poll_frame().unwrap().unwrap().to_vec());
            assert_eq!(f.feed(now, core::slice::from_ref(b)), 1);
        }
    }
    now
}

fn send(f: &mut Framer, line: &Line, frame: &[u8], t: Duration) -> Duration {
    let mut seen = Vec::new();
    let end = send_seen(f, line, frame, t, &mut seen);
    assert!(seen.is_empty(), "{seen:?}");
    end
}

fn lines() -> Vec<Line> {
    [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200]
        .into_iter()
        .flat_map(|b| [Line::new(b, Parity::None, 1), Line::new(b, Parity::Even, 1)])
        .collect()
}

#[test]
fn frame_ends_at_exactly_t35() {
    let frame = hex("01 03 00 00 00 0A C5 CD");
    for line in lines() {
        let mut f = Framer::new(line, Mode::Timing, Side::Requests, Duration::ZERO);
        let t0 = line.t35();
        f.handle_timeout(t0); // the line was quiet since power-up
        let last = send(&mut f, &line, &frame, t0);
        assert_eq!(f.poll_timeout(), Some(last + line.t35()), "{line:?}");
        f.handle_timeout(last + line.t35() - US);
        assert!(f.poll_frame().is_none(), "{line:?}: not before t3.5");
        f.handle_timeout(last + line.t35());
        assert_eq!(f.poll_frame(), Some(Ok(&frame[..])), "{line:?}: at t3.5");
    }
}

#[test]
fn t15_edges_inside_a_frame() {
    let frame = hex("01 03 00 00 00 0A C5 CD");
    for line in lines() {
        for (gap, ok) in [
            (line.t15(), true),
            (line.t15() + US, false),
            (line.t35() - US, false),
        ] {
            let mut f = Framer::new(line, Mode::Timing, Side::Requests, Duration::ZERO);
            f.handle_timeout(line.t35());
            let mid = send(&mut f, &line, &frame[..4], line.t35());
            let last = send(&mut f, &line, &frame[4..], mid + gap - line.char_time());
            f.handle_timeout(last + line.t35());
            let got = f.poll_frame();
            if ok {
                assert_eq!(got, Some(Ok(&frame[..])), "{line:?} gap {gap:?}");
            } else {
                assert_eq!(
                    got,
                    Some(Err(Error::Gap)),
                    "{line:?} gap {gap:?}: discarded"
                );
            }
        }
    }
}

#[test]
fn back_to_back_frames_and_bytes_before_quiet() {
    let a = hex("00 06 00 07 00 2A B8 05");
    let b = hex("01 03 00 07 00 01 35 CB");
    let line = Line::new(9600, Parity::Even, 1);
    let mut f = Framer::new(line, Mode::Timing, Side::Requests, Duration::ZERO);
    // Bytes during the power-up silence are dropped and restart it.
    f.feed(Duration::from_micros(100), &[0x55]);
    f.handle_timeout(line.t35());
    assert!(f.poll_frame().is_none());
    let t0 = Duration::from_micros(100) + line.t35();
    f.handle_timeout(t0);
    let end_a = send(&mut f, &line, &a, t0);
    // The next frame starts exactly t3.5 after: two frames.
    let start_b = end_a + line.t35() - line.char_time();
    let mut seen = Vec::new();
    let end_b = send_seen(&mut f, &line, &b, start_b, &mut seen);
    assert_eq!(seen.len(), 1, "the first frame ends as the second starts");
    assert_eq!(seen[0], a);
    f.handle_timeout(end_b + line.t35());
    assert_eq!(f.poll_frame(), Some(Ok(&b[..])));
    // With no gap at all they are one frame, whose CRC fails downstream.
    let mut f = Framer::new(line, Mode::Timing, Side::Requests, Duration::ZERO);
    f.handle_timeout(line.t35());
    let both: Vec<u8> = a.iter().chain(&b).copied().collect();
    let end = send(&mut f, &line, &both, line.t35());
    f.handle_timeout(end + line.t35());
    let merged = f.poll_frame().unwrap().unwrap().to_vec();
    assert!(modbus_rtu_lite::decode_request(&merged).is_err());
}

#[test]
fn length_mode_traps() {
    let line = Line::new(9600, Parity::None, 1);
    let silence = Duration::from_millis(50);
    let mode = Mode::Length { silence };
    // The truncated reply whose prefix passes a naive CRC: wait for 7 bytes.
    let mut f = Framer::new(line, mode, Side::Responses, Duration::ZERO);
    f.feed(Duration::from_millis(1), &hex("01 04 02 03 01 78"));
    assert!(f.poll_frame().is_none());
    f.feed(Duration::from_millis(2), &hex("00"));
    assert_eq!(f.poll_frame(), Some(Ok(&hex("01 04 02 03 01 78 00")[..])));
    // A truncated FC10 claiming 248 more bytes: silence drops it, the next is taken.
    let mut f = Framer::new(line, mode, Side::Requests, Duration::ZERO);
    f.feed(Duration::from_millis(1), &hex("01 10 00 00 00 7C F8 28 12"));
    f.handle_timeout(Duration::from_millis(52));
    assert!(matches!(f.poll_frame(), Some(Err(Error::TooShort { .. }))));
    f.feed(Duration::from_millis(60), &hex("01 03 00 00 00 0A C5 CD"));
    assert_eq!(
        f.poll_frame(),
        Some(Ok(&hex("01 03 00 00 00 0A C5 CD")[..]))
    );
    // A stray 00 before a reply, and a garbage flood: resynchronised in one call.
    let mut f = Framer::new(line, mode, Side::Responses, Duration::ZERO);
    let mut junk: Vec<u8> = [0x01, 0x03].repeat(32 * 1024);
    junk.push(0x00);
    junk.extend(hex("01 03 06 00 00 00 01 00 02 F1 74"));
    let mut rest = &junk[..];
    let mut frames = Vec::new();
    while !rest.is_empty() {
        let n = f.feed(Duration::from_millis(3), rest);
        rest = &rest[n..];
        if let Some(Ok(fr)) = f.poll_frame() {
            frames.push(fr.to_vec());
        }
    }
    assert_eq!(frames, [hex("01 03 06 00 00 00 01 00 02 F1 74")]);
    // FC08/00 requests only silence delimits.
    let mut f = Framer::new(line, mode, Side::Requests, Duration::ZERO);
    let diag = hex("11 08 00 00 A5 37 12 34 97 7E");
    f.feed(Duration::from_millis(1), &diag);
    assert!(f.poll_frame().is_none());
    f.handle_timeout(Duration::from_millis(51));
    assert_eq!(f.poll_frame(), Some(Ok(&diag[..])));
}

/// A simulated 9600 8E1 bus: the client polls a server that answers FC03
/// for 125 registers as soon as a request is final. Time only moves to the
/// next deadline or the end of a transmission.
#[test]
fn poll_loop_reaches_the_wire_limit() {
    let line = Line::new(9600, Parity::Even, 1);
    let mut now = Duration::ZERO;
    let mut client = Config {
        mode: Mode::Timing,
        timeout: Duration::from_millis(500),
        ..Config::new(line)
    }
    .client(now);
    let mut server = Framer::new(line, Mode::Timing, Side::Requests, now);
    server.handle_timeout(line.t35());
    let regs = [0x12u8; 250];
    let request = Request::ReadHoldingRegisters {
        start: 0,
        quantity: 125,
    };
    let mut done = 0u32;
    let total = Duration::from_secs(10);
    // Let the client's framer see its power-up silence too.
    now += line.t35();
    client.handle_timeout(now);
    while now < total {
        client.send(now, &(1, request)).unwrap();
        let req = client.poll_transmit(now).unwrap().to_vec();
        let end = send(&mut server, &line, &req, now);
        now = end + line.t35();
        server.handle_timeout(now);
        let frame = server.poll_frame().unwrap().unwrap().to_vec();
        let (_, r) = modbus_rtu_lite::decode_request(&frame).unwrap();
        assert_eq!(r, request);
        let mut out = [0u8; 256];
        let n = encode_response(
            1,
            &Response::ReadHoldingRegisters(modbus_rtu_lite::Words::new(&regs)),
            &mut out,
        )
        .unwrap();
        // The reply goes out byte by byte; the client sees it t3.5 after the last.
        let mut t = now;
        for (i, b) in out[..n].iter().enumerate() {
            t = now + line.time_of(i + 1);
            client.feed(t, core::slice::from_ref(b));
        }
        now = client.poll_timeout().unwrap().max(t);
        client.handle_timeout(now);
        match client.poll_event() {
            Some(Event::Reply(rep)) => {
                assert!(
                    matches!(client.answer(rep).response(), Response::ReadHoldingRegisters(w) if w.len() == 125)
                );
                done += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    // The wire limit: every transaction needs its request, t3.5, the reply
    // and t3.5 on the line. Compare with the simulated time that passed.
    let one = line.time_of(8) + line.t35() + line.time_of(255) + line.t35();
    let elapsed = now - line.t35();
    let limit = elapsed.as_secs_f64() / one.as_secs_f64();
    let ratio = f64::from(done) / limit;
    eprintln!(
        "{done} FC03 x125 transactions in {:.3} s simulated at 9600 8E1; wire limit {limit:.2}; {:.1} %",
        elapsed.as_secs_f64(),
        ratio * 100.0
    );
    assert!(ratio >= 0.95, "{ratio}");
}

#[test]
fn client_broadcast_turnaround_and_strays() {
    let line = Line::new(19200, Parity::Even, 1);
    let t = |ms| Duration::from_millis(ms);
    let mut c = Config {
        mode: Mode::Timing,
        timeout: t(300),
        turnaround: t(100),
        ..Config::new(line)
    }
    .client(Duration::ZERO);
    c.handle_timeout(line.t35());
    c.send(
        t(1),
        &(
            0,
            Request::WriteSingleRegister {
                address: 7,
                value: 42,
            },
        ),
    )
    .unwrap();
    assert_eq!(
        c.poll_transmit(t(1)),
        Some(&hex("00 06 00 07 00 2A B8 05")[..])
    );
    assert_eq!(c.poll_event(), Some(Event::Broadcast), "no reply awaited");
    // The next request waits out the turnaround.
    c.send(
        t(2),
        &(
            1,
            Request::ReadHoldingRegisters {
                start: 0,
                quantity: 1,
            },
        ),
    )
    .unwrap();
    assert_eq!(c.poll_transmit(t(50)), None);
    assert_eq!(c.poll_timeout(), Some(t(101)));
    assert!(c.poll_transmit(t(101)).is_some());
    // A reply from another server is not accepted; the time-out keeps running.
    let mut out = [0u8; 64];
    let n = encode_response(
        2,
        &Response::ReadHoldingRegisters(modbus_rtu_lite::Words::new(&[0, 1])),
        &mut out,
    )
    .unwrap();
    c.feed(t(110), &out[..n]);
    c.handle_timeout(t(120));
    assert_eq!(c.poll_event(), None);
    assert!(matches!(
        c.poll_stray(),
        Some(Error::Mismatch {
            found_address: 2,
            ..
        })
    ));
    // An exception is a reply.
    let n = encode_response(
        1,
        &Response::Exception {
            function: 3,
            code: modbus_rtu_lite::Exception::IllegalDataAddress,
        },
        &mut out,
    )
    .unwrap();
    c.feed(t(130), &out[..n]);
    c.handle_timeout(t(135));
    let Some(Event::Reply(r)) = c.poll_event() else {
        panic!()
    };
    assert!(matches!(
        c.answer(r).response(),
        Response::Exception { function: 3, .. }
    ));
    // Silence: a time-out.
    c.send(
        t(200),
        &(
            1,
            Request::ReadCoils {
                start: 0,
                quantity: 8,
            },
        ),
    )
    .unwrap();
    assert!(c.poll_transmit(t(200)).is_some());
    c.handle_timeout(t(500));
    assert_eq!(c.poll_event(), Some(Event::Timeout));
    // Refused before anything is sent.
    assert!(
        c.send(
            t(600),
            &(
                0,
                Request::ReadCoils {
                    start: 0,
                    quantity: 8
                }
            )
        )
        .is_err()
    );
    assert!(c.poll_transmit(t(600)).is_none());
    let _ = encode_request;
}

/// One step of [`run`]: when the framer asks to be woken, and what it
/// handed out, if anything.
type Step = (Option<Duration>, Option<Result<Vec<u8>, Error>>);

/// What a framer hands out, item by item, and when it asks to be woken,
/// for bytes arriving one at a time at the times given.
fn run<S: modbus_rtu_lite::Sided, M: modbus_rtu_lite::Delimiting>(
    f: &mut Framer<S, M>,
    bytes: &[(Duration, u8)],
) -> Vec<Step> {
    let mut out = vec![(f.poll_timeout(), None)];
    let take = |f: &mut Framer<S, M>, out: &mut Vec<_>| {
        while let Some(item) = f.poll_frame() {
            let item = item.map(<[u8]>::to_vec);
            out.push((f.poll_timeout(), Some(item)));
        }
    };
    for &(now, b) in bytes {
        while f.feed(now, &[b]) == 0 {
            take(f, &mut out);
        }
        take(f, &mut out);
        out.push((f.poll_timeout(), None));
    }
    let end = bytes.last().map_or(Duration::ZERO, |&(t, _)| t) + Duration::from_secs(1);
    f.handle_timeout(end);
    take(f, &mut out);
    f.handle_timeout(end + Duration::from_secs(1));
    take(f, &mut out);
    out.push((f.poll_timeout(), None));
    out
}

#[test]
fn a_mode_fixed_at_compile_time_frames_as_the_run_time_one() {
    use modbus_rtu_lite::{LengthMode, RequestSide, TimingMode};
    let line = Line::new(9600, Parity::None, 1);
    let silence = Duration::from_millis(50);
    // Noise, a request, a request with a t1.5 gap, a request cut short,
    // a request after the line was quiet, each byte a character time
    // after the one before, the gaps between them given.
    let fc03 = hex("01 03 00 00 00 04 44 09");
    let fc06 = hex("01 06 00 01 12 34 D5 7D");
    let mut bytes = Vec::new();
    let mut now = Duration::from_millis(1);
    let mut put = |gap: Duration, frame: &[u8]| {
        now += gap;
        for &b in frame {
            now += line.time_of(1);
            bytes.push((now, b));
        }
    };
    put(Duration::ZERO, &[0xFF, 0x00, 0x41]);
    put(Duration::from_millis(1), &fc03);
    put(Duration::from_millis(100), &fc06[..3]);
    put(Duration::from_millis(2), &fc06[3..]);
    put(Duration::from_millis(100), &fc03[..5]);
    put(Duration::from_millis(100), &fc06);
    put(Duration::ZERO, &fc03);
    let t = Duration::ZERO;
    let length = Mode::Length { silence };
    let frames = |items: &[Step]| {
        items
            .iter()
            .filter(|(_, i)| matches!(i, Some(Ok(_))))
            .count()
    };
    let by_length = run(&mut Framer::new(line, length, RequestSide, t), &bytes);
    assert_eq!(frames(&by_length), 4, "{by_length:?}");
    assert_eq!(
        run(
            &mut Framer::new(line, LengthMode { silence }, RequestSide, t),
            &bytes
        ),
        by_length
    );
    let by_timing = run(&mut Framer::new(line, Mode::Timing, RequestSide, t), &bytes);
    assert_eq!(frames(&by_timing), 2, "{by_timing:?}");
    assert_eq!(
        run(&mut Framer::new(line, TimingMode, RequestSide, t), &bytes),
        by_timing
    );
    // Length mode asks for no wake-up before any byte; timing mode waits
    // for t3.5 of quiet first.
    let idle = Framer::new(line, LengthMode { silence }, RequestSide, t);
    assert_eq!(idle.poll_timeout(), None);
    let quiet = Framer::new(line, TimingMode, RequestSide, t);
    assert!(quiet.poll_timeout().is_some());
}
