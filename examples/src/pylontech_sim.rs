//! A simulated stack of Pylontech packs (US2000-like: 15 cells, five
//! temperatures, 50 Ah), built on the device side of `ydt1363`.
//!
//! The packs sit at addresses 2, 3, … and go through a compressed day of
//! charge and discharge: the current follows a sine, the state of charge
//! rises while it is positive, cell voltages and temperatures follow.
//! They answer 0x4F, 0x51, 0x42 and 0x44 (one pack, or 0xFF for all),
//! 0x47, 0x92 and 0x93; any other command gets RTN 04, a command value naming
//! no pack of the stack RTN 06.

use std::f64::consts::TAU;
use std::time::Duration;

use embedded_io::{Read, Write};
use transports::{StdClock, serve::Call};
use ydt1363::device::{Device, MAX_PACKS, Request, Response};
use ydt1363::pylontech::{
    Alarm, Alarms, Analog, Block, Command, List, Management, ManagementStatus, ManufacturerInfo,
    ProtocolVersion, STATUS_BYTES, SerialNumber, SystemParameters, Temperature, Text, VER,
};
use ydt1363::{Error, Rtn};

/// Length of the simulated day: one charge/discharge cycle in ten minutes.
pub const DAY: Duration = Duration::from_secs(600);
/// The first pack's address.
pub const FIRST: u8 = 2;
/// Cells a pack has.
pub const CELLS: usize = 15;
/// Temperatures a pack reports: the BMS board, then four cell groups.
pub const TEMPERATURES: usize = 5;
/// A pack's capacity, mAh.
pub const CAPACITY_MAH: u16 = 50_000;
/// The line real packs use on their RS485 port: 9600 8N1.
pub const LINE: proto_core::Line = proto_core::Line::n81(9600);

/// Where in the day the model starts: an eighth in, charging.
const START: f64 = 0.125;

/// The system parameters every pack reports (a real US-series reply).
pub const SYSTEM_PARAMETERS: SystemParameters = SystemParameters {
    infoflag: 0x11,
    cell_high_mv: 3650,
    cell_low_mv: 3050,
    cell_under_mv: 2800,
    charge_high_temperature: Temperature(0x0D03),
    charge_low_temperature: Temperature(0x0A47),
    charge_current_raw: 1000,
    module_high_mv: 54_000,
    module_low_mv: 46_000,
    module_under_mv: 43_000,
    discharge_high_temperature: Temperature(0x0D03),
    discharge_low_temperature: Temperature(0x0A47),
    discharge_current_raw: -1000,
};

/// The stack: how many packs, and where in the day it is.
#[derive(Debug, Clone)]
pub struct Stack {
    packs: u8,
    clock: Duration,
    hold: bool,
}

impl Stack {
    /// `packs` packs, 1 to [`MAX_PACKS`].
    pub fn new(packs: u8) -> Self {
        Stack {
            packs: packs.clamp(1, MAX_PACKS as u8),
            clock: Duration::ZERO,
            hold: false,
        }
    }

    /// Keeps the model still (`true`): every answer then reads the same.
    pub fn hold(&mut self, hold: bool) {
        self.hold = hold;
    }

    /// How many packs.
    pub fn packs(&self) -> u8 {
        self.packs
    }

    /// Moves the model on by `dt` (unless held).
    pub fn advance(&mut self, dt: Duration) {
        if !self.hold {
            self.clock += dt;
        }
    }

    /// The day's phase, 0 to 1.
    fn phase(&self) -> f64 {
        (START + self.clock.as_secs_f64() / DAY.as_secs_f64()).fract()
    }

    /// Whether `adr` is a pack of the stack.
    pub fn has(&self, adr: u8) -> bool {
        adr.wrapping_sub(FIRST) < self.packs
    }

    /// The analog values of the pack at `adr` now.
    pub fn block(&self, adr: u8) -> Block {
        let k = f64::from(adr.wrapping_sub(FIRST));
        let angle = self.phase() * TAU;
        // Amps: +25 A charging at a quarter day, -25 A at three quarters;
        // each pack carries a little less than the one before.
        let amps = 25.0 * angle.sin() * (1.0 - 0.02 * k);
        // The state of charge rises while charging: 30 % to 90 %.
        let soc = 0.6 - 0.3 * angle.cos();
        let mut cells = [0u16; CELLS];
        for (i, c) in cells.iter_mut().enumerate() {
            let mv = 3200.0 + 150.0 * soc + amps * 0.8 + (i % 4) as f64 + k;
            *c = mv.round() as u16;
        }
        let mut temps = [Temperature(0); TEMPERATURES];
        for (i, t) in temps.iter_mut().enumerate() {
            // 25 °C plus heat from the current; the board runs warmer.
            let tenths = 250.0 + amps.abs() * 2.0 + if i == 0 { 20.0 } else { i as f64 } + k;
            *t = Temperature(Temperature::ZERO_CELSIUS + tenths.round() as u16);
        }
        let remaining = (f64::from(CAPACITY_MAH) * soc).round() as u16;
        Block {
            cells_mv: List::from_slice(&cells).unwrap_or_default(),
            temperatures: List::from_slice(&temps).unwrap_or_default(),
            current_da: (amps * 10.0).round() as i16,
            voltage_mv: cells.iter().sum(),
            remaining_mah16: remaining,
            user_defined: 2,
            total_mah16: CAPACITY_MAH,
            cycles: 120 + 7 * adr.wrapping_sub(FIRST) as u16,
            capacity24: None,
        }
    }

    /// The alarm information of the pack at `adr`: all normal, and the
    /// document's five status bytes, zero.
    pub fn alarms(&self, adr: u8) -> Alarms {
        Alarms {
            infoflag: 0x11,
            pack: adr,
            cells: List::from_slice(&[Alarm::Normal; CELLS]).unwrap_or_default(),
            temperatures: List::from_slice(&[Alarm::Normal; TEMPERATURES]).unwrap_or_default(),
            charge_current: Alarm::Normal,
            module_voltage: Alarm::Normal,
            discharge_current: Alarm::Normal,
            status: Text::from_bytes(&[0; STATUS_BYTES]).unwrap_or_default(),
        }
    }

    /// The charge/discharge limits of the pack at `adr`.
    pub fn management(&self, adr: u8) -> Management {
        Management {
            pack: adr,
            charge_voltage_mv: 53_250,
            discharge_voltage_mv: 45_000,
            charge_current_da: 250,
            discharge_current_da: -500,
            status: ManagementStatus::CHARGE_ENABLE | ManagementStatus::DISCHARGE_ENABLE,
        }
    }

    /// The serial number of the pack at `adr`.
    pub fn serial(&self, adr: u8) -> SerialNumber {
        let mut serial = *b"PPTBH02012345600";
        serial[14] = b'0' + adr / 10 % 10;
        serial[15] = b'0' + adr % 10;
        SerialNumber { pack: adr, serial }
    }

    /// The answer to `request`.
    pub fn answer(&self, request: &Request) -> Response {
        let pack = |p: u8| self.has(p).then_some(p);
        let bad = Response::Rtn(Rtn::Data);
        match request.command {
            Command::ProtocolVersion => Response::ProtocolVersion(ProtocolVersion { ver: VER }),
            Command::ManufacturerInfo => Response::ManufacturerInfo(ManufacturerInfo {
                device_name: *b"US2000C   ",
                software_version: [1, 2],
                manufacturer: Text::from_bytes(b"PYLON").unwrap_or_default(),
            }),
            Command::Analog { pack: 0xFF } => {
                let mut blocks = [self.block(FIRST); MAX_PACKS];
                for (i, b) in blocks.iter_mut().enumerate().take(self.packs.into()) {
                    *b = self.block(FIRST + i as u8);
                }
                Response::AnalogAll {
                    infoflag: 0x11,
                    count: self.packs,
                    blocks,
                }
            }
            Command::Analog { pack: p } => match pack(p) {
                Some(p) => Response::Analog(Analog {
                    infoflag: 0x11,
                    pack: p,
                    block: self.block(p),
                }),
                None => bad,
            },
            Command::Alarms { pack: 0xFF } => {
                let mut packs = [self.alarms(FIRST); MAX_PACKS];
                for (i, a) in packs.iter_mut().enumerate().take(self.packs.into()) {
                    *a = self.alarms(FIRST + i as u8);
                }
                Response::AlarmsAll {
                    infoflag: 0x11,
                    count: self.packs,
                    packs,
                }
            }
            Command::Alarms { pack: p } => match pack(p) {
                Some(p) => Response::Alarms(self.alarms(p)),
                None => bad,
            },
            Command::SystemParameters { pack: p } => match pack(p.unwrap_or(request.adr)) {
                Some(_) => Response::SystemParameters(SYSTEM_PARAMETERS),
                None => bad,
            },
            Command::Management { pack: p } => match pack(p) {
                Some(p) => Response::Management(self.management(p)),
                None => bad,
            },
            Command::SerialNumber { pack: p } => match pack(p) {
                Some(p) => Response::SerialNumber(self.serial(p)),
                None => bad,
            },
            _ => Response::Rtn(Rtn::Command),
        }
    }
}

/// What a command is, in words, for the log.
pub fn describe(command: &Command) -> String {
    match command {
        Command::ProtocolVersion => "protocol version".into(),
        Command::ManufacturerInfo => "manufacturer information".into(),
        Command::Analog { pack: 0xFF } => "analog values, all packs".into(),
        Command::Analog { pack } => format!("analog values, pack {pack}"),
        Command::Alarms { pack: 0xFF } => "alarms, all packs".into(),
        Command::Alarms { pack } => format!("alarms, pack {pack}"),
        Command::SystemParameters { .. } => "system parameters".into(),
        Command::Management { pack } => format!("charge/discharge limits, pack {pack}"),
        Command::SerialNumber { pack } => format!("serial number, pack {pack}"),
        other => format!("command {:#04x} (not supported)", other.cid2()),
    }
}

/// What an answer is, in words, for the log.
pub fn describe_answer(response: &Response) -> String {
    match response {
        Response::Rtn(rtn) => format!("refused, RTN {:02X}", rtn.raw()),
        _ => "answered".into(),
    }
}

/// The largest frame a stack of [`MAX_PACKS`] sends or receives.
const FRAME: usize = 4200;

/// Serves `stack` on `io` until `stop` returns true or the link fails;
/// `log` sees every request and its answer.
pub fn serve<T: Read + Write>(
    stack: &mut Stack,
    io: &mut T,
    stop: impl FnMut() -> bool,
    mut log: impl FnMut(&Request, &Response),
) -> Result<(), T::Error> {
    let mut device = Box::new(Device::<FRAME>::new(FIRST, stack.packs()));
    let clock = StdClock::new();
    let mut last = Duration::ZERO;
    transports::serve::serve(io, &clock, &mut *device, stop, |now, call| {
        stack.advance(now.saturating_sub(last));
        last = now;
        let Call::Request(request) = call else {
            return None;
        };
        let response = stack.answer(&request);
        log(&request, &response);
        Some(response)
    })
}

/// Encodes `response` as the pack at `adr` would send it (for tests and
/// logs).
pub fn encode(response: &Response, adr: u8) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; FRAME];
    let n = response.encode(VER, adr, ydt1363::pylontech::CID1, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ydt1363::Frame;
    use ydt1363::pylontech::{AlarmsAll, AnalogAll};

    fn ask(stack: &Stack, adr: u8, command: Command) -> Vec<u8> {
        let request = Request {
            ver: VER,
            adr,
            cid1: 0x46,
            command,
        };
        encode(&stack.answer(&request), adr).unwrap()
    }

    #[test]
    fn the_model_moves_and_stays_plausible() {
        let mut s = Stack::new(3);
        let mut seen_charge = false;
        let mut seen_discharge = false;
        for _ in 0..120 {
            s.advance(Duration::from_secs(5));
            for adr in 2..5 {
                let b = s.block(adr);
                assert_eq!(b.cells_mv.len(), CELLS);
                for &c in b.cells_mv.as_slice() {
                    assert!((3200..3450).contains(&c), "{c} mV");
                }
                let sum: u32 = b.cells_mv.as_slice().iter().map(|&c| u32::from(c)).sum();
                assert_eq!(u32::from(b.voltage_mv), sum);
                assert!(b.remaining_mah() <= b.total_mah());
                for t in b.temperatures.as_slice() {
                    assert!((240..350).contains(&t.celsius()), "{t:?}");
                }
                seen_charge |= b.current_da > 100;
                seen_discharge |= b.current_da < -100;
            }
        }
        assert!(seen_charge && seen_discharge);
    }

    #[test]
    fn every_command_is_answered_and_reads_back() {
        let s = Stack::new(2);
        let f = ask(&s, 2, Command::Analog { pack: 3 });
        let a = Analog::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!((a.pack, a.block), (3, s.block(3)));
        let f = ask(&s, 2, Command::Analog { pack: 0xFF });
        let all = AnalogAll::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!(all.count, 2);
        let blocks: Vec<_> = all.map(Result::unwrap).collect();
        assert_eq!(blocks, [s.block(2), s.block(3)]);
        let f = ask(&s, 3, Command::SystemParameters { pack: None });
        assert_eq!(
            SystemParameters::decode(&Frame::decode(&f).unwrap()).unwrap(),
            SYSTEM_PARAMETERS
        );
        let f = ask(&s, 2, Command::Management { pack: 2 });
        assert_eq!(
            Management::decode(&Frame::decode(&f).unwrap()).unwrap(),
            s.management(2)
        );
        let f = ask(&s, 3, Command::SerialNumber { pack: 3 });
        let n = SerialNumber::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!(n.as_str(), Some("PPTBH02012345603"));
        let f = ask(&s, 2, Command::Alarms { pack: 2 });
        let a = Alarms::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!(a, s.alarms(2));
        assert_eq!(a.cells.len(), CELLS);
        let f = ask(&s, 2, Command::Alarms { pack: 0xFF });
        let all = AlarmsAll::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!((all.count, all.status_len), (2, STATUS_BYTES));
        let packs: Vec<_> = all.map(Result::unwrap).collect();
        assert_eq!(packs, [s.alarms(2), s.alarms(3)]);
        let f = ask(&s, 2, Command::ManufacturerInfo);
        let m = ManufacturerInfo::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!(m.device_name(), Some("US2000C   "));
        let f = ask(&s, 2, Command::ProtocolVersion);
        assert_eq!(Frame::decode(&f).unwrap().ver, 0x20);
        // No pack 4 in a stack of two; an unknown command.
        let f = ask(&s, 2, Command::Management { pack: 4 });
        assert_eq!(Frame::decode(&f).unwrap().rtn(), Rtn::Data);
        let f = ask(&s, 2, Command::PaceVersion);
        assert_eq!(Frame::decode(&f).unwrap().rtn(), Rtn::Command);
    }

    #[test]
    fn sixteen_packs_fit_one_reply() {
        let s = Stack::new(16);
        let f = ask(&s, 2, Command::Analog { pack: 0xFF });
        assert!(f.len() < FRAME, "{}", f.len());
        let all = AnalogAll::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!(all.count(), 16);
        let f = ask(&s, 2, Command::Alarms { pack: 0xFF });
        let all = AlarmsAll::decode(&Frame::decode(&f).unwrap()).unwrap();
        assert_eq!(all.map(Result::unwrap).count(), 16);
    }

    #[test]
    fn a_held_stack_does_not_move() {
        let mut s = Stack::new(1);
        s.hold(true);
        let before = s.block(2);
        s.advance(Duration::from_secs(77));
        assert_eq!(s.block(2), before);
    }
}
