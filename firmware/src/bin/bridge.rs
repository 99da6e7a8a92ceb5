//! The battery-to-inverter bridge: reads a Pylontech pack on UART0
//! (RS485, YD/T 1363, 9600 baud) and speaks for it on CAN, as the pack's
//! own CAN port would (Pylon LV V1.2: 0x351, 0x355, 0x356, 0x359, 0x35C,
//! 0x35E once a second), through an SLCAN adapter's serial side on UART1
//! (115200 baud): the host opens the channel with the usual commands
//! (`C`, `S6`, `O`, `V`, ...) and receives the frames as `t` lines, and
//! the inverter's keep-alive (0x305) it sends is taken and counted.
//!
//! Each second the bridge asks pack 2 for its analog values (0x42) and
//! its charge/discharge limits (0x92), through the workspace's blocking
//! YD/T 1363 driver, and hands the CAN report (`firmware::pylon`) to
//! `bms-can`'s emitter; the rest of the second the serve loop of
//! `transports` runs the `slcan` crate's adapter on UART1, sending what
//! the emitter has due. Bytes the host sends while the bridge waits on
//! the pack wait in UART1's ring buffer.
//!
//! Nothing goes out on CAN before the first reading; when the pack has
//! not been read for 5 s the bridge falls silent, so the inverter sees
//! the battery gone (it stops after 3 s without 0x351) rather than old
//! values. Through semihosting it prints each new report, each
//! keep-alive and each failed reading; it runs until the board stops.
#![no_std]
#![no_main]

use core::time::Duration;

use bms_can::{Emitter, Profile, Report};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware::{Board, Ticks, Uart, pylon, report};
use slcan::{Adapter, CanFrame, Host};
use transports::Clock;
use transports::blocking::Driver;
use transports::serve::{Call, serve};
use ydt1363::pylontech::{Analog, Block, Command, Management};
use ydt1363::{Client, Link};

/// The pack read: the first address of a Pylontech stack.
const PACK: u8 = 2;
/// The time from one reading's start to the next.
const POLL: Duration = Duration::from_secs(1);
/// A one-pack reply is about 150 characters, 160 ms at 9600 baud.
const REPLY_TIMEOUT: Duration = Duration::from_millis(500);
/// Without a reading for this long, the bridge falls silent on CAN.
const LOST_AFTER: Duration = Duration::from_secs(5);
/// The inverter's keep-alive (`docs/protocols/bms-can.md` §2.9).
const KEEP_ALIVE: u32 = 0x305;

/// The RS485 side: replies of up to 256 characters (a pack of 16 cells
/// sends under 160).
type Pack = Driver<Uart, Ticks, Client<256>>;

/// The CAN side's state.
struct Bms {
    emitter: Option<Emitter>,
    last: Option<Report>,
    read_at: Duration,
    silent: bool,
    keep_alives: u32,
}

impl Bms {
    /// A new reading of the pack, at `now`.
    fn read(&mut self, now: Duration, report: Report) {
        self.read_at = now;
        self.silent = false;
        if self.last != Some(report) {
            print(&report);
            self.last = Some(report);
        }
        match &mut self.emitter {
            Some(e) => e.update(report),
            None => self.emitter = Some(Emitter::new(Profile::PylonV12, report, now)),
        }
    }

    /// The serve loop's application: the frames due, one per call, or
    /// what the host did.
    fn on(&mut self, now: Duration, call: Call<Host>) -> Option<CanFrame> {
        match call {
            Call::Tick => {
                if self.emitter.is_some() && now.saturating_sub(self.read_at) >= LOST_AFTER {
                    if !self.silent {
                        hprintln!("pack {} lost: silent on CAN", PACK);
                        self.silent = true;
                    }
                    return None;
                }
                self.emitter.as_mut()?.poll_transmit(now)
            }
            Call::Request(Host::Frame(f)) if f.id == KEEP_ALIVE && !f.extended => {
                self.keep_alives = self.keep_alives.wrapping_add(1);
                hprintln!("keep-alive {}", self.keep_alives);
                None
            }
            // The channel opened or closed, or another frame: nothing to do.
            Call::Request(_) => None,
        }
    }
}

/// The report, one `name=value` per field, in the CAN units.
fn print(r: &Report) {
    hprintln!(
        "report charge_voltage_dv={} charge_current_da={} discharge_current_da={} \
         discharge_voltage_dv={} soc_centi={} soh={} voltage_cv={} current_da={} \
         temperature_dc={} requests={}",
        r.charge_voltage_dv,
        r.charge_current_da,
        r.discharge_current_da,
        r.discharge_voltage_dv,
        r.soc_centi,
        r.soh,
        r.voltage_cv,
        r.current_da,
        r.temperature_dc,
        r.requests.bits(),
    );
}

/// Reads the pack's analog values and limits; a failure is printed.
fn poll(pack: &mut Pack) -> Option<(Block, Management)> {
    let analog = Command::Analog { pack: PACK };
    let block = match pack.ask(&analog.request(PACK)) {
        Ok(frame) => match Analog::decode(&frame) {
            Ok(a) => a.block,
            Err(e) => return failed("0x42", format_args!("{e}")),
        },
        Err(e) => return failed("0x42", format_args!("{e}")),
    };
    let management = Command::Management { pack: PACK };
    let limits = match pack.ask(&management.request(PACK)) {
        Ok(frame) => match Management::decode(&frame) {
            Ok(m) => m,
            Err(e) => return failed("0x92", format_args!("{e}")),
        },
        Err(e) => return failed("0x92", format_args!("{e}")),
    };
    Some((block, limits))
}

fn failed<T>(what: &str, why: core::fmt::Arguments<'_>) -> Option<T> {
    hprintln!("pack {} {}: {}", PACK, what, why);
    None
}

#[entry]
fn main() -> ! {
    let Some(board) = Board::take(9600) else {
        report::fail(format_args!("board already taken"));
    };
    let Some(mut can) = board.take_uart1(slcan::LINE.baud) else {
        report::fail(format_args!("uart1 already taken"));
    };
    let clock = board.clock;
    let mut pack: Pack = Driver::new(board.uart, clock, Client::new(Link::new(), REPLY_TIMEOUT));
    let mut adapter: Adapter = Adapter::new(*b"1013", *b"BRG1");
    let mut bms = Bms {
        emitter: None,
        last: None,
        read_at: Duration::ZERO,
        silent: false,
        keep_alives: 0,
    };
    let mut lost = 0;
    hprintln!("bridging pack {} to slcan", PACK);
    // The scheduler: the two links take turns, the pack's reading (a
    // transaction of the blocking driver, at most two reply timeouts)
    // then the serve loop until the next reading is due.
    let mut next = clock.now();
    loop {
        if let Some((block, limits)) = poll(&mut pack) {
            bms.read(clock.now(), pylon::report(&block, &limits));
        }
        while next <= clock.now() {
            next += POLL;
        }
        let served = serve(
            &mut can,
            &clock,
            &mut adapter,
            || clock.now() >= next,
            |now, call| bms.on(now, call),
        );
        if let Err(e) = served {
            report::fail(format_args!("uart1: {e}"));
        }
        if can.lost() != lost {
            lost = can.lost();
            hprintln!("uart1 lost {} bytes", lost);
        }
    }
}
