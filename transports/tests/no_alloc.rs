//! No heap allocation per decoded frame or per transaction, in every
//! protocol crate and through the blocking driver (issue 11, "Fault
//! tolerance").
//!
//! The count comes from `allocation-counter`'s counting global allocator
//! (our own code may not implement `GlobalAlloc`: it needs `unsafe`). Each
//! protocol's workload runs with N and with 10·N frames and transactions,
//! setup included; the heap allocations must be the same (setup's are in
//! both; any per-frame or per-transaction allocation would add at least
//! 9·N).

use core::cell::Cell;
use core::time::Duration;

use embedded_io::ErrorKind;
use transports::Clock;

/// A port with one canned reply: each write arms it, the next read hands
/// it out whole, and reads time out until the next write. No allocation.
struct Port {
    reply: &'static [u8],
    armed: bool,
}

impl embedded_io::ErrorType for Port {
    type Error = ErrorKind;
}

impl embedded_io::Read for Port {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        if !core::mem::take(&mut self.armed) {
            return Err(ErrorKind::TimedOut);
        }
        let n = self.reply.len().min(buf.len());
        buf[..n].copy_from_slice(&self.reply[..n]);
        self.reply = &self.reply[n..];
        Ok(n)
    }
}

impl embedded_io::Write for Port {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.armed = true;
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

/// A clock that moves a millisecond a reading.
struct Ticks(Cell<Duration>);

impl Clock for Ticks {
    fn now(&self) -> Duration {
        self.0.set(self.0.get() + Duration::from_millis(1));
        self.0.get()
    }
}

fn ticks() -> Ticks {
    Ticks(Cell::new(Duration::from_secs(1)))
}

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

/// Runs `n` decodes and `n` transactions of `protocol`; all setup (and
/// its allocations) before the loops.
fn workload(protocol: &str, n: usize) {
    match protocol {
        "axpert" => {
            let wire: &[u8] = b"(B\xe7\xc9\r";
            let mut f = axpert_proto::Framer::<256>::new();
            for _ in 0..n {
                let (_, ev) = f.feed(wire);
                let fr = ev.unwrap().unwrap();
                axpert_proto::Response::decode(Some(axpert_proto::Inquiry::Mode), &fr).unwrap();
            }
            let port = Port {
                reply: wire,
                armed: false,
            };
            let mut d = transports::axpert::Driver::new(
                port,
                ticks(),
                transports::axpert::client(Duration::from_secs(1)),
            );
            let ask = axpert_proto::Inquiry::Mode.into();
            for _ in 0..n {
                d.io_mut().reply = wire;
                d.ask(&ask).unwrap();
            }
        }
        "modbus" => {
            use modbus_rtu_lite::{Config, Request, Response, Words, decode_response};
            let mut buf = [0u8; 64];
            let len = modbus_rtu_lite::encode_response(
                1,
                &Response::ReadHoldingRegisters(Words::new(&[0, 1, 0, 2])),
                &mut buf,
            )
            .unwrap();
            let wire = leak(buf[..len].to_vec());
            for _ in 0..n {
                decode_response(wire).unwrap();
            }
            let config = Config::new(modbus_rtu_lite::LINE);
            let clock = ticks();
            let client = config.client(clock.now());
            let port = Port {
                reply: wire,
                armed: false,
            };
            let mut d = transports::modbus::Driver::new(port, clock, client);
            let ask = (
                1,
                Request::ReadHoldingRegisters {
                    start: 0,
                    quantity: 2,
                },
            );
            for _ in 0..n {
                d.io_mut().reply = wire;
                d.ask(&ask).unwrap();
            }
        }
        "enc" => {
            use enc_ascii::{Body, Frame, Radix, Request};
            let request = Request::decode_bytes(b"~010A00000192\r").unwrap();
            let mut buf = [0u8; 32];
            let reply = Frame {
                address: 1,
                code: 0,
                body: Body::Indexed {
                    aux: 0,
                    index: 0,
                    data: Some(0x1234),
                },
            };
            let len = reply.encode(&mut buf).unwrap();
            let wire = leak(buf[..len].to_vec());
            let mut f = enc_ascii::Framer::<32>::new();
            for _ in 0..n {
                let (_, ev) = f.feed(wire);
                ev.unwrap().unwrap();
            }
            let port = Port {
                reply: wire,
                armed: false,
            };
            let client = transports::enc::client(9600, Duration::from_millis(5), Radix::Hex);
            let mut d = transports::enc::Driver::new(port, ticks(), client);
            for _ in 0..n {
                d.io_mut().reply = wire;
                d.ask(&request).unwrap();
            }
        }
        "ydt1363" => {
            let wire: &[u8] = b"~20024600B01402D002AFC800C8FE0CC0F915\r";
            let mut f = ydt1363::Framer::<1024>::new();
            for _ in 0..n {
                let (_, ev) = f.feed(wire);
                ev.unwrap().unwrap();
            }
            let port = Port {
                reply: wire,
                armed: false,
            };
            let client = transports::ydt1363::client(Duration::from_secs(1));
            let mut d = transports::ydt1363::Driver::new(port, ticks(), client);
            let ask = ydt1363::Request {
                ver: 0x20,
                adr: 2,
                cid1: 0x46,
                cid2: 0x92,
                info: &[2],
            };
            for _ in 0..n {
                d.io_mut().reply = wire;
                d.ask(&ask).unwrap();
            }
        }
        "slcan" => {
            let wire: &[u8] = b"t35180102030405060708\r";
            let mut dec = slcan::Decoder::new();
            for _ in 0..n {
                let (_, ev) = dec.feed(wire);
                ev.unwrap().unwrap();
            }
            let port = Port {
                reply: b"\r\r\r",
                armed: false,
            };
            let client = transports::slcan::client(Duration::from_millis(500));
            let mut d = transports::slcan::Driver::new(port, ticks(), client);
            let open = slcan::Command::Open { bitrate: 500_000 };
            for _ in 0..n {
                d.io_mut().reply = b"\r\r\r";
                d.transact(&open).unwrap();
            }
        }
        other => panic!("no workload {other}"),
    }
}

const PROTOCOLS: [&str; 5] = ["axpert", "modbus", "enc", "ydt1363", "slcan"];

#[test]
fn no_heap_allocation_per_frame_or_transaction() {
    for p in PROTOCOLS {
        let few = allocation_counter::measure(|| workload(p, 100)).count_total;
        let many = allocation_counter::measure(|| workload(p, 1000)).count_total;
        eprintln!("{p}: heap allocations with 100 frames and transactions {few}, with 1000 {many}");
        assert_eq!(few, many, "{p} allocates per frame or transaction");
    }
    // The counter counts: one box is one allocation.
    assert_eq!(
        allocation_counter::measure(|| drop(Box::new(1u8))).count_total,
        1
    );
}
