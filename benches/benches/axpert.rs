//! Axpert (PI30): real replies from the captures, each beside its floor,
//! the CRC-16/XMODEM pass alone over the bytes the CRC covers:
//!
//! - `framer`: the streaming deframer (start, CR, CRC check);
//! - `framer+decode`: that and the typed reply (every field parsed, exact
//!   decimals), what a host does with each reply;
//! - for QPIGS also a naive split-and-parse-to-`f32` decoder and the
//!   encoder; and the device side: a request line through the
//!   `RequestFramer` and `Command::decode`.

use std::hint::black_box;

use axpert_proto::{BatterySystem, Command, Framer, Inquiry, RequestFramer, Response, crc16};
use benches::{AXPERT_ROWS, axpert, naive_decode};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn inquiry(name: &str) -> Inquiry {
    match name {
        "qpigs" => Inquiry::GeneralStatus,
        "qpiri" => Inquiry::RatedInfo,
        "qpgs0" => Inquiry::ParallelStatus(0),
        "qpiws" => Inquiry::Warnings,
        "qmod" => Inquiry::Mode,
        _ => unreachable!("{name}"),
    }
}

fn replies(c: &mut Criterion) {
    for &(name, _, _) in AXPERT_ROWS {
        let frame = axpert(name);
        let inq = inquiry(name);
        let mut g = c.benchmark_group(format!("axpert/{name} reply"));
        g.throughput(Throughput::Bytes(frame.len() as u64));
        g.bench_function("floor", |b| {
            b.iter(|| crc16(black_box(&frame[..frame.len() - 3])))
        });
        g.bench_function("framer", |b| {
            let mut framer = Framer::<256>::new();
            b.iter(|| {
                let (_, f) = framer.feed(black_box(&frame));
                f.unwrap().unwrap().payload.len()
            })
        });
        g.bench_function("framer+decode", |b| {
            let mut framer = Framer::<256>::new();
            b.iter(|| {
                let (_, f) = framer.feed(black_box(&frame));
                Response::decode(Some(inq), &f.unwrap().unwrap()).unwrap()
            })
        });
        if name == "qpigs" {
            g.bench_function("naive split+parse f32", |b| {
                b.iter(|| naive_decode(black_box(&frame)).unwrap())
            });
            g.bench_function("encode", |b| {
                let r = Response::decode_bytes(Some(inq), &frame).unwrap();
                let mut buf = [0u8; 256];
                b.iter(|| black_box(&r).encode(&mut buf).unwrap())
            });
        }
        g.finish();
    }
}

fn requests(c: &mut Criterion) {
    let mut line = [0u8; 16];
    let n = Command::Inquiry(Inquiry::GeneralStatus)
        .encode(&mut line)
        .unwrap();
    let line = &line[..n];
    let mut g = c.benchmark_group("axpert/QPIGS request (device side)");
    g.throughput(Throughput::Bytes(line.len() as u64));
    g.bench_function("floor", |b| {
        b.iter(|| crc16(black_box(&line[..line.len() - 3])))
    });
    g.bench_function("framer+decode", |b| {
        let mut framer = RequestFramer::<64>::new();
        b.iter(|| {
            let (_, cmd) = framer.feed(black_box(line));
            Command::decode(cmd.unwrap().unwrap(), BatterySystem::V48).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, replies, requests);
criterion_main!(benches);
