//! The YD/T 1363 device side (a Pylontech pack at addresses 2 and 3)
//! through the shared device harness (`common/device.rs`): requests from
//! a real capture and encoded by the crate (whole, damaged, in chunks),
//! arbitrary bytes, arbitrary times, and the application's typed answers.
//! Every reply must decode as a frame from one of the device's addresses:
//! the application's answer, read back by its typed decoder, or the
//! device's own empty reply (RTN 02, 03 or 05) to a damaged request.
#![no_main]

#[path = "common/device.rs"]
mod harness;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ydt1363::device::{Request, Response};
use ydt1363::pylontech::{
    Command, List, Management, ManagementStatus, ManufacturerInfo, ProtocolVersion, SerialNumber,
    Text,
};
use ydt1363::{CAPACITY, Device, Frame, Rtn};

struct Ydt {
    requests: Vec<Vec<u8>>,
    /// The last answer, as the device should write it.
    expect: Option<(Vec<u8>, Response)>,
}

const FIRST: u8 = 2;
const COUNT: u8 = 2;

impl harness::Case for Ydt {
    type D = Device;
    const MAX_REPLY: usize = CAPACITY;

    fn device(_: &mut Unstructured<'_>) -> Result<(Self, Device)> {
        let mut requests: Vec<Vec<u8>> = [
            &b"~20024642E00202FD33\r"[..],
            b"~250146C20000FD99\r",
            b"~20024642E00201CB13\r",
        ]
        .iter()
        .map(|r| r.to_vec())
        .collect();
        for adr in [2, 3, 4] {
            for c in [
                Command::ProtocolVersion,
                Command::ManufacturerInfo,
                Command::Analog { pack: adr },
                Command::Alarms { pack: adr },
                Command::SystemParameters { pack: None },
                Command::Management { pack: adr },
                Command::SerialNumber { pack: adr },
                Command::PaceVersion,
            ] {
                let mut buf = [0u8; 64];
                let n = c.encode(adr, &mut buf).expect("fits 64 bytes");
                requests.push(buf[..n].to_vec());
            }
        }
        let case = Ydt {
            requests,
            expect: None,
        };
        Ok((case, Device::new(FIRST, COUNT)))
    }

    fn answer(&mut self, r: &Request, u: &mut Unstructured<'_>) -> Result<Response> {
        let response = match (r.command, u.ratio(1, 4)?) {
            (_, true) => Response::Rtn(Rtn::from_raw(*u.choose(&[0x00, 0x04, 0x06])?)),
            (Command::ProtocolVersion, _) => Response::ProtocolVersion(ProtocolVersion {
                ver: u.arbitrary()?,
            }),
            (Command::ManufacturerInfo, _) => {
                let len = u.int_in_range(0..=20)?;
                let text = List::from_slice(u.bytes(len)?).expect("20 bytes fit");
                Response::ManufacturerInfo(ManufacturerInfo {
                    device_name: u.arbitrary()?,
                    software_version: u.arbitrary()?,
                    manufacturer: Text(text),
                })
            }
            (Command::Management { pack }, _) => Response::Management(Management {
                pack,
                charge_voltage_mv: u.arbitrary()?,
                discharge_voltage_mv: u.arbitrary()?,
                charge_current_da: u.arbitrary()?,
                discharge_current_da: u.arbitrary()?,
                status: ManagementStatus::from_bits_retain(u.arbitrary()?),
            }),
            (Command::SerialNumber { pack }, _) => Response::SerialNumber(SerialNumber {
                pack,
                serial: u.arbitrary()?,
            }),
            _ => Response::Rtn(Rtn::from_raw(0x04)),
        };
        let mut buf = vec![0u8; CAPACITY];
        self.expect = response
            .encode(r.ver, r.adr, r.cid1, &mut buf)
            .ok()
            .map(|n| (buf[..n].to_vec(), response.clone()));
        Ok(response)
    }

    fn requests(&self) -> &[Vec<u8>] {
        &self.requests
    }

    fn check(&mut self, reply: &[u8]) {
        let f = Frame::decode(reply).unwrap_or_else(|e| panic!("{reply:?}: {e:?}"));
        assert!(
            f.adr.wrapping_sub(FIRST) < COUNT,
            "a reply from {:02X}",
            f.adr
        );
        let Some((bytes, response)) = self.expect.as_ref().filter(|(b, _)| b == reply) else {
            // The device's own answer to a damaged request.
            assert!(
                [0x02, 0x03, 0x05].contains(&f.cid2) && f.info_len() == 0,
                "{reply:?} is neither the answer nor an RTN"
            );
            return;
        };
        let _ = bytes;
        match response {
            Response::ProtocolVersion(p) => assert_eq!(ProtocolVersion::decode(&f).as_ref(), Ok(p)),
            Response::ManufacturerInfo(m) => {
                assert_eq!(ManufacturerInfo::decode(&f).as_ref(), Ok(m))
            }
            Response::Management(m) => assert_eq!(Management::decode(&f).as_ref(), Ok(m)),
            Response::SerialNumber(s) => assert_eq!(SerialNumber::decode(&f).as_ref(), Ok(s)),
            Response::Rtn(r) => assert_eq!((f.cid2, f.info_len()), (r.raw(), 0)),
            other => panic!("{other:?} was never answered"),
        }
        self.expect = None;
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Ydt>(data));
