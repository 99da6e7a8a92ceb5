//! Prints a battery's live state from its CAN frames, over an SLCAN
//! adapter (any OS) or a Linux CAN interface.
//!
//! ```text
//! bms-monitor --slcan /dev/ttyACM0
//! bms-monitor --can can0 --json
//! bms-monitor --slcan /dev/ttyACM0 --keepalive      (also act as the inverter: send 0x305)
//! ```

use std::time::{Duration, Instant};

use bms_can::{Battery, KeepAlive, Message, Snapshot};
use clap::Parser;
use examples::output::why;
use examples::{err, out};
use serde_json::{Value, json};
use transports::{
    StdClock,
    serial::{Line, Serial},
    slcan::{self, CanFrame as Frame, Command},
};

#[derive(Parser)]
#[command(version, about = "Live battery state from BMS CAN frames")]
struct Args {
    /// SLCAN adapter (serial port or pseudo-terminal).
    #[arg(long, conflicts_with = "can", required_unless_present = "can")]
    slcan: Option<String>,
    /// Linux CAN interface, e.g. can0.
    #[arg(long)]
    can: Option<String>,
    /// Serial speed of the SLCAN adapter link.
    #[arg(long, default_value_t = slcan::LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// CAN bit rate of the SLCAN adapter (500000 for Pylon; some
    /// Victron-style BMSes use 250000): 10000, 20000, 50000, 100000,
    /// 125000, 250000, 500000, 800000 or 1000000.
    #[arg(long, default_value_t = 500_000, value_parser = slcan_bitrate)]
    bitrate: u32,
    /// Send the inverter's keep-alive (0x305) once a second.
    #[arg(long)]
    keepalive: bool,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    json: bool,
    /// Stop after this many seconds (default: run until killed).
    #[arg(long, value_parser = examples::cli::seconds)]
    seconds: Option<f64>,
}

/// A bit rate SLCAN has an `Sn` command for.
fn slcan_bitrate(text: &str) -> Result<u32, String> {
    text.parse()
        .ok()
        .filter(|&b| transports::slcan::bitrate_code(b).is_some())
        .ok_or_else(|| {
            "use 10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000 or 1000000".into()
        })
}

fn fail(msg: impl std::fmt::Display) -> ! {
    err!("bms-monitor: {msg}");
    std::process::exit(1);
}

/// Where frames come from.
enum Bus {
    Slcan(Box<slcan::Driver<Serial, StdClock>>),
    #[cfg(target_os = "linux")]
    Can(transports::socketcan::Can),
}

impl Bus {
    fn receive(&mut self) -> Option<Frame> {
        match self {
            Bus::Slcan(s) => {
                let until = s.now() + Duration::from_millis(50);
                s.receive(until).unwrap_or_else(|e| fail(why(&e)))
            }
            #[cfg(target_os = "linux")]
            Bus::Can(c) => c.receive().unwrap_or_else(|e| fail(e)),
        }
    }

    fn send(&mut self, f: &Frame) {
        match self {
            Bus::Slcan(s) => {
                s.transact(&Command::Send(*f))
                    .unwrap_or_else(|e| fail(why(&e)));
            }
            #[cfg(target_os = "linux")]
            Bus::Can(c) => c.send(f).unwrap_or_else(|e| fail(e)),
        }
    }
}

/// The snapshot as JSON, each part with its age in seconds.
fn snapshot_json(s: &Snapshot) -> Value {
    let part = |v: Value| -> Value {
        let Value::Object(mut m) = v else {
            return Value::Null;
        };
        let age = m.remove("age").and_then(|a| {
            a["secs"]
                .as_f64()
                .map(|s| s + a["nanos"].as_f64().unwrap_or(0.0) / 1e9)
        });
        let mut out = match m.remove("value") {
            Some(Value::Object(o)) => o,
            Some(other) => [("value".to_string(), other)].into_iter().collect(),
            None => serde_json::Map::new(),
        };
        out.insert(
            "age_s".into(),
            json!(age.map(|a| (a * 1000.0).round() / 1000.0)),
        );
        Value::Object(out)
    };
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        for (k, p) in m.iter_mut() {
            if k != "stale" && !p.is_null() {
                *p = part(p.take());
            }
        }
    }
    v
}

fn table(s: &Snapshot) -> String {
    let age = |a: Duration| format!("({:.1} s ago)", a.as_secs_f32());
    let mut out = String::new();
    out.push_str(&format!(
        "battery      {}\n",
        if s.stale {
            "STALE (no limits for 3 s)"
        } else {
            "online"
        }
    ));
    if let Some(n) = s.name {
        out.push_str(&format!("name         {} {}\n", n.value, age(n.age)));
    }
    if let Some(l) = s.limits {
        let v = l.value;
        let dvl = v
            .discharge_voltage
            .map(|d| format!(", DVL {d} V"))
            .unwrap_or_default();
        out.push_str(&format!(
            "limits       CVL {} V, CCL {} A, DCL {} A{dvl} {}\n",
            v.charge_voltage,
            v.charge_current,
            v.discharge_current,
            age(l.age)
        ));
    }
    if let Some(p) = s.soc {
        let hr = p
            .value
            .soc_high_res
            .map(|h| format!(" ({h} %)"))
            .unwrap_or_default();
        out.push_str(&format!(
            "soc / soh    {} %{hr} / {} % {}\n",
            p.value.soc,
            p.value.soh,
            age(p.age)
        ));
    }
    if let Some(m) = s.measurements {
        let v = m.value;
        out.push_str(&format!(
            "measured     {} V, {} A ({}), {} °C {}\n",
            v.voltage,
            v.current,
            if v.current.0 >= 0 {
                "charging"
            } else {
                "discharging"
            },
            v.temperature,
            age(m.age)
        ));
    }
    if let Some(f) = s.flags {
        let names: Vec<&str> = f.value.flags.iter_names().map(|(n, _)| n).collect();
        let text = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ").to_lowercase().replace('_', " ")
        };
        out.push_str(&format!("protection   {text} {}\n", age(f.age)));
    }
    if let Some(a) = s.alarms {
        let active: Vec<&str> = a.value.active_alarms().map(|c| c.name()).collect();
        let text = if active.is_empty() {
            "none active".to_string()
        } else {
            active.join(", ")
        };
        out.push_str(&format!("alarms       {text} {}\n", age(a.age)));
    }
    if let Some(r) = s.requests {
        let names: Vec<&str> = r.value.iter_names().map(|(n, _)| n).collect();
        let text = if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ").to_lowercase().replace('_', " ")
        };
        out.push_str(&format!("requests     {text} {}\n", age(r.age)));
    }
    if let Some(m) = s.module_count {
        out.push_str(&format!("modules      {} {}\n", m.value, age(m.age)));
    }
    out
}

fn main() {
    let a = Args::parse();
    let mut bus = match (&a.slcan, &a.can) {
        (Some(path), _) => {
            let line = Line {
                baud: a.baud,
                ..slcan::LINE
            };
            let port = Serial::open(path, &line).unwrap_or_else(|e| fail(format!("{path}: {e}")));
            let mut s =
                slcan::Driver::new(port, StdClock::new(), slcan::client(slcan::DEFAULT_TIMEOUT));
            // Every Lawicel command is answered (CR, or BEL when refused);
            // a port that stays silent may still carry frames, so go on.
            match s.transact(&Command::Open { bitrate: a.bitrate }) {
                Ok(_) => {}
                Err(transports::Error::Timeout) => err!(
                    "bms-monitor: {path}: the adapter did not acknowledge opening the \
                     channel; listening anyway (is it an SLCAN adapter, at this baud rate?)"
                ),
                Err(e) => fail(format!("{path}: opening the CAN channel: {}", why(&e))),
            }
            Bus::Slcan(Box::new(s))
        }
        #[cfg(target_os = "linux")]
        (None, Some(name)) => Bus::Can(
            transports::socketcan::Can::open(name, Duration::from_millis(100))
                .unwrap_or_else(|e| fail(format!("{name}: {e}"))),
        ),
        _ => fail("give --slcan PATH or --can IFACE"),
    };
    let start = Instant::now();
    let mut battery = Battery::new();
    let mut keepalive = KeepAlive::new(Duration::ZERO);
    let mut next_print = Duration::from_secs(1);
    loop {
        let now = start.elapsed();
        if a.seconds.is_some_and(|s| now.as_secs_f64() >= s) {
            break;
        }
        if a.keepalive
            && let Some(f) = keepalive.poll_transmit(now)
        {
            bus.send(&f);
        }
        if let Some(f) = bus.receive()
            && let Ok(m) = Message::from_can(&f)
        {
            battery.feed(start.elapsed(), &m);
        }
        let now = start.elapsed();
        if now >= next_print {
            next_print += Duration::from_secs(1);
            let snap = battery.snapshot(now);
            if a.json {
                out!("{}", snapshot_json(&snap));
            } else {
                out!("{}", table(&snap));
            }
        }
    }
}
