//! The floor itself: the `crc` crate's three implementations of
//! CRC-16/MODBUS and CRC-16/XMODEM, on a 255-byte Modbus frame's 253
//! covered bytes and on an 8-byte request's 6, with the table each
//! keeps in memory:
//!
//! - `NoTable`: bit by bit, no table;
//! - `Table<1>`: a 256-entry table, 512 bytes (the crate's default, and
//!   what `modbus-rtu-lite` and `axpert-proto` use);
//! - `Table<16>`: slice-by-16, 16 tables of 256 entries, 8 KiB.

use std::hint::black_box;

use crc::{Algorithm, CRC_16_MODBUS, CRC_16_XMODEM, Crc, NoTable, Table};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn one(c: &mut Criterion, name: &str, alg: &'static Algorithm<u16>, bytes: &[u8]) {
    let mut g = c.benchmark_group(format!("crc/{name}, {} bytes", bytes.len()));
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    let none = Crc::<u16, NoTable>::new(alg);
    let one = Crc::<u16, Table<1>>::new(alg);
    let sixteen = Crc::<u16, Table<16>>::new(alg);
    g.bench_function("NoTable, 0 B table", |b| {
        b.iter(|| none.checksum(black_box(bytes)))
    });
    g.bench_function("Table<1>, 512 B table", |b| {
        b.iter(|| one.checksum(black_box(bytes)))
    });
    g.bench_function("Table<16>, 8192 B table", |b| {
        b.iter(|| sixteen.checksum(black_box(bytes)))
    });
    g.finish();
}

fn tables(c: &mut Criterion) {
    let long: Vec<u8> = (0..253u32).map(|i| (i * 37 + 11) as u8).collect();
    let short = [1u8, 3, 0x20, 0, 0, 125];
    for (name, alg) in [
        ("CRC-16/MODBUS", &CRC_16_MODBUS),
        ("CRC-16/XMODEM", &CRC_16_XMODEM),
    ] {
        one(c, name, alg, &long);
        one(c, name, alg, &short);
    }
}

criterion_group!(benches, tables);
criterion_main!(benches);
