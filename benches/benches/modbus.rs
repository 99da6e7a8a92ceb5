//! Modbus RTU: a 125-register FC03 reply (the largest, 255 bytes) and an
//! 8-register one, decoded by modbus-rtu-lite and by rmodbus, beside a
//! CRC-only pass over the same bytes (the floor); and a request encoded.
//!
//! Both decoders check the CRC and turn every register into a `u16`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modbus_rtu_lite::{Request, Response, crc16, decode_response, encode_request};
use rmodbus::{ModbusProto, client::ModbusRequest};

/// The FC03 reply of unit 1 with `n` registers holding 0, 1, 2, ...
fn reply(n: u16) -> Vec<u8> {
    let mut adu = vec![1, 3, (2 * n) as u8];
    for i in 0..n {
        adu.extend_from_slice(&i.to_be_bytes());
    }
    let crc = crc16(&adu);
    adu.extend_from_slice(&crc.to_le_bytes());
    adu
}

fn ours(adu: &[u8], out: &mut [u16; 125]) -> usize {
    let Ok((_, Response::ReadHoldingRegisters(words))) = decode_response(adu) else {
        return 0;
    };
    let mut n = 0;
    for (slot, v) in out.iter_mut().zip(words.iter()) {
        *slot = v;
        n += 1;
    }
    n
}

fn decode(c: &mut Criterion) {
    for n in [125u16, 8] {
        let adu = reply(n);
        let mut g = c.benchmark_group(format!("modbus_fc03_{n}_registers"));
        g.throughput(Throughput::Bytes(adu.len() as u64));
        g.bench_function("crc_only", |b| {
            b.iter(|| crc16(black_box(&adu[..adu.len() - 2])))
        });
        g.bench_function("modbus_rtu_lite", |b| {
            let mut out = [0u16; 125];
            b.iter(|| {
                let got = ours(black_box(&adu), &mut out);
                assert_eq!(got, usize::from(n));
                out[got - 1]
            })
        });
        g.bench_function("rmodbus", |b| {
            let mut req = ModbusRequest::new(1, ModbusProto::Rtu);
            let mut request = Vec::new();
            req.generate_get_holdings(0, n, &mut request).unwrap();
            let mut out: Vec<u16> = Vec::with_capacity(125);
            b.iter(|| {
                out.clear();
                req.parse_u16(black_box(&adu), &mut out).unwrap();
                assert_eq!(out.len(), usize::from(n));
                out[out.len() - 1]
            })
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("modbus_encode_fc03_request");
    g.bench_function("modbus_rtu_lite", |b| {
        let mut buf = [0u8; 256];
        b.iter(|| {
            let r = Request::ReadHoldingRegisters {
                start: black_box(0x2000),
                quantity: 125,
            };
            encode_request(1, &r, &mut buf).unwrap()
        })
    });
    g.bench_function("rmodbus", |b| {
        let mut req = ModbusRequest::new(1, ModbusProto::Rtu);
        let mut buf = Vec::with_capacity(256);
        b.iter(|| {
            buf.clear();
            req.generate_get_holdings(black_box(0x2000), 125, &mut buf)
                .unwrap();
            buf.len()
        })
    });
    g.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
