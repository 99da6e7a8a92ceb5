//! Point tables: every named point of one reply read by the table decoder
//! (`Table::decode`), from the shipped tables, each beside the floor of
//! the protocol that carried the reply:
//!
//! - `points/tables/ups-cms.toml`, command 01 (the UPS's system values),
//!   from a YD/T 1363 reply's INFO: floor, the frame's sum checksum;
//! - `points/tables/sdm630.toml`, command 04 (Eastron SDM630 input
//!   registers, `f32`s), from the first FC04 read the table plans: floor,
//!   the reply's CRC-16/MODBUS.
//!
//! `decode`: the frame checked and decoded, then every point of it;
//! `points only`: the points alone, from the bytes already checked.

use std::hint::black_box;
use std::path::PathBuf;

use benches::sdm630_first_read;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modbus_rtu_lite::{Response, crc16, decode_response};
use points::file::File;
use points::{Reply, Table};
use proto_core::hex::sum_complement;

fn table(name: &str) -> File {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../points/tables")
        .join(name);
    File::load(&path).unwrap()
}

fn count(table: &Table<'_>, command: &str, variant: &str, reply: Reply<'_>) -> usize {
    let mut ok = 0;
    for (_, v) in table.decode(command, variant, reply) {
        ok += usize::from(black_box(v).is_ok());
    }
    ok
}

fn ydt_info(c: &mut Criterion) {
    table("ups-cms.toml")
        .with_table(|t| {
            let n = t.points_of("01", "").count();
            let end = t
                .points_of("01", "")
                .map(|p| points::place(p, 0, 0).unwrap().end)
                .max()
                .unwrap();
            // INFO bytes: 16-bit words of 0x08FC (230.0 in 0.1 V).
            let info: Vec<u8> = (0..end / 2).map(|i| [0x08, 0xFC][i % 2]).collect();
            let mut buf = [0u8; 4200];
            let len = ydt1363::encode_request(0x21, 1, 0x2A, 0x00, &info, &mut buf).unwrap();
            let frame = &buf[..len];
            let f = ydt1363::Frame::decode(frame).unwrap();
            assert_eq!(count(t, "01", "", Reply::payload(f.info)), n);

            let mut g = c.benchmark_group(format!(
                "points/ups-cms 01 from a YD/T 1363 reply [{n} points]"
            ));
            g.throughput(Throughput::Bytes(frame.len() as u64));
            g.bench_function("floor", |b| {
                b.iter(|| sum_complement(black_box(&frame[1..frame.len() - 5])))
            });
            g.bench_function("decode", |b| {
                b.iter(|| {
                    let f = ydt1363::Frame::decode(black_box(frame)).unwrap();
                    count(t, "01", "", Reply::payload(f.info))
                })
            });
            g.bench_function("points only", |b| {
                b.iter(|| count(t, "01", "", Reply::payload(black_box(f.info))))
            });
            g.finish();
        })
        .unwrap();
}

fn modbus_registers(c: &mut Criterion) {
    table("sdm630.toml")
        .with_table(|t| {
            let variant = t.default_variant();
            // The points this read covers, as the caller picks them.
            let (first, quantity, pts, reply) = sdm630_first_read(t, variant);
            let block = Table { points: &pts, ..*t };
            let n = pts.len();
            let data = &reply[3..reply.len() - 2];
            assert_eq!(
                count(&block, "04", variant, Reply::registers(first, data)),
                n
            );

            let mut g = c.benchmark_group(format!(
                "points/sdm630 04 from a Modbus FC04 reply, {quantity} registers [{n} points]"
            ));
            g.throughput(Throughput::Bytes(reply.len() as u64));
            g.bench_function("floor", |b| {
                b.iter(|| crc16(black_box(&reply[..reply.len() - 2])))
            });
            g.bench_function("decode", |b| {
                b.iter(|| {
                    let Ok((_, Response::ReadInputRegisters(w))) =
                        decode_response(black_box(&reply))
                    else {
                        unreachable!()
                    };
                    count(&block, "04", variant, Reply::registers(first, w.bytes()))
                })
            });
            g.bench_function("points only", |b| {
                b.iter(|| {
                    count(
                        &block,
                        "04",
                        variant,
                        Reply::registers(first, black_box(data)),
                    )
                })
            });
            g.finish();
        })
        .unwrap();
}

criterion_group!(benches, ydt_info, modbus_registers);
criterion_main!(benches);
