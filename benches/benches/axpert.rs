//! Deframe + CRC + QPIGS parse on a real 110-byte frame, beside a CRC-only
//! pass over the same bytes (the floor) and a naive split-and-parse decoder.

use std::hint::black_box;

use axpert_proto::{Framer, Inquiry, Response, crc16};
use benches::{QPIGS_110, naive_decode};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn qpigs(c: &mut Criterion) {
    let mut g = c.benchmark_group("axpert_qpigs_110B");
    g.throughput(Throughput::Bytes(QPIGS_110.len() as u64));

    g.bench_function("crc_only", |b| {
        b.iter(|| crc16(black_box(&QPIGS_110[..QPIGS_110.len() - 3])))
    });

    g.bench_function("deframe_crc_parse", |b| {
        let mut framer = Framer::<256>::new();
        b.iter(|| {
            let (_, frame) = framer.feed(black_box(QPIGS_110));
            let frame = frame.unwrap().unwrap();
            Response::decode(Some(Inquiry::GeneralStatus), &frame).unwrap()
        })
    });

    g.bench_function("deframe_crc", |b| {
        let mut framer = Framer::<256>::new();
        b.iter(|| {
            let (_, frame) = framer.feed(black_box(QPIGS_110));
            frame.unwrap().unwrap().payload.len()
        })
    });

    g.bench_function("naive_split_parse_f32", |b| {
        b.iter(|| naive_decode(black_box(QPIGS_110)).unwrap())
    });

    g.bench_function("encode", |b| {
        let mut framer = Framer::<256>::new();
        let (_, f) = framer.feed(QPIGS_110);
        let r = Response::decode(Some(Inquiry::GeneralStatus), &f.unwrap().unwrap()).unwrap();
        let mut buf = [0u8; 256];
        b.iter(|| black_box(&r).encode(&mut buf).unwrap())
    });
    g.finish();
}

criterion_group!(benches, qpigs);
criterion_main!(benches);
