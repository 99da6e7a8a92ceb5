//! CAN: every frame of `testdata/captures/bms-can.jsonl` (32 frames from
//! batteries, inverters and emulators), decoded by `bms-can`; and the same
//! frames as an SLCAN stream (a `t` line each), through `slcan`'s
//! streaming decoder, then `bms-can`.
//!
//! Neither carries a checksum a decoder computes (the CAN controller
//! checks the CRC). Their floors:
//!
//! - BMS CAN: each frame's data copied out and read as little-endian
//!   16-bit fields, the field extraction every message decoder makes;
//! - SLCAN: every hex digit of the stream turned into its nibble, the one
//!   pass over every byte that any decoder of the format makes.
//!
//! Each iteration handles all 32 frames; the bytes counted are the CAN
//! data bytes (BMS CAN) or the SLCAN characters.

use std::hint::black_box;

use benches::{can_floor, can_frames, hex_floor, slcan_stream};
use bms_can::Message;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bms(c: &mut Criterion) {
    let frames = can_frames();
    let bytes: usize = frames.iter().map(|(_, d)| d.len()).sum();
    let mut g = c.benchmark_group(format!("bms-can/capture frames [{} frames]", frames.len()));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("floor", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for (id, d) in black_box(&frames) {
                acc = acc.wrapping_add(can_floor(d) ^ u32::from(*id));
            }
            acc
        })
    });
    g.bench_function("decode", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for (id, d) in black_box(&frames) {
                // By reference: the decoded value stays where decode wrote
                // it (a copy of the 32-byte result by value measured a
                // store-forwarding stall, not the decoder).
                let m = Message::decode(*id, d);
                ok += usize::from(black_box(&m).is_ok());
            }
            ok
        })
    });
    g.finish();
}

fn slcan(c: &mut Criterion) {
    let (stream, n) = slcan_stream();
    let mut g = c.benchmark_group(format!("slcan/capture frames as t lines [{n} frames]"));
    g.throughput(Throughput::Bytes(stream.len() as u64));
    g.bench_function("floor", |b| b.iter(|| hex_floor(black_box(&stream))));
    g.bench_function("framer+decode", |b| {
        let mut d = slcan::Decoder::new();
        b.iter(|| {
            let (mut rest, mut got) = (black_box(&stream[..]), 0usize);
            while !rest.is_empty() {
                let (used, m) = d.feed(rest);
                rest = &rest[used..];
                if let Some(Ok(slcan::Message::Frame(f))) = m {
                    got += f.bytes().len();
                }
            }
            got
        })
    });
    g.bench_function("framer+decode+bms-can", |b| {
        let mut d = slcan::Decoder::new();
        b.iter(|| {
            let (mut rest, mut ok) = (black_box(&stream[..]), 0usize);
            while !rest.is_empty() {
                let (used, m) = d.feed(rest);
                rest = &rest[used..];
                if let Some(Ok(slcan::Message::Frame(f))) = m {
                    let m = Message::decode_raw(&f);
                    ok += usize::from(black_box(&m).is_ok());
                }
            }
            ok
        })
    });
    g.finish();
}

criterion_group!(benches, bms, slcan);
criterion_main!(benches);
