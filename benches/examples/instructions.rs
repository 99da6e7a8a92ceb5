//! Runs one operation N times, for instruction counting under
//! `valgrind --tool=callgrind` (deterministic, unlike wall time):
//! `instructions <crc|deframe|full|naive|mb-encode|mc-encode|mb-crc|pylon|pylon-frame|pylon-all|enc|points|points-frame|sdm630|sdm630-frame|mb-exc|mc-exc|length-framer|can|can-ref|can-floor|slcan|hex-floor|ydt-framer|line-framer> <N>`
//! (`mb-*`: modbus-rtu-lite's FC03 request encode and its CRC on the same
//! 6 bytes; `mc-encode`: modbus-core's; `pylon`: a Pylontech 0x42 reply
//! decoded, `pylon-frame` its frame alone, `pylon-all` the whole result
//! kept; `enc`: an ENC reply's frame; `points`: every point of a
//! YD/T 1363 INFO through the ups-cms table; `mb-exc`, `mc-exc`: an
//! exception reply decoded by modbus-rtu-lite and by modbus-core;
//! `length-framer`: a 255-byte reply through the length framer; `can`,
//! `can-ref`, `can-floor`, `slcan`, `hex-floor`, `ydt-framer`,
//! `line-framer`: see
//! [`can_cases`]; `crc:NAME`, `deframe:NAME`, `full:NAME`: the QPIGS
//! cases over another Axpert reply of `benches::AXPERT_ROWS`, e.g.
//! `full:qpiri`, and `decode:NAME`, the reply's decode alone, see
//! [`axpert_cases`]). Subtract a run of N from one of 2N for the cost of
//! N.
//!
//! With `TIME` set in the environment it also prints the least wall time
//! per operation over 30 rounds of N, a rough A/B check beside
//! criterion's medians.

use std::hint::black_box;

use axpert_proto::{Framer, Inquiry, Response, crc16};
use benches::{QPIGS_110, naive_decode};

/// Every point of `ups-cms.toml`'s command 01, `n` times, from an INFO of
/// 16-bit words of 0x08FC (the `points` bench's reply).
fn points(n: u32) -> usize {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../points/tables/ups-cms.toml");
    let file = points::file::File::load(&path).unwrap_or_else(|e| panic!("{e}"));
    file.with_table(|t| {
        let info: Vec<u8> = b"08FC".iter().copied().cycle().take(4 * 62).collect();
        let mut ok = 0usize;
        for _ in 0..n {
            for (_, v) in t.decode("01", "", points::Reply::payload(black_box(&info))) {
                ok += usize::from(black_box(v).is_ok());
            }
        }
        ok
    })
    .unwrap_or(0)
}

/// The point tables' other criterion cases, `n` times: `points-frame`,
/// the `points` case from the whole YD/T 1363 frame (checked and
/// decoded first: the bench's `decode`); `sdm630`, the points of
/// `sdm630.toml`'s first FC04 read from its register data, and
/// `sdm630-frame`, from the whole Modbus reply (CRC checked and decoded
/// first), as `benches/benches/points.rs` builds them.
fn point_cases(what: &str, n: u32) -> Option<usize> {
    use points::{Reply, Table, file::File};
    if !matches!(what, "points-frame" | "sdm630" | "sdm630-frame") {
        return None;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../points/tables");
    let count = |t: &Table<'_>, command: &str, variant: &str, reply: Reply<'_>| {
        let mut ok = 0usize;
        for (_, v) in t.decode(command, variant, reply) {
            ok += usize::from(black_box(v).is_ok());
        }
        ok
    };
    if what == "points-frame" {
        let file = File::load(&dir.join("ups-cms.toml")).unwrap_or_else(|e| panic!("{e}"));
        let info: Vec<u8> = [0x08, 0xFC].iter().copied().cycle().take(2 * 62).collect();
        let mut buf = [0u8; 512];
        let len = ydt1363::encode_request(0x21, 1, 0x2A, 0x00, &info, &mut buf).ok()?;
        let frame = &buf[..len];
        return file
            .with_table(|t| {
                let run = |n: u32| {
                    let mut ok = 0;
                    for _ in 0..n {
                        if let Ok(f) = ydt1363::Frame::decode(black_box(frame)) {
                            ok += count(t, "01", "", Reply::payload(f.info));
                        }
                    }
                    ok
                };
                time(run, n);
                run(n)
            })
            .ok();
    }
    let file = File::load(&dir.join("sdm630.toml")).unwrap_or_else(|e| panic!("{e}"));
    file.with_table(|t| {
        let variant = t.default_variant();
        let (first, _, pts, reply) = benches::sdm630_first_read(t, variant);
        let block = Table { points: &pts, ..*t };
        let data = &reply[3..reply.len() - 2];
        let run = |n: u32| {
            let mut ok = 0;
            for _ in 0..n {
                ok += if what == "sdm630" {
                    count(
                        &block,
                        "04",
                        variant,
                        Reply::registers(first, black_box(data)),
                    )
                } else {
                    match modbus_rtu_lite::decode_response(black_box(&reply)) {
                        Ok((_, modbus_rtu_lite::Response::ReadInputRegisters(w))) => {
                            count(&block, "04", variant, Reply::registers(first, w.bytes()))
                        }
                        _ => 0,
                    }
                };
            }
            ok
        };
        time(run, n);
        Some(run(n))
    })
    .ok()?
}

/// A 255-byte FC03 reply (125 registers) through the length framer, `n`
/// times, a second apart.
fn length_framer(n: u32) -> usize {
    use core::time::Duration;
    let mut body = vec![1u8, 3, 250];
    body.extend((0..250u32).map(|i| i as u8));
    let reply = benches::adu(&body);
    let silence = Duration::from_millis(50);
    let mode = modbus_rtu_lite::Mode::Length { silence };
    let mut now = Duration::ZERO;
    let mut f = modbus_rtu_lite::Framer::new(
        modbus_rtu_lite::LINE,
        mode,
        modbus_rtu_lite::ResponseSide,
        now,
    );
    let mut got = 0;
    for _ in 0..n {
        now += Duration::from_secs(1);
        f.feed(now, black_box(&reply));
        f.handle_timeout(now + silence);
        got += f.poll_frame().map_or(0, |r| r.map_or(0, <[u8]>::len));
    }
    got
}

/// The CAN benchmarks' cases, `n` times over the 32 captured frames:
/// `can` (`bms_can::Message::decode` of each, the result passed whole to
/// `black_box` as the criterion bench does), `can-ref` (the same, the
/// result read where the call wrote it), `can-floor`, `slcan` (the frames
/// as `t` lines through `slcan::Decoder`), `hex-floor`; `ydt-framer`:
/// the UP2500 0x42 reply through the YD/T 1363 deframer (with the frame
/// check), `line-framer` through proto-core's `LineFramer` alone.
fn can_cases(what: &str, n: u32) -> Option<usize> {
    let frames = benches::can_frames();
    let (stream, _) = benches::slcan_stream();
    let run = |n: u32| -> Option<usize> {
        let mut sink = 0usize;
        match what {
            "can" => {
                for _ in 0..n {
                    for (id, d) in black_box(&frames) {
                        sink += usize::from(black_box(bms_can::Message::decode(*id, d)).is_ok());
                    }
                }
            }
            "can-ref" => {
                for _ in 0..n {
                    for (id, d) in black_box(&frames) {
                        let m = bms_can::Message::decode(*id, d);
                        sink += usize::from(black_box(&m).is_ok());
                    }
                }
            }
            "can-floor" => {
                for _ in 0..n {
                    for (id, d) in black_box(&frames) {
                        sink += benches::can_floor(d) as usize ^ usize::from(*id);
                    }
                }
            }
            "slcan" => {
                let mut d = slcan::Decoder::new();
                for _ in 0..n {
                    let mut rest = black_box(&stream[..]);
                    while !rest.is_empty() {
                        let (used, m) = d.feed(rest);
                        rest = &rest[used..];
                        if let Some(Ok(slcan::Message::Frame(f))) = m {
                            sink += f.bytes().len();
                        }
                    }
                }
            }
            "hex-floor" => {
                for _ in 0..n {
                    sink += benches::hex_floor(black_box(&stream)) as usize;
                }
            }
            "line-framer" => {
                static D: proto_core::Delimiters = proto_core::Delimiters {
                    starts: b"~",
                    restarts: b"~",
                    ends: b"\r",
                };
                let mut f = proto_core::LineFramer::<1024>::new(&D);
                for _ in 0..n {
                    let mut rest = black_box(benches::PYLON_42_UP2500);
                    while !rest.is_empty() {
                        let (used, ev) = f.feed(rest);
                        rest = &rest[used..];
                        sink += ev.map_or(0, |r| r.map_or(0, <[u8]>::len));
                    }
                }
            }
            "ydt-framer" => {
                let mut f = ydt1363::Framer::<1024>::new();
                for _ in 0..n {
                    let mut rest = black_box(benches::PYLON_42_UP2500);
                    while !rest.is_empty() {
                        let (used, m) = f.feed(rest);
                        rest = &rest[used..];
                        sink += m.map_or(0, |m| m.map_or(0, |f| usize::from(f.cid2)));
                    }
                }
            }
            _ => return None,
        }
        Some(sink)
    };
    run(0)?;
    time(|n| run(n).unwrap_or(0), n);
    run(n)
}

/// `crc:NAME`, `deframe:NAME`, `full:NAME`: what `crc`, `deframe` and
/// `full` do for QPIGS, over the Axpert reply `NAME` of
/// `benches::AXPERT_ROWS` (`qpigs`, `qpiri`, `qpgs0`, `qpiws`, `qmod`),
/// answering the inquiry the criterion bench gives it; `decode:NAME`
/// the typed reply alone, from a frame checked once before the loop.
fn axpert_cases(what: &str, n: u32) -> Option<usize> {
    let (kind, name) = what.split_once(':')?;
    if !matches!(kind, "crc" | "deframe" | "full" | "decode") {
        return None;
    }
    let frame = benches::axpert(name);
    let inquiry = match name {
        "qpigs" => Inquiry::GeneralStatus,
        "qpiri" => Inquiry::RatedInfo,
        "qpgs0" => Inquiry::ParallelStatus(0),
        "qpiws" => Inquiry::Warnings,
        "qmod" => Inquiry::Mode,
        _ => return None,
    };
    let checked = axpert_proto::Frame::decode(&frame).ok()?;
    let run = |n: u32| -> usize {
        let mut framer = Framer::<256>::new();
        let mut sink = 0usize;
        for _ in 0..n {
            sink += match kind {
                "crc" => usize::from(crc16(black_box(&frame[..frame.len() - 3]))),
                "deframe" => {
                    let (_, f) = framer.feed(black_box(&frame));
                    f.map_or(0, |f| f.map_or(0, |f| f.payload.len()))
                }
                "full" => {
                    let (_, f) = framer.feed(black_box(&frame));
                    let f = f.and_then(Result::ok);
                    let r = f.map(|f| Response::decode(Some(inquiry), &f));
                    usize::from(matches!(black_box(r), Some(Ok(_))))
                }
                "decode" => {
                    let r = Response::decode(Some(inquiry), black_box(&checked));
                    usize::from(black_box(r).is_ok())
                }
                _ => 0,
            };
        }
        sink
    };
    time(run, n);
    Some(run(n))
}

/// With `TIME` set in the environment: the least wall time per operation
/// over 30 rounds of `n` (a rough A/B check beside criterion's medians,
/// less moved by other load on the machine), printed to stderr.
fn time(run: impl Fn(u32) -> usize, n: u32) {
    if std::env::var_os("TIME").is_none() {
        return;
    }
    let mut best = f64::MAX;
    for _ in 0..30 {
        let t = std::time::Instant::now();
        black_box(run(n));
        best = best.min(t.elapsed().as_nanos() as f64 / f64::from(n));
    }
    eprintln!("{best:.1} ns/iteration (least of 30 rounds of {n})");
}

/// An exception reply: unit 1, FC03, illegal data address.
const EXCEPTION: [u8; 5] = [1, 0x83, 0x02, 0xC0, 0xF1];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("full");
    let n: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    if what == "length-framer" {
        println!("{}", length_framer(n));
        return;
    }
    if what == "points" {
        println!("{}", points(n));
        return;
    }
    if let Some(r) = point_cases(what, n) {
        println!("{r}");
        return;
    }
    if let Some(r) = can_cases(what, n) {
        println!("{r}");
        return;
    }
    if let Some(r) = axpert_cases(what, n) {
        println!("{r}");
        return;
    }
    time(|n| ops(what, n), n);
    let sink = ops(what, n);
    println!("{sink}");
}

/// The single-frame cases, `n` times.
fn ops(what: &str, n: u32) -> usize {
    let mut framer = Framer::<256>::new();
    let mut sink = 0usize;
    let mut buf = [0u8; 256];
    for _ in 0..n {
        sink += match what {
            "crc" => usize::from(crc16(black_box(&QPIGS_110[..QPIGS_110.len() - 3]))),
            "deframe" => {
                let (_, f) = framer.feed(black_box(QPIGS_110));
                f.map_or(0, |f| f.map_or(0, |f| f.payload.len()))
            }
            "full" => {
                let (_, f) = framer.feed(black_box(QPIGS_110));
                let f = f.and_then(Result::ok);
                let r = f.map(|f| Response::decode(Some(Inquiry::GeneralStatus), &f));
                usize::from(matches!(black_box(r), Some(Ok(_))))
            }
            "mb-encode" => {
                let r = modbus_rtu_lite::Request::ReadHoldingRegisters {
                    start: black_box(0x2000),
                    quantity: 125,
                };
                modbus_rtu_lite::encode_request(1, &r, &mut buf).unwrap_or(0)
            }
            "mb-crc" => usize::from(modbus_rtu_lite::crc16(black_box(&[1, 3, 0x20, 0, 0, 125]))),
            "mc-encode" => {
                let pdu = modbus_core::RequestPdu(modbus_core::Request::ReadHoldingRegisters(
                    black_box(0x2000),
                    125,
                ));
                let hdr = modbus_core::rtu::Header { slave: 1 };
                let adu = modbus_core::rtu::RequestAdu { hdr, pdu };
                modbus_core::rtu::client::encode_request(adu, &mut buf).unwrap_or(0)
            }
            "pylon" => {
                let f = ydt1363::Frame::decode(black_box(benches::PYLON_42_UP2500));
                let a = f.and_then(|f| ydt1363::pylontech::Analog::decode(&f));
                a.map_or(0, |a| usize::from(a.block.voltage_mv))
            }
            "pylon-frame" => ydt1363::Frame::decode(black_box(benches::PYLON_42_UP2500))
                .map_or(0, |f| f.info.len()),
            "pylon-all" => {
                let f = ydt1363::Frame::decode(black_box(benches::PYLON_42_UP2500));
                let a = f.and_then(|f| ydt1363::pylontech::Analog::decode(&f));
                usize::from(black_box(a).is_ok())
            }
            "enc" => enc_ascii::Frame::decode(black_box(benches::ENC_RUNNING_REPLY))
                .map_or(0, |f| usize::from(f.address)),
            // The code out of the result, as the criterion case does (a
            // whole result through black_box would measure its copy).
            "mb-exc" => match modbus_rtu_lite::decode_response(black_box(&EXCEPTION)) {
                Ok((_, modbus_rtu_lite::Response::Exception { code, .. })) => {
                    usize::from(code.code())
                }
                _ => 0,
            },
            "mc-exc" => match modbus_core::rtu::client::decode_response(black_box(&EXCEPTION)) {
                Ok(Some(adu)) => usize::from(adu.pdu.0.is_err()),
                _ => 0,
            },
            _ => naive_decode(black_box(QPIGS_110)).map_or(0, |v| v.len()),
        };
    }
    sink
}
