//! A Modbus RTU master for the command line.
//!
//! ```text
//! modbus --port /dev/ttyUSB0 --baud 9600 --parity even --unit 1 read-holding 0x2000 4
//! modbus --port /dev/ttyUSB0 --unit 1 write-register 0x2001 4000
//! modbus --port /dev/ttyUSB0 --unit 0 write-register 0x2000 5     (broadcast: no reply)
//! modbus --port /dev/ttyUSB0 write-coils 0 1,0,1
//! modbus --port /dev/ttyUSB0 read-device-id
//! modbus --port /dev/ttyUSB0 scan
//! modbus --tcp 192.168.1.50:4196 --unit 1 read-input 0x2100 5   (RTU over TCP, a serial gateway)
//! modbus --port /dev/ttyUSB0 --parity none read-points --table sdm120   (a meter, through its point table)
//! ```

use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use examples::modbus_json;
use examples::modbus_points::{Poller, exception};
use examples::output::{list, why};
use examples::{err, out};
use modbus_rtu_lite::{Bits, Config, Line, Mode, Parity, Request, Response, Timing, Words};
use transports::{Clock, StdClock, modbus::Driver, serial::Serial, tcp::Tcp};

#[derive(Clone, Copy, ValueEnum)]
enum ParityArg {
    None,
    Even,
    Odd,
}

// The options are global: they may come before or after the action.
#[derive(Parser)]
#[command(version, about = "Modbus RTU master")]
struct Args {
    /// Serial port (RS485 adapter) or pseudo-terminal; this or --tcp.
    // Required unless --tcp is given, checked in main: clap cannot require
    // a global option (one that may come after the action).
    #[arg(long, global = true, conflicts_with = "tcp")]
    port: Option<String>,
    /// A serial device server passing RTU frames through TCP (`host:port`).
    #[arg(long, global = true)]
    tcp: Option<String>,
    /// Baud rate.
    #[arg(long, global = true, default_value_t = 9600, value_parser = examples::cli::baud)]
    baud: u32,
    /// Parity (the spec's default is even).
    #[arg(long, global = true, value_enum, default_value = "even")]
    parity: ParityArg,
    /// Stop bits, 1 or 2.
    #[arg(
        long,
        global = true,
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(1..=2),
    )]
    stop_bits: u8,
    /// Unit (slave) address, 1..=247; 0 broadcasts a write.
    #[arg(
        long,
        global = true,
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(0..=247),
    )]
    unit: u8,
    /// Response time-out, ms (1 to 3600000).
    #[arg(
        long,
        global = true,
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..=3_600_000),
    )]
    timeout_ms: u64,
    /// Frame replies by t1.5/t3.5 instead of predicted length (only on
    /// ports that deliver bytes as they arrive).
    #[arg(long, global = true)]
    timing: bool,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// FC01.
    ReadCoils { address: String, count: u16 },
    /// FC02.
    ReadDiscrete { address: String, count: u16 },
    /// FC03.
    ReadHolding { address: String, count: u16 },
    /// FC04.
    ReadInput { address: String, count: u16 },
    /// FC05: on or off.
    WriteCoil { address: String, value: String },
    /// FC06.
    WriteRegister { address: String, value: String },
    /// FC0F: comma-separated 0/1.
    WriteCoils { address: String, values: String },
    /// FC10: comma-separated values.
    WriteRegisters { address: String, values: String },
    /// FC2B/0E: basic device identification.
    ReadDeviceId,
    /// FC11.
    ReportServerId,
    /// Which unit addresses answer (FC2B/0E, then FC03 at 0).
    /// Every value of a point table (a meter, a drive): the table's
    /// register reads, decoded to named, scaled values with units.
    ///
    /// Meters are usually 8N1: add `--parity none`. Exit codes as for
    /// the other actions; a point that cannot be read shows its error in
    /// place (a refused block: exit code 3).
    ReadPoints {
        /// The point table: a shipped one (sdm120, sdm630, ddsu666,
        /// dtsu666, enc-eds-modbus) or a TOML or INI file.
        #[arg(long)]
        table: String,
        /// Where sources disagree, which variant to read (default: the
        /// table's; a wrong name lists the valid ones).
        #[arg(long)]
        variant: Option<String>,
        /// Pause between two requests, ms (0 to 60000). The default, 60,
        /// is the Eastron meters' documented minimum; the other tables
        /// name none, and 60 ms costs little on a read of a few blocks.
        #[arg(
            long,
            default_value_t = 60,
            value_parser = clap::value_parser!(u64).range(0..=60_000),
        )]
        gap: u64,
    },
    Scan {
        /// First unit address asked, 1..=247.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=247))]
        from: u8,
        /// Last unit address asked, 1..=247.
        #[arg(long, default_value_t = 247, value_parser = clap::value_parser!(u8).range(1..=247))]
        to: u8,
    },
}

fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("modbus: {msg}");
    std::process::exit(code);
}

fn number(t: &str) -> u16 {
    let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u16::from_str_radix(h, 16),
        None => t.parse(),
    };
    r.unwrap_or_else(|_| fail(2, format!("{t}: not a 16-bit number")))
}

/// A coil value: on/1/true or off/0/false; anything else is refused.
fn bit(t: &str) -> bool {
    match t {
        "on" | "1" | "true" => true,
        "off" | "0" | "false" => false,
        _ => fail(2, format!("{t}: a coil is on or off")),
    }
}

fn main() {
    let a = Args::parse();
    if a.port.is_none() && a.tcp.is_none() {
        fail(2, "--port or --tcp is required");
    }
    // A table is checked before the port is opened: a bad one sends nothing.
    let table = match &a.action {
        Action::ReadPoints { table, variant, .. } => {
            Some(load_table(table, variant.as_deref(), a.unit))
        }
        _ => None,
    };
    if let Action::Scan { from, to } = a.action
        && from > to
    {
        fail(
            2,
            format!("scan --from {from} --to {to}: --from is above --to"),
        );
    }
    // One line for the port and the timers.
    let parity = match a.parity {
        ParityArg::None => Parity::None,
        ParityArg::Even => Parity::Even,
        ParityArg::Odd => Parity::Odd,
    };
    let line = Line::new(a.baud, parity, a.stop_bits);
    let mode = if a.timing {
        Mode::Timing
    } else {
        Mode::Length {
            silence: Duration::from_millis(50).max(line.t35()),
        }
    };
    // A scan asks many addresses: a short time-out each.
    let scanning = matches!(a.action, Action::Scan { .. });
    let timeout = Duration::from_millis(if scanning {
        200.min(a.timeout_ms)
    } else {
        a.timeout_ms
    });
    let config = Config {
        line,
        mode,
        timeout,
        turnaround: TURNAROUND,
    };
    let clock = StdClock::new();
    let client = config.client(clock.now());
    match (&a.port, &a.tcp) {
        (_, Some(addr)) => {
            let io =
                Tcp::connect(addr.as_str()).unwrap_or_else(|e| fail(1, format!("{addr}: {e}")));
            run(&a, Driver::new(io, clock, client), table.as_ref());
        }
        (Some(path), None) => {
            let io = Serial::open(path, &line).unwrap_or_else(|e| fail(1, format!("{path}: {e}")));
            run(&a, Driver::new(io, clock, client), table.as_ref());
        }
        (None, None) => fail(2, "--port or --tcp is required"),
    }
}

/// Waiting time after a broadcast before the next request.
const TURNAROUND: Duration = Duration::from_millis(200);

fn run<T>(a: &Args, mut d: Driver<T, StdClock>, table: Option<&points::file::File>)
where
    T: embedded_io::Read + embedded_io::Write,
    T::Error: std::fmt::Display + std::fmt::Debug,
{
    if let (Action::ReadPoints { variant, gap, .. }, Some(file)) = (&a.action, table) {
        let gap = Duration::from_millis(*gap);
        let code = file
            .with_table(|t| read_points(a, &mut d, t, variant.as_deref(), gap))
            .unwrap_or_else(|e| fail(2, e));
        std::process::exit(code);
    }
    if let Action::Scan { from, to } = a.action {
        let mut found = Vec::new();
        let quick = &mut d;
        for unit in from..=to {
            let probe = Request::ReadDeviceId {
                read_code: 1,
                object: 0,
            };
            if let Ok(Some(_)) = quick.transact(&(unit, probe)) {
                found.push(unit);
                continue;
            }
            let probe = Request::ReadHoldingRegisters {
                start: 0,
                quantity: 1,
            };
            if let Ok(Some(_)) = quick.transact(&(unit, probe)) {
                found.push(unit);
            }
        }
        if a.json {
            out!("{}", serde_json::json!({ "responding": found }));
        } else if found.is_empty() {
            out!(
                "responding units: none from {from} to {to} (check the port, the baud rate, \
                 the parity and the wiring)"
            );
        } else {
            out!("responding units: {}", list(&found));
        }
        return;
    }

    let mut bits_buf = [0u8; 246];
    let mut words_buf = [0u8; 246];
    let request = match &a.action {
        Action::ReadCoils { address, count } => Request::ReadCoils {
            start: number(address),
            quantity: *count,
        },
        Action::ReadDiscrete { address, count } => Request::ReadDiscreteInputs {
            start: number(address),
            quantity: *count,
        },
        Action::ReadHolding { address, count } => Request::ReadHoldingRegisters {
            start: number(address),
            quantity: *count,
        },
        Action::ReadInput { address, count } => Request::ReadInputRegisters {
            start: number(address),
            quantity: *count,
        },
        Action::WriteCoil { address, value } => Request::WriteSingleCoil {
            address: number(address),
            value: bit(value),
        },
        Action::WriteRegister { address, value } => Request::WriteSingleRegister {
            address: number(address),
            value: number(value),
        },
        Action::WriteCoils { address, values } => {
            let vs: Vec<bool> = values.split(',').map(|v| bit(v.trim())).collect();
            if vs.len() > 1968 {
                fail(2, format!("{} coils: FC0F writes at most 1968", vs.len()));
            }
            for (i, v) in vs.iter().enumerate() {
                if let Some(b) = bits_buf.get_mut(i / 8) {
                    *b |= u8::from(*v) << (i % 8);
                }
            }
            let n = vs.len().div_ceil(8).min(246);
            Request::WriteMultipleCoils {
                start: number(address),
                coils: Bits::new(&bits_buf[..n], vs.len() as u16),
            }
        }
        Action::WriteRegisters { address, values } => {
            let vs: Vec<u16> = values.split(',').map(|v| number(v.trim())).collect();
            if vs.len() > 123 {
                fail(
                    2,
                    format!("{} registers: FC10 writes at most 123", vs.len()),
                );
            }
            for (i, v) in vs.iter().enumerate().take(123) {
                words_buf[2 * i..2 * i + 2].copy_from_slice(&v.to_be_bytes());
            }
            Request::WriteMultipleRegisters {
                start: number(address),
                values: Words::new(&words_buf[..2 * vs.len().min(123)]),
            }
        }
        Action::ReadDeviceId => Request::ReadDeviceId {
            read_code: 1,
            object: 0,
        },
        Action::ReportServerId => Request::ReportServerId,
        Action::Scan { .. } | Action::ReadPoints { .. } => return,
    };
    // A request the encoder refuses (a quantity or address outside the
    // spec's limits) is a refused argument: nothing is sent.
    if let Err(e) = modbus_rtu_lite::encode_request(a.unit, &request, &mut [0; 256]) {
        fail(2, e);
    }
    // Anything from here on is the link's or the reply's fault, a malformed
    // reply included.
    let reply = d
        .transact(&(a.unit, request))
        .unwrap_or_else(|e| fail(1, why(&e)));
    let Some(reply) = reply else {
        out!("broadcast sent (no reply)");
        return;
    };
    let response = reply.response();
    let v = modbus_json::response(a.unit, &response, Some(&request));
    if a.json {
        out!("{v}");
    } else {
        out!("{}", examples::output::table(&v["response"]));
    }
    if let Response::Exception { code, .. } = response {
        fail(3, exception(code));
    }
}

/// Loads `--table` and checks `--variant` and the unit against it; a
/// problem is a refused argument.
fn load_table(name: &str, variant: Option<&str>, unit: u8) -> points::file::File {
    if unit == 0 {
        fail(
            2,
            "read-points: a broadcast is not answered; give --unit 1 to 247",
        );
    }
    let file =
        examples::tables::load(name).unwrap_or_else(|e| fail(2, format!("--table {name}: {e}")));
    let problem = file.with_table(|t| {
        if !t
            .commands
            .iter()
            .any(|c| matches!(c.request, points::Request::Modbus { .. }))
        {
            return Some(format!(
                "--table {name}: no Modbus command in it (for a YD/T 1363 table use ups-monitor)"
            ));
        }
        let v = variant?;
        if t.variant(v).is_some() {
            return None;
        }
        Some(if t.variants.is_empty() {
            format!(
                "--variant {v}: table \"{}\" has no variants; leave --variant out",
                t.name
            )
        } else {
            format!(
                "--variant {v}: not a variant of \"{}\"; give one of: {}",
                t.name,
                list(t.variants.iter().map(|v| v.name))
            )
        })
    });
    match problem {
        Ok(None) => file,
        Ok(Some(p)) => fail(2, p),
        Err(e) => fail(2, format!("--table {name}: {e}")),
    }
}

/// Reads every Modbus command of `table` in the table's blocks, prints
/// the named values and returns the exit code: 0, 1 (a block failed on
/// the link) or 3 (a block was refused).
fn read_points<T>(
    a: &Args,
    d: &mut Driver<T, StdClock>,
    table: &points::Table<'_>,
    variant: Option<&str>,
    gap: Duration,
) -> i32
where
    T: embedded_io::Read + embedded_io::Write,
    T::Error: std::fmt::Display + std::fmt::Debug,
{
    let variant = variant.unwrap_or_else(|| table.default_variant());
    let mut poller = Poller::new(a.unit, gap);
    let mut groups = Vec::new();
    let mut code = 0;
    for c in table.commands {
        if !matches!(c.request, points::Request::Modbus { .. }) {
            continue;
        }
        let (group, status) = poller
            .read(d, table, c.key, variant)
            .unwrap_or_else(|e| fail(1, e));
        code = code.max(status);
        groups.push(group);
    }
    if a.json {
        out!(
            "{}",
            examples::output::json(&examples::point_text::json(&groups))
        );
    } else {
        out!("{}", examples::point_text::text(&groups).trim_end());
    }
    code
}
