//! A simulated lithium battery emitting its CAN frames through a simulated
//! SLCAN adapter, on a serial device or a new pseudo-terminal.
//!
//! `bms-sim` creates a pseudo-terminal and prints its path; open it with
//! `bms-monitor --slcan PATH` or python-can's `slcan` interface.

use bms_can::Profile;
use clap::Parser;
use examples::bms_sim::{Pack, alarm_by_name};
use examples::{err, out};
use transports::serial::{Line, Pty, Serial};

#[derive(Parser)]
#[command(version, about = "Simulated battery BMS on SLCAN")]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// Serial speed of the adapter link.
    #[arg(long, default_value_t = transports::slcan::LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// Send the Pylon V1.3 / SMA set (0x35A, 0x35F) instead of V1.2 (0x359, 0x35C).
    #[arg(long)]
    v13: bool,
    /// Raise a protection flag at a time, e.g. `over-temperature@20`
    /// (names: over-voltage, under-voltage, over-temperature, under-temperature,
    /// discharge-over-current, charge-over-current, system-error, and the warnings).
    #[arg(long, value_name = "NAME@SECONDS")]
    alarm: Option<String>,
}

/// Exits with `code`: 2 for a refused argument, 1 for an I/O error.
fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("bms-sim: {msg}");
    std::process::exit(code);
}

fn main() {
    let args = Args::parse();
    let mut pack = Pack::new(if args.v13 {
        Profile::PylonV13
    } else {
        Profile::PylonV12
    });
    if let Some(spec) = &args.alarm {
        let (name, at) = spec
            .split_once('@')
            .and_then(|(n, s)| Some((alarm_by_name(n)?, s)))
            .unwrap_or_else(|| {
                fail(
                    2,
                    format!("--alarm {spec}: use NAME@SECONDS, e.g. over-temperature@20"),
                )
            });
        let at = examples::cli::at_seconds(at)
            .unwrap_or_else(|e| fail(2, format!("--alarm {spec}: {e}")));
        pack.inject(at, name);
    }
    let result = match args.port {
        Some(path) => {
            let line = Line {
                baud: args.baud,
                ..transports::slcan::LINE
            };
            let mut port =
                Serial::open(&path, &line).unwrap_or_else(|e| fail(1, format!("{path}: {e}")));
            out!("serving on {path}");
            examples::bms_sim::serve(&mut pack, &mut port, || false)
        }
        None => {
            let mut pty = Pty::new()
                .unwrap_or_else(|e| fail(1, format!("cannot create a pseudo-terminal: {e}")));
            out!("{}", pty.path());
            examples::bms_sim::serve(&mut pack, pty.master(), || false)
        }
    };
    if let Err(e) = result {
        err!("bms-sim: {e}");
        std::process::exit(1);
    }
}
