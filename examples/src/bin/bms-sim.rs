//! A simulated lithium battery emitting its CAN frames through a simulated
//! SLCAN adapter, on a serial device or a new pseudo-terminal.
//!
//! `bms-sim` creates a pseudo-terminal and prints its path; open it with
//! `bms-monitor --slcan PATH` or python-can's `slcan` interface.

use std::io::Write as _;
use std::time::Duration;

use bms_can::Profile;
use clap::Parser;
use examples::bms_sim::{Pack, alarm_by_name};
use transports::serial::{Pty, Serial, Settings};

#[derive(Parser)]
#[command(version, about = "Simulated battery BMS on SLCAN")]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// Serial speed of the adapter link.
    #[arg(long, default_value_t = 115_200)]
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

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("bms-sim: {msg}");
    std::process::exit(2);
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
            .and_then(|(n, s)| Some((alarm_by_name(n)?, s.parse::<f64>().ok()?)))
            .unwrap_or_else(|| {
                fail(format!(
                    "--alarm {spec}: use NAME@SECONDS, e.g. over-temperature@20"
                ))
            });
        pack.inject(Duration::from_secs_f64(at), name);
    }
    let result = match args.port {
        Some(path) => {
            let settings = Settings {
                baud: args.baud,
                ..Settings::default()
            };
            let mut port =
                Serial::open(&path, settings).unwrap_or_else(|e| fail(format!("{path}: {e}")));
            println!("serving on {path}");
            examples::serve::serve(
                &mut port,
                || false,
                |dt, input, out| pack.step(dt, input, out),
            )
        }
        None => {
            let mut pty = Pty::new()
                .unwrap_or_else(|e| fail(format!("cannot create a pseudo-terminal: {e}")));
            println!("{}", pty.path());
            let _ = std::io::stdout().flush();
            examples::serve::serve(
                pty.master(),
                || false,
                |dt, input, out| pack.step(dt, input, out),
            )
        }
    };
    if let Err(e) = result {
        eprintln!("bms-sim: {e}");
        std::process::exit(1);
    }
}
