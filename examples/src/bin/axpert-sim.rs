//! A simulated Axpert inverter on a serial device or a new pseudo-terminal.
//!
//! `axpert-sim` creates a pseudo-terminal and prints its path;
//! `axpert-sim --port PATH` serves on an existing serial device or pty.

use axpert_proto::BatterySystem;
use clap::Parser;
use examples::axpert_sim::{Inverter, serve};
use examples::{err, out};
use transports::serial::{Line, Pty, Serial};

#[derive(Parser)]
#[command(version, about = "Simulated Axpert / Voltronic inverter")]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// Baud rate.
    #[arg(long, default_value_t = axpert_proto::LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// Nominal battery voltage of the simulated unit: 12, 24, 48 or 64 (a 48 V MKS 64 VDC model).
    #[arg(long, default_value_t = 48)]
    battery: u32,
    /// Print every command and reply.
    #[arg(long, short)]
    verbose: bool,
}

/// A reply as it goes on the wire, without its CRC and CR: `(230.0 50.0 ...`.
fn wire(reply: &axpert_proto::Response) -> String {
    let mut buf = [0u8; 512];
    match reply.encode(&mut buf) {
        Ok(n) => buf[..n.saturating_sub(3)].escape_ascii().to_string(),
        Err(e) => format!("(not encodable: {e})"),
    }
}

fn main() {
    let args = Args::parse();
    let system = match args.battery {
        12 => BatterySystem::V12,
        24 => BatterySystem::V24,
        48 => BatterySystem::V48,
        64 => BatterySystem::V48Hv64,
        other => {
            err!("axpert-sim: --battery {other}: use 12, 24, 48 or 64");
            std::process::exit(2);
        }
    };
    let mut inverter = Inverter::new(system);
    let verbose = args.verbose;
    let log = move |cmd: &str, reply: &axpert_proto::Response| {
        if verbose {
            err!("{cmd} -> {}", wire(reply));
        }
    };
    let result = match args.port {
        Some(path) => {
            let line = Line {
                baud: args.baud,
                ..axpert_proto::LINE
            };
            let mut port = Serial::open(&path, &line).unwrap_or_else(|e| {
                err!("axpert-sim: {path}: {e}");
                std::process::exit(1);
            });
            out!("serving on {path}");
            serve(&mut inverter, &mut port, || false, log)
        }
        None => {
            let mut pty = Pty::new().unwrap_or_else(|e| {
                err!("axpert-sim: cannot create a pseudo-terminal: {e}");
                std::process::exit(1);
            });
            out!("{}", pty.path());
            serve(&mut inverter, pty.master(), || false, log)
        }
    };
    if let Err(e) = result {
        err!("axpert-sim: {e}");
        std::process::exit(1);
    }
}
