//! Simulated ENC EDS-series drives on Modbus RTU, on a serial device, a new
//! pseudo-terminal, or behind a simulated serial device server (RTU over
//! TCP; see `examples::modbus_sim` for the register map).

use clap::Parser;
use examples::modbus_sim::{Bus, serve};
use examples::output::list;
use examples::{err, out};
use modbus_rtu_lite::{Line, Mode, Parity};
use transports::serial::{Pty, Serial};
use transports::tcp::Tcp;

#[derive(Parser)]
#[command(
    version,
    about = "Simulated ENC EDS-series drives on Modbus RTU (the EDS manuals' register map)"
)]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long, conflicts_with = "tcp")]
    port: Option<String>,
    /// Act as a serial device server: listen on this TCP address
    /// (`127.0.0.1:0` picks a free port) and pass RTU frames through;
    /// one client at a time.
    #[arg(long)]
    tcp: Option<String>,
    /// Baud rate.
    #[arg(long, default_value_t = 9600, value_parser = examples::cli::baud)]
    baud: u32,
    /// Unit addresses, 1..=247, one drive each (repeat the option).
    #[arg(
        long = "unit",
        default_values_t = [1u8],
        value_parser = clap::value_parser!(u8).range(1..=247),
    )]
    units: Vec<u8>,
    /// Frame by t1.5/t3.5 instead of predicted length (real RS485 ports only).
    #[arg(long)]
    timing: bool,
}

fn main() {
    let a = Args::parse();
    let line = Line::new(a.baud, Parity::Even, 1);
    let mode = if a.timing {
        Mode::Timing
    } else {
        Mode::Length {
            silence: examples::modbus_sim::PTY_SILENCE,
        }
    };
    let mut bus = Bus::new(&a.units, line, mode);
    if let Some(addr) = &a.tcp {
        let listener = std::net::TcpListener::bind(addr.as_str()).unwrap_or_else(|e| {
            err!("modbus-sim: {addr}: {e}");
            std::process::exit(1)
        });
        match listener.local_addr() {
            Ok(local) => out!("{local}"),
            Err(e) => err!("modbus-sim: {e}"),
        }
        loop {
            match Tcp::accept(&listener) {
                // The client closing its connection ends this serve; the
                // drives keep their state for the next client.
                Ok(mut client) => {
                    let _ = serve(&mut bus, &mut client, || false);
                }
                Err(e) => err!("modbus-sim: accept: {e}"),
            }
        }
    }
    let result = match a.port {
        Some(path) => {
            let mut port = Serial::open(&path, &line).unwrap_or_else(|e| {
                err!("modbus-sim: {path}: {e}");
                std::process::exit(1)
            });
            out!("serving units {} on {path}", list(&a.units));
            serve(&mut bus, &mut port, || false)
        }
        None => {
            let mut pty = Pty::new().unwrap_or_else(|e| {
                err!("modbus-sim: cannot create a pseudo-terminal: {e}");
                std::process::exit(1)
            });
            out!("{}", pty.path());
            serve(&mut bus, pty.master(), || false)
        }
    };
    if let Err(e) = result {
        err!("modbus-sim: {e}");
        std::process::exit(1);
    }
}
