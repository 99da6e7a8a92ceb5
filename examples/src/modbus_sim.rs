//! A simulated ENC EDS-series drive on Modbus RTU, built on the server
//! side of `modbus-rtu-lite`.
//!
//! Register map (the ENC EDS manuals' Modbus chapter, see
//! `docs/protocols/enc.md` §9: "start drive 1:
//! `01 06 20 00 00 05`", "stop: `… 00 06`", "set reference 50.00 Hz:
//! `01 06 20 01 13 88`", "read running state: `01 03 21 00 00 01`"):
//!
//! | register | access | meaning |
//! |---|---|---|
//! | 0x2000 | write | command: 5 run, 6 stop (other values stored, ignored) |
//! | 0x2001 | read/write | frequency set point, 0.01 Hz, at most 50.00 Hz (else exception 03) |
//! | 0x2100 | read | state: 1 running, 3 stopped |
//! | 0x2101 | read | output frequency, 0.01 Hz |
//! | 0x2102 | read | output voltage, V |
//! | 0x2103 | read | output current, 0.1 A |
//! | 0x2104 | read | DC bus voltage, V |
//!
//! Holding and input registers are the same map. Coils 0–7 are relay
//! outputs; discrete inputs 0–7 (and the FC07 exception status) report
//! bit 0 running, bit 1 at speed. FC18 at pointer 0x2000 reads the last
//! (up to 31) values written to the command register, oldest first. File 1
//! (FC14/FC15) is a parameter backup of 100 records.

use std::convert::Infallible;
use std::time::Duration;

use modbus_rtu_lite::{Bits, Exception, Handler, Line, Mode, Server, Timing, Words};
use proto_core::DeviceMachine;
use transports::StdClock;

/// The drive behind one unit address.
#[derive(Debug, Clone)]
pub struct Drive {
    unit: u8,
    running: bool,
    set_point: u16,
    output: f64,
    command: u16,
    relays: [bool; 8],
    ident: [u8; 12],
    history: std::collections::VecDeque<u16>,
    backup: [u16; 100],
}

/// Highest set point, 0.01 Hz.
pub const MAX_SET_POINT: u16 = 5000;

/// The silence that drops an unfinished request on a pseudo-terminal or
/// TCP, where frames are found by length: long enough that a busy host
/// pausing a peer (QEMU, a Python test peer) mid-frame does not cut it,
/// short against the clients' time-outs (a second).
pub const PTY_SILENCE: Duration = Duration::from_millis(200);

impl Drive {
    /// A stopped drive with its set point at 50.00 Hz.
    pub fn new(unit: u8) -> Self {
        let mut ident = *b"VM1000-SIM-0";
        ident[11] = b'0' + unit % 10;
        Drive {
            unit,
            running: false,
            set_point: 5000,
            output: 0.0,
            command: 6,
            relays: [false; 8],
            ident,
            history: std::collections::VecDeque::new(),
            backup: [0; 100],
        }
    }

    /// Ramps the output frequency toward the set point at 10 Hz/s.
    pub fn advance(&mut self, dt: Duration) {
        let target = if self.running {
            f64::from(self.set_point) / 100.0
        } else {
            0.0
        };
        let step = 10.0 * dt.as_secs_f64();
        self.output = if (target - self.output).abs() <= step {
            target
        } else if target > self.output {
            self.output + step
        } else {
            self.output - step
        };
    }

    fn register(&self, a: u16) -> Result<u16, Exception> {
        let hz = self.output;
        Ok(match a {
            0x2000 => self.command,
            0x2001 => self.set_point,
            0x2100 => {
                if self.running {
                    1
                } else {
                    3
                }
            }
            0x2101 => (hz * 100.0).round() as u16,
            0x2102 => (380.0 * (hz / 50.0).min(1.0)).round() as u16,
            0x2103 => {
                if hz > 0.0 {
                    (12.0 + 70.0 * hz / 50.0).round() as u16
                } else {
                    0
                }
            }
            0x2104 => 537,
            _ => return Err(Exception::IllegalDataAddress),
        })
    }

    fn read(&self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = self.register(start.wrapping_add(i as u16))?;
        }
        Ok(())
    }
}

impl Handler for Drive {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        self.read(start, out)
    }

    fn read_input_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        self.read(start, out)
    }

    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        // Check every register first, so a refused write changes nothing.
        for (i, v) in values.iter().enumerate() {
            match start.wrapping_add(i as u16) {
                0x2000 => {}
                0x2001 if v <= MAX_SET_POINT => {}
                0x2001 => return Err(Exception::IllegalDataValue),
                _ => return Err(Exception::IllegalDataAddress),
            }
        }
        for (i, v) in values.iter().enumerate() {
            match start.wrapping_add(i as u16) {
                0x2000 => {
                    self.command = v;
                    if self.history.len() == 31 {
                        self.history.pop_front();
                    }
                    self.history.push_back(v);
                    match v {
                        5 => self.running = true,
                        6 => self.running = false,
                        _ => {}
                    }
                }
                _ => self.set_point = v,
            }
        }
        Ok(())
    }

    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        let s = usize::from(start);
        let src = self
            .relays
            .get(s..s + out.len())
            .ok_or(Exception::IllegalDataAddress)?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let s = usize::from(start);
        let dst = self
            .relays
            .get_mut(s..s + usize::from(values.len()))
            .ok_or(Exception::IllegalDataAddress)?;
        for (d, v) in dst.iter_mut().zip(values.iter()) {
            *d = v;
        }
        Ok(())
    }

    fn read_discrete_inputs(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        let at_speed = self.running && (self.output * 100.0).round() as u16 == self.set_point;
        let inputs = [
            self.running,
            at_speed,
            false,
            false,
            false,
            false,
            false,
            false,
        ];
        let s = usize::from(start);
        let src = inputs
            .get(s..s + out.len())
            .ok_or(Exception::IllegalDataAddress)?;
        out.copy_from_slice(src);
        Ok(())
    }

    /// Server id (the unit), run indicator (0xFF on), then the identity,
    /// as libmodbus lays it out (`B4 FF "LMB3.1.6"`).
    fn report_server_id(&mut self, out: &mut [u8]) -> Result<usize, Exception> {
        let id = &self.ident;
        let dst = out
            .get_mut(..id.len() + 2)
            .ok_or(Exception::ServerDeviceFailure)?;
        dst[0] = self.unit;
        dst[1] = if self.running { 0xFF } else { 0x00 };
        dst[2..].copy_from_slice(id);
        Ok(id.len() + 2)
    }

    fn read_exception_status(&mut self) -> Result<u8, Exception> {
        let mut bits = [false; 2];
        self.read_discrete_inputs(0, &mut bits)?;
        Ok(u8::from(bits[0]) | u8::from(bits[1]) << 1)
    }

    fn read_fifo_queue(&mut self, pointer: u16, out: &mut [u16; 31]) -> Result<usize, Exception> {
        if pointer != 0x2000 {
            return Err(Exception::IllegalDataAddress);
        }
        for (slot, v) in out.iter_mut().zip(&self.history) {
            *slot = *v;
        }
        Ok(self.history.len())
    }

    fn read_file_record(
        &mut self,
        file: u16,
        record: u16,
        out: &mut [u16],
    ) -> Result<(), Exception> {
        let r = usize::from(record);
        let src = self
            .backup
            .get(r..r + out.len())
            .filter(|_| file == 1)
            .ok_or(Exception::IllegalDataAddress)?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn write_file_record(
        &mut self,
        file: u16,
        record: u16,
        values: Words<'_>,
    ) -> Result<(), Exception> {
        let r = usize::from(record);
        let dst = self
            .backup
            .get_mut(r..r + values.len())
            .filter(|_| file == 1)
            .ok_or(Exception::IllegalDataAddress)?;
        for (slot, v) in dst.iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }

    fn device_id_object(&mut self, id: u8) -> Option<&[u8]> {
        match id {
            0 => Some(b"Workspace simulators"),
            1 => Some(&self.ident),
            2 => Some(b"1.0"),
            _ => None,
        }
    }
}

/// The drives on one bus, one server per unit address.
pub struct Bus {
    servers: Vec<Server<Drive>>,
    last: Duration,
    tx: Vec<u8>,
    sent: usize,
}

impl Bus {
    /// Drives at `units` on `line`, framing requests by `mode`.
    pub fn new(units: &[u8], line: Line, mode: Mode) -> Self {
        let servers = units
            .iter()
            .map(|&u| {
                let mut s = Server::new(Drive::new(u), [u, 0, 0, 0], line, mode, Duration::ZERO);
                s.handle_timeout(line.t35());
                s
            })
            .collect();
        Bus {
            servers,
            last: Duration::ZERO,
            tx: Vec::new(),
            sent: 0,
        }
    }

    /// Moves the drives' models on to `now`.
    fn advance(&mut self, now: Duration) {
        let dt = now.saturating_sub(self.last);
        self.last = self.last.max(now);
        for s in &mut self.servers {
            s.handler().advance(dt);
        }
    }

    /// Queues what `server` has to send at `now`.
    fn collect(tx: &mut Vec<u8>, server: &mut Server<Drive>, now: Duration) {
        if let Some(reply) = server.poll_transmit(now) {
            tx.extend_from_slice(reply);
        }
    }
}

/// Every server hears every byte; their replies go out in turn. The
/// servers answer through their handlers, so the bus asks the serve
/// loop's application nothing.
impl DeviceMachine for Bus {
    type Request = Infallible;
    type Response = ();

    fn feed(&mut self, now: Duration, input: &[u8]) -> (usize, Option<Infallible>) {
        self.advance(now);
        for s in &mut self.servers {
            let mut rest = input;
            loop {
                let n = s.feed(now, rest);
                rest = &rest[n..];
                Self::collect(&mut self.tx, s, now);
                if rest.is_empty() || n == 0 {
                    break;
                }
            }
        }
        (input.len(), None)
    }

    fn respond(&mut self, _: &()) {}

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        if self.sent > 0 {
            self.tx.drain(..self.sent);
        }
        self.sent = self.tx.len();
        (self.sent > 0).then_some(&self.tx[..])
    }

    fn handle_timeout(&mut self, now: Duration) -> Option<Infallible> {
        self.advance(now);
        for s in &mut self.servers {
            s.handle_timeout(now);
            Self::collect(&mut self.tx, s, now);
        }
        None
    }
}

/// Serves the bus on `io` until `stop`.
pub fn serve<T: embedded_io::Read + embedded_io::Write>(
    bus: &mut Bus,
    io: &mut T,
    stop: impl FnMut() -> bool,
) -> Result<(), T::Error> {
    transports::serve::serve(io, &StdClock::new(), bus, stop, |_, _| None)
}
