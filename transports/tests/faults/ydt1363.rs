//! YD/T 1363: a Pylontech pack at address 2, asked for its charge and
//! discharge management values (0x92), and for the protocol version
//! (0x4F) where a second request is needed.

use embedded_io::ErrorKind;
use proto_core::hex::sum_complement;
use transports::Error;
use transports::ydt1363::{DEFAULT_TIMEOUT, Driver, Request, Rtn, client};
use ydt1363::device::Response;
use ydt1363::pylontech::{Command, Management, ManagementStatus, ProtocolVersion};
use ydt1363::{Device, Error as Ydt, Frame, length_field};

use crate::{Fault, Faulty, Side, Time};

const MANAGEMENT: Management = Management {
    pack: 2,
    charge_voltage_mv: 53_250,
    discharge_voltage_mv: 45_000,
    charge_current_da: 250,
    discharge_current_da: -500,
    status: ManagementStatus::CHARGE_ENABLE,
};

/// The pack.
struct Pack(Device<256>);

impl Side for Pack {
    fn answer(&mut self, mut written: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while !written.is_empty() {
            let (n, request) = self.0.feed(written);
            written = &written[n..];
            let Some(request) = request else { continue };
            let response = match request.command {
                Command::Management { .. } => Response::Management(MANAGEMENT),
                Command::ProtocolVersion => {
                    Response::ProtocolVersion(ProtocolVersion { ver: 0x20 })
                }
                _ => Response::Rtn(Rtn::from_raw(4)),
            };
            self.0.respond(&response);
            out.extend(self.0.poll_transmit().unwrap_or_default());
        }
        out
    }

    fn another_address(&mut self, _: &[u8], reply: &[u8]) -> Option<Vec<u8>> {
        let mut f = Frame::decode(reply).unwrap();
        f.adr = 3;
        let mut buf = [0u8; 256];
        let n = f.encode(&mut buf).unwrap();
        Some(buf[..n].to_vec())
    }

    /// LENID two characters short of INFO, LCHKSUM and CHKSUM right.
    fn wrong_count(&mut self, _: &[u8], reply: &[u8]) -> Vec<u8> {
        let mut r = reply.to_vec();
        let lenid = Frame::decode(reply).unwrap().info.len() as u16;
        r[9..13].copy_from_slice(format!("{:04X}", length_field(lenid - 2)).as_bytes());
        let end = r.len() - 5;
        let sum = sum_complement(&r[1..end]);
        r[end..end + 4].copy_from_slice(format!("{sum:04X}").as_bytes());
        r
    }
}

type D = Driver<Faulty<Pack>, Time>;

const ASK: Request<'static> = Request {
    ver: 0x20,
    adr: 2,
    cid1: 0x46,
    cid2: 0x92,
    info: &[2],
};

const VERSION: Request<'static> = Request {
    ver: 0x20,
    adr: 2,
    cid1: 0x46,
    cid2: 0x4F,
    info: &[],
};

fn driver() -> D {
    let time = Time::default();
    let port = Faulty::new(Pack(Device::new(2, 1)), time.clone());
    Driver::new(port, time, client(DEFAULT_TIMEOUT))
}

fn succeeds(d: &mut D) {
    let f = d.ask(&ASK).unwrap();
    assert_eq!((f.adr, f.rtn()), (2, Rtn::Normal));
    assert_eq!(Management::decode(&f), Ok(MANAGEMENT));
}

fn fails(d: &mut D, fault: Fault) -> Error<ErrorKind, Ydt> {
    d.io_mut().inject(fault);
    match d.ask(&ASK) {
        Ok(r) => panic!("{fault:?}: accepted {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn healthy() {
    let mut d = driver();
    succeeds(&mut d);
    assert_eq!(d.io_mut().requests, [b"~20024692E00202FD2E\r"]);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn never_answers() {
    let mut d = driver();
    let start = d.now();
    assert!(matches!(fails(&mut d, Fault::Silent), Error::Timeout));
    assert!(d.now() - start >= DEFAULT_TIMEOUT);
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn stops_mid_frame() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::MidFrame), Error::Timeout));
    succeeds(&mut d);
    let c = d.counters();
    assert_eq!((c.cut, c.unsolicited, c.stray), (0, 0, 0), "{c:?}");
}

#[test]
fn answers_late() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Late), Error::Timeout));
    // A reply names the pack and the device type, not the command: the
    // late 0x92 reply is taken for the version's. Decoding it as what was
    // asked is where the difference shows.
    let f = d.ask(&VERSION).unwrap();
    assert_eq!(f.info_len(), 10, "the management reply");
    assert!(matches!(
        ProtocolVersion::decode(&f),
        Err(Ydt::Trailing { .. })
    ));
    assert_eq!(d.counters().unsolicited, 1, "the version's own reply");
    succeeds(&mut d);
}

#[test]
fn answers_twice() {
    let mut d = driver();
    d.io_mut().inject(Fault::Twice);
    succeeds(&mut d);
    succeeds(&mut d);
    let c = d.counters();
    assert_eq!((c.unsolicited, c.cut), (0, 0), "{c:?}");
}

#[test]
fn echoes_the_request() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Echo), Error::Timeout));
    assert_eq!(d.counters().stray, 1);
    assert_eq!(d.machine_mut().poll_stray(), Some(Ydt::Echo));
    succeeds(&mut d);
}

#[test]
fn answers_from_another_pack() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::AnotherAddress),
        Error::Timeout
    ));
    assert_eq!(d.counters().stray, 1);
    assert!(matches!(
        d.machine_mut().poll_stray(),
        Some(Ydt::Mismatch {
            adr: 2,
            found_adr: 3,
            ..
        })
    ));
    succeeds(&mut d);
    assert_eq!(d.counters().stray, 1);
}

#[test]
fn answers_with_the_wrong_count() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::WrongCount),
        Error::Protocol(Ydt::Length {
            lenid: 18,
            found: 20
        })
    ));
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn unplugged() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::Unplugged),
        Error::Io(ErrorKind::BrokenPipe)
    ));
    assert!(matches!(d.ask(&ASK), Err(Error::Io(ErrorKind::BrokenPipe))));
    d.io_mut().replug();
    succeeds(&mut d);
}
