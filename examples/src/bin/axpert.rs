//! Talks to an Axpert / Voltronic inverter: any inquiry or setting by name.
//!
//! ```text
//! axpert --port /dev/ttyUSB0 qpigs
//! axpert --hidraw /dev/hidraw0 --json qpiri
//! axpert --port /dev/ttyUSB0 pcvv 56.4      (battery system read from QPIRI)
//! axpert --port /dev/ttyUSB0 --watch 2 qpigs
//! ```

use std::time::Duration;

use axpert_proto::{BatterySystem, Command, Inquiry, ModelNumber, Response, Setting};
use clap::Parser;
use examples::output::{json, list, table, why};
use examples::{err, out};
use transports::{
    StdClock,
    axpert::{self, Driver},
    hidraw::{self, Hid},
    serial::{Line, Serial},
};

#[derive(Parser)]
#[command(version, about = "Query and configure an Axpert / Voltronic inverter")]
struct Args {
    /// Serial port (RS232 adapter) or pseudo-terminal.
    #[arg(long, conflicts_with = "hidraw", required_unless_present = "hidraw")]
    port: Option<String>,
    /// USB HID device (VID:PID 0665:5161), e.g. /dev/hidraw0; `auto` finds it.
    #[arg(long)]
    hidraw: Option<String>,
    /// Baud rate of the serial port.
    #[arg(long, default_value_t = axpert_proto::LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// Seconds to wait for each reply.
    #[arg(long, default_value_t = 3.0, value_parser = examples::cli::seconds)]
    timeout: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Nominal battery voltage (12, 24, 48, or 64 for the MKS/KS 64 VDC
    /// models), which decides the allowed battery voltage settings. Read
    /// from the unit (QPIRI, QGMN) when not given.
    #[arg(long, value_parser = battery)]
    battery: Option<u32>,
    /// Send a charging current even if the unit's QMCHGCR/QMUCHGCR list lacks it.
    #[arg(long)]
    force: bool,
    /// Repeat the command every this many seconds.
    #[arg(long, value_parser = examples::cli::seconds)]
    watch: Option<f64>,
    /// The command (qpigs, qpiri, qpgs 0, pop 2, pcvv 56.4, pe ax, ...), any case.
    command: String,
    /// The command's arguments.
    args: Vec<String>,
}

/// A nominal battery voltage the protocol has settings for.
fn battery(text: &str) -> Result<u32, String> {
    match text.parse() {
        Ok(v @ (12 | 24 | 48 | 64)) => Ok(v),
        _ => Err("use 12, 24, 48 or 64".into()),
    }
}

/// The open link: a serial port or a HID device.
enum Link {
    Serial(Serial),
    Hid(Hid<std::fs::File>),
}

impl embedded_io::ErrorType for Link {
    type Error = std::io::Error;
}

impl embedded_io::Read for Link {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Link::Serial(s) => s.read(buf),
            Link::Hid(h) => h.read(buf),
        }
    }
}

impl embedded_io::Write for Link {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Link::Serial(s) => s.write(buf),
            Link::Hid(h) => h.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Link::Serial(s) => s.flush(),
            Link::Hid(h) => h.flush(),
        }
    }
}

type Axpert = Driver<Link, StdClock>;

fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("axpert: {msg}");
    std::process::exit(code);
}

fn ask(d: &mut Axpert, cmd: &Command) -> Response {
    d.ask(cmd)
        .copied()
        .unwrap_or_else(|e| fail(1, format!("{cmd}: {}", why(&e))))
}

/// The battery system, from --battery or from the unit.
fn battery_system(d: &mut Axpert, given: Option<u32>) -> BatterySystem {
    match given {
        Some(12) => return BatterySystem::V12,
        Some(24) => return BatterySystem::V24,
        Some(48) => return BatterySystem::V48,
        Some(64) => return BatterySystem::V48Hv64,
        Some(other) => fail(2, format!("--battery {other}: use 12, 24, 48 or 64")),
        None => {}
    }
    let Response::RatedInfo(r) = ask(d, &Inquiry::RatedInfo.into()) else {
        fail(1, "QPIRI gave no rated information; pass --battery")
    };
    let system = BatterySystem::from_rating(r.battery_rating_voltage).unwrap_or_else(|| {
        fail(
            1,
            format!(
                "unknown battery rating {} V; pass --battery",
                r.battery_rating_voltage
            ),
        )
    });
    if system == BatterySystem::V48
        && matches!(
            ask(d, &Inquiry::ModelNumber.into()),
            Response::ModelNumber(ModelNumber::MksHv48v64 | ModelNumber::KsHv48v64)
        )
    {
        return BatterySystem::V48Hv64;
    }
    system
}

const VOLTAGE_SETTINGS: [&str; 6] = ["PBCV", "PBDV", "PSDV", "PCVV", "PBFT", "PBEQV"];

fn main() {
    let a = Args::parse();
    let link = match (&a.port, &a.hidraw) {
        (Some(p), _) => Serial::open(
            p,
            &Line {
                baud: a.baud,
                ..axpert_proto::LINE
            },
        )
        .map(Link::Serial)
        .unwrap_or_else(|e| fail(1, format!("{p}: {e}"))),
        (None, Some(h)) => {
            let path = if h == "auto" {
                match hidraw::find(hidraw::AXPERT_USB_ID).as_slice() {
                    [one] => one.display().to_string(),
                    [] => fail(1, "no USB HID device 0665:5161 found"),
                    many => fail(
                        1,
                        format!(
                            "several 0665:5161 devices: {}; give one to --hidraw",
                            list(many.iter().map(|p| p.display()))
                        ),
                    ),
                }
            } else {
                h.clone()
            };
            Hid::open(&path)
                .map(Link::Hid)
                .unwrap_or_else(|e| fail(1, format!("{path}: {e}")))
        }
        (None, None) => fail(2, "give --port or --hidraw"),
    };
    let client = axpert::client(Duration::from_secs_f64(a.timeout));
    let mut d = Driver::new(link, StdClock::new(), client);

    let name = a.command.to_ascii_uppercase();
    let args: Vec<&str> = a.args.iter().map(String::as_str).collect();
    let system = if VOLTAGE_SETTINGS.contains(&name.as_str()) {
        battery_system(&mut d, a.battery)
    } else {
        BatterySystem::V48
    };
    let cmd = Command::from_name(&name, &args, system)
        .unwrap_or_else(|e| fail(2, format!("{} {}: {e}", a.command, a.args.join(" "))));

    // The unit accepts only the charging currents it lists.
    let list = match cmd {
        Command::Setting(Setting::MaxChargingCurrent(amps)) => {
            Some((Inquiry::ChargingCurrents, amps))
        }
        Command::Setting(Setting::MaxUtilityChargingCurrent(amps)) => {
            Some((Inquiry::UtilityChargingCurrents, amps))
        }
        _ => None,
    };
    if let (Some((inq, amps)), false) = (list, a.force)
        && let Response::ChargingCurrents(l) | Response::UtilityChargingCurrents(l) =
            ask(&mut d, &inq.into())
        && !l.contains(amps)
    {
        let allowed: Vec<String> = l.values().iter().map(|v| v.to_string()).collect();
        fail(
            2,
            format!("{cmd}: {amps} A is not one of {}", allowed.join(" ")),
        );
    }

    loop {
        let reply = ask(&mut d, &cmd);
        if a.json {
            out!("{}", json(&reply));
        } else {
            match reply {
                Response::Ack => out!("ACK"),
                Response::Nak => {}
                other => out!("{}", table(&other).trim_end()),
            }
        }
        if reply == Response::Nak {
            fail(
                3,
                format!("{cmd}: the unit answered NAK (refused or not supported)"),
            );
        }
        match a.watch {
            Some(s) => {
                std::thread::sleep(Duration::from_secs_f64(s));
                if !a.json {
                    out!();
                }
            }
            None => break,
        }
    }
}
