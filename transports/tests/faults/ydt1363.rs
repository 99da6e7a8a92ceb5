//! YD/T 1363: a Pylontech pack at address 2, asked for its charge and
//! discharge management values (0x92), and for the protocol version
//! (0x4F) as the second request.

use std::time::Duration;

use proto_core::hex::sum_complement;
use transports::Error;
use transports::ydt1363::{Client, DEFAULT_TIMEOUT, Request, Rtn, client};
use ydt1363::device::Response;
use ydt1363::pylontech::{Command, Management, ManagementStatus, ProtocolVersion};
use ydt1363::{Device, Error as Ydt, Frame, length_field};

use crate::scenario::{Asked, Column, Failure, Passed};
use crate::{Side, Time, feed_all};

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
    fn answer(&mut self, written: &[u8]) -> Vec<u8> {
        feed_all(written, |written| {
            let (n, request) = self.0.feed(written);
            let Some(request) = request else {
                return (n, Vec::new());
            };
            let response = match request.command {
                Command::Management { .. } => Response::Management(MANAGEMENT),
                Command::ProtocolVersion => {
                    Response::ProtocolVersion(ProtocolVersion { ver: 0x20 })
                }
                _ => Response::Rtn(Rtn::from_raw(4)),
            };
            self.0.respond(&response);
            (n, self.0.poll_transmit().unwrap_or_default().to_vec())
        })
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

impl Column for Pack {
    type Side = Pack;
    type Machine = Client;
    type Error = Ydt;

    fn parts(_: &Time) -> (Pack, Client) {
        (Pack(Device::new(2, 1)), client(DEFAULT_TIMEOUT))
    }
    fn timeout() -> Duration {
        DEFAULT_TIMEOUT
    }

    fn request() -> Request<'static> {
        ASK
    }
    fn check(f: Frame<'_>) {
        assert_eq!((f.adr, f.rtn()), (2, Rtn::Normal));
        assert_eq!(Management::decode(&f), Ok(MANAGEMENT));
    }
    fn next() -> Request<'static> {
        VERSION
    }
    fn check_next(f: Frame<'_>) {
        assert_eq!((f.adr, f.rtn()), (2, Rtn::Normal));
        assert_eq!(
            ProtocolVersion::decode(&f),
            Ok(ProtocolVersion { ver: 0x20 })
        );
    }
    const WRITTEN: [&[u8]; 2] = [b"~20024692E00202FD2E\r", b"~2002464F0000FD98\r"];

    /// The half frame is dropped when the next request starts, uncounted.
    const MID_FRAME: (u32, u64) = (0, 0);
    /// A reply names the pack and the device type, not the command: the
    /// late 0x92 reply is taken for the version's. Decoding it as what was
    /// asked is where the difference shows.
    fn late(next: Asked<'_, Self>) {
        let f = next.unwrap();
        assert_eq!(f.info_len(), 10, "the management reply");
        assert!(matches!(
            ProtocolVersion::decode(&f),
            Err(Ydt::Trailing { .. })
        ));
    }
    /// The version's own reply.
    const LATE: Passed<Ydt> = Passed::Unsolicited(1);
    /// The copy, longer than one read, is dropped when the next request
    /// starts.
    const TWICE: u32 = 0;
    const ECHO: Passed<Ydt> = Passed::Stray(Ydt::Echo);
    const ANOTHER_ADDRESS: Option<Ydt> = Some(Ydt::Mismatch {
        adr: 2,
        cid1: 0x46,
        found_adr: 3,
        found_cid1: 0x46,
    });
    /// LENID two characters short of INFO.
    const WRONG_COUNT: Failure<Self> = Error::Protocol(Ydt::Length {
        lenid: 18,
        found: 20,
    });
}

scenarios!(Pack in Blocking, addressed);
