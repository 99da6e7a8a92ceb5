//! The ASCII-hex protocols with a sum checksum: ENC drives and YD/T 1363
//! (Pylontech batteries, modular UPSes). Each case beside its floor, the
//! sum pass alone over the characters the checksum covers
//! (`enc_ascii::checksum`, `proto_core::hex::sum_complement`):
//!
//! - `framer`: the streaming deframer and the frame check (characters,
//!   lengths, checksum);
//! - `framer+decode`: that and the typed message, what a host (or, for
//!   requests, a device) does with each frame;
//! - `decode`: the whole frame's bytes decoded in one step, no framer.

use std::hint::black_box;

use benches::{
    ENC_RUNNING_REPLY, ENC_SET_FREQUENCY, ENC_STATE_REQUEST, PYLON_42_UP2500, PYLON_42_US2000X3,
    ydt_frames,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use enc_ascii::{Radix, Request as EncRequest, Response as EncResponse};
use proto_core::hex::sum_complement;
use ydt1363::pylontech::{Analog, AnalogAll, Command as PylonCommand};

fn enc(c: &mut Criterion) {
    let cases: [(&str, &[u8], bool); 3] = [
        ("set-frequency request (manual)", ENC_SET_FREQUENCY, true),
        ("state request (manual)", ENC_STATE_REQUEST, true),
        ("running reply (manual)", ENC_RUNNING_REPLY, false),
    ];
    for (name, frame, is_request) in cases {
        let mut g = c.benchmark_group(format!("enc/{name}"));
        g.throughput(Throughput::Bytes(frame.len() as u64));
        // Address through data: between `~` and the checksum's 4 digits + CR.
        let covered = &frame[1..frame.len() - 5];
        g.bench_function("floor", |b| {
            b.iter(|| enc_ascii::checksum(black_box(covered)))
        });
        g.bench_function("framer", |b| {
            let mut f = enc_ascii::Framer::<32>::new();
            b.iter(|| f.feed(black_box(frame)).1.unwrap().unwrap())
        });
        g.bench_function("framer+decode", |b| {
            let mut f = enc_ascii::Framer::<32>::new();
            b.iter(|| {
                let frame = f.feed(black_box(frame)).1.unwrap().unwrap();
                if is_request {
                    EncRequest::decode(&frame).map(|r| r.address).unwrap().get()
                } else {
                    EncResponse::decode(&frame, Radix::Literal).address
                }
            })
        });
        g.finish();
    }
}

fn ydt_floor(frame: &[u8]) -> u16 {
    // VER through INFO: between `~` and CHKSUM's 4 digits + CR.
    sum_complement(&frame[1..frame.len() - 5])
}

fn ydt(c: &mut Criterion) {
    for frame in ydt_frames() {
        let f = ydt1363::Frame::decode(&frame).unwrap();
        let kind = if f.cid2 == 0 { "reply" } else { "request" };
        let mut g = c.benchmark_group(format!(
            "ydt1363/frame: {kind} VER {:02X} CID2|RTN {:02X}, {} INFO chars (capture)",
            f.ver,
            f.cid2,
            f.info.len()
        ));
        g.throughput(Throughput::Bytes(frame.len() as u64));
        g.bench_function("floor", |b| b.iter(|| ydt_floor(black_box(&frame))));
        g.bench_function("framer", |b| {
            let mut fr = ydt1363::Framer::<1024>::new();
            b.iter(|| fr.feed(black_box(&frame)).1.unwrap().unwrap().info.len())
        });
        g.bench_function("decode", |b| {
            b.iter(|| {
                ydt1363::Frame::decode(black_box(&frame))
                    .unwrap()
                    .info
                    .len()
            })
        });
        if f.cid2 == 0x42 {
            g.bench_function("framer+decode", |b| {
                let mut fr = ydt1363::Framer::<1024>::new();
                b.iter(|| {
                    let f = fr.feed(black_box(&frame)).1.unwrap().unwrap();
                    PylonCommand::decode(&f).unwrap()
                })
            });
        }
        g.finish();
    }

    let mut g = c.benchmark_group("pylontech/0x42 analog reply, one pack (UP2500)");
    g.throughput(Throughput::Bytes(PYLON_42_UP2500.len() as u64));
    g.bench_function("floor", |b| {
        b.iter(|| ydt_floor(black_box(PYLON_42_UP2500)))
    });
    g.bench_function("framer+decode", |b| {
        let mut fr = ydt1363::Framer::<1024>::new();
        b.iter(|| {
            let f = fr.feed(black_box(PYLON_42_UP2500)).1.unwrap().unwrap();
            Analog::decode(&f).unwrap()
        })
    });
    g.bench_function("decode", |b| {
        b.iter(|| {
            Analog::decode(&ydt1363::Frame::decode(black_box(PYLON_42_UP2500)).unwrap()).unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("pylontech/0x42 analog reply, all packs (US2000 x3)");
    g.throughput(Throughput::Bytes(PYLON_42_US2000X3.len() as u64));
    g.bench_function("floor", |b| {
        b.iter(|| ydt_floor(black_box(PYLON_42_US2000X3)))
    });
    g.bench_function("framer+decode", |b| {
        let mut fr = ydt1363::Framer::<1024>::new();
        b.iter(|| {
            let f = fr.feed(black_box(PYLON_42_US2000X3)).1.unwrap().unwrap();
            let mut mv = 0u32;
            for block in AnalogAll::decode(&f).unwrap() {
                mv += u32::from(block.unwrap().voltage_mv);
            }
            mv
        })
    });
    g.bench_function("decode", |b| {
        b.iter(|| {
            let f = ydt1363::Frame::decode(black_box(PYLON_42_US2000X3)).unwrap();
            let mut mv = 0u32;
            for block in AnalogAll::decode(&f).unwrap() {
                mv += u32::from(block.unwrap().voltage_mv);
            }
            mv
        })
    });
    g.finish();
}

criterion_group!(benches, enc, ydt);
criterion_main!(benches);
