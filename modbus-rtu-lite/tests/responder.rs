//! The `Responder` (requests framed by the application) answers as the
//! `Server` does, reply for reply and counter for counter, and tells a
//! receiver how long a request is for its handler's function codes.

use core::time::Duration;

use modbus_rtu_lite::{
    Bits, Exception, Functions, Handler, Line, MAX_ADU, Mode, Parity, Responder, Server, Words,
    crc16, length::Length,
};
use proptest::prelude::*;

/// 32 registers and 32 coils; every function the trait has a method for
/// (the default set), so FC08's listen-only state is exercised too.
#[derive(Clone)]
struct Map {
    regs: [u16; 32],
    coils: [bool; 32],
}

fn range(start: u16, n: usize) -> Result<core::ops::Range<usize>, Exception> {
    let s = usize::from(start);
    match s + n {
        end if end <= 32 => Ok(s..end),
        _ => Err(Exception::IllegalDataAddress),
    }
}

impl Handler for Map {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        out.copy_from_slice(&self.regs[range(start, out.len())?]);
        Ok(())
    }
    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        out.copy_from_slice(&self.coils[range(start, out.len())?]);
        Ok(())
    }
    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        for (slot, v) in self.regs[range(start, values.len())?]
            .iter_mut()
            .zip(values.iter())
        {
            *slot = v;
        }
        Ok(())
    }
    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let r = range(start, usize::from(values.len()))?;
        for (slot, v) in self.coils[r].iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }
}

fn map() -> Map {
    Map {
        regs: core::array::from_fn(|i| i as u16 * 3),
        coils: core::array::from_fn(|i| i % 3 == 0),
    }
}

fn server() -> Server<Map> {
    let mode = Mode::Length {
        silence: Duration::from_millis(50),
    };
    let line = Line::new(9600, Parity::None, 1);
    Server::new(map(), [1, 7, 0, 0], line, mode, Duration::ZERO)
}

/// `body` (address and PDU) with its CRC.
fn adu(body: &[u8]) -> Vec<u8> {
    let mut v = body.to_vec();
    v.extend_from_slice(&crc16(body).to_le_bytes());
    v
}

/// The responder's reply to `request`, or `None`.
fn answer(r: &mut Responder<Map>, request: &[u8]) -> Option<Vec<u8>> {
    let mut buf = [0u8; MAX_ADU];
    buf[..request.len()].copy_from_slice(request);
    let n = r.answer(&mut buf, request.len());
    (n > 0).then(|| buf[..n].to_vec())
}

#[test]
fn answers_reads_writes_and_exceptions_in_place() {
    let mut r = Responder::new(map(), [1, 7, 0, 0]);
    // FC03, registers 2 and 3 (6 and 9).
    let reply = answer(&mut r, &adu(&[1, 3, 0, 2, 0, 2])).unwrap();
    assert_eq!(reply, adu(&[1, 3, 4, 0, 6, 0, 9]));
    // FC06 to the second address: echoed, then read back.
    let write = adu(&[7, 6, 0, 1, 0x12, 0x34]);
    assert_eq!(answer(&mut r, &write).unwrap(), write);
    assert_eq!(r.handler().regs[1], 0x1234);
    // FC03 outside the map: exception 02.
    let reply = answer(&mut r, &adu(&[1, 3, 0, 31, 0, 2])).unwrap();
    assert_eq!(reply, adu(&[1, 0x83, 2]));
    // A quantity of 0: exception 03, before the address.
    let reply = answer(&mut r, &adu(&[1, 3, 0, 40, 0, 0])).unwrap();
    assert_eq!(reply, adu(&[1, 0x83, 3]));
    // Silence: another address, a bad CRC, a broadcast write (carried out).
    assert_eq!(answer(&mut r, &adu(&[2, 3, 0, 0, 0, 1])), None);
    let mut bad = adu(&[1, 3, 0, 0, 0, 1]);
    bad[7] ^= 1;
    assert_eq!(answer(&mut r, &bad), None);
    assert_eq!(answer(&mut r, &adu(&[0, 6, 0, 2, 0, 5])), None);
    assert_eq!(r.handler().regs[2], 5);
    let c = r.counters();
    assert_eq!((c.bus_messages, c.bus_errors, c.exceptions), (7, 1, 2));
}

#[test]
fn a_length_beyond_the_buffer_is_a_bad_frame() {
    let mut r = Responder::new(map(), [1, 0, 0, 0]);
    let mut buf = [0u8; MAX_ADU];
    assert_eq!(r.answer(&mut buf, MAX_ADU + 1), 0);
    assert_eq!(r.answer(&mut buf, 0), 0);
    assert_eq!(r.counters().bus_errors, 2);
}

/// FC03 and FC10 only.
struct Narrow;

impl Handler for Narrow {
    const FUNCTIONS: Functions =
        Functions::READ_HOLDING_REGISTERS.union(Functions::WRITE_MULTIPLE_REGISTERS);
}

#[test]
fn the_length_a_receiver_waits_for_follows_the_handlers_codes() {
    type R = Responder<Narrow>;
    assert_eq!(R::length(&[1]), Length::AtLeast(2));
    assert_eq!(R::length(&[1, 3]), Length::Exact(8));
    assert_eq!(R::length(&[1, 0x10, 0, 0, 0, 2]), Length::AtLeast(7));
    assert_eq!(R::length(&[1, 0x10, 0, 0, 0, 2, 4]), Length::Exact(13));
    // FC17 is not named: only silence ends it (it is answered 01).
    assert_eq!(R::length(&[1, 0x17]), Length::Unknown);
    assert_eq!(
        Responder::<Map>::length(&[1, 0x17, 0, 0, 0, 1, 0, 0, 0, 1, 2]),
        Length::Exact(15)
    );
}

/// A request: to one of our addresses, another, broadcast or a reserved
/// one; a function code the map answers, one it refuses, or FC08 (which
/// changes the state both keep); PDU bytes after it; sometimes a bad CRC.
fn request() -> impl Strategy<Value = Vec<u8>> {
    let address = prop::sample::select(vec![1u8, 7, 2, 0, 248]);
    let function = prop::sample::select(vec![1u8, 2, 3, 4, 5, 6, 8, 0x0B, 0x0F, 0x10, 0x17, 0x41]);
    let data = prop::collection::vec(prop_oneof![3 => 0u8..=4, 1 => any::<u8>()], 0..=12);
    (address, function, data, any::<bool>(), 0usize..20).prop_map(|(a, f, d, bad, at)| {
        let mut body = vec![a, f];
        body.extend_from_slice(&d);
        let mut v = adu(&body);
        if bad {
            let i = at % v.len();
            v[i] ^= 0x20;
        }
        v
    })
}

proptest! {
    #[test]
    fn answers_as_the_server_does(requests in prop::collection::vec(request(), 1..40)) {
        let mut s = server();
        let mut r = Responder::new(map(), [1, 7, 0, 0]);
        for q in &requests {
            s.process(q);
            let want = s.poll_transmit(Duration::ZERO).map(<[u8]>::to_vec);
            prop_assert_eq!(answer(&mut r, q), want, "request {:02x?}", q);
            prop_assert_eq!(r.counters(), s.counters());
            prop_assert_eq!(r.handler().regs, s.handler().regs);
            prop_assert_eq!(r.handler().coils, s.handler().coils);
        }
    }
}
