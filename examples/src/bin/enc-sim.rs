//! A simulated ENC drive on a serial device or a new pseudo-terminal.
//!
//! `enc-sim` creates a pseudo-terminal and prints its path;
//! `enc-sim --port PATH` serves on an existing serial device or pty.

use clap::Parser;
use enc_ascii::{Address, Fault, Incoming, Radix};
use examples::enc_sim::{Drive, serve};
use examples::enc_text::{code, label, reply};
use examples::{err, out};
use transports::serial::{Line, Pty, Serial};

#[derive(Parser)]
#[command(
    version,
    about = "Simulated ENC variable-frequency drive with a motor model"
)]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// Baud rate.
    #[arg(long, default_value_t = enc_ascii::LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// The drive's address (F2.15).
    #[arg(long, default_value_t = 1)]
    address: u8,
    /// Write response codes as hex (`14` for 20) instead of their decimal labels.
    #[arg(long)]
    hex_codes: bool,
    /// Trip with fault CODE after SECONDS, e.g. `8@30` (drive overload at 30 s).
    #[arg(long, value_name = "CODE@SECONDS")]
    fault: Option<String>,
    /// Print every request and reply.
    #[arg(long, short)]
    verbose: bool,
}

/// Exits with `code`: 2 for a refused argument, 1 for an I/O error.
fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("enc-sim: {msg}");
    std::process::exit(code);
}

fn main() {
    let args = Args::parse();
    let address = Address::new(args.address).unwrap_or_else(|e| fail(2, e));
    let radix = if args.hex_codes {
        Radix::Hex
    } else {
        Radix::Literal
    };
    let mut drive = Drive::new(address, radix);
    if let Some(spec) = &args.fault {
        let (code, at) = spec
            .split_once('@')
            .and_then(|(c, s)| Some((c.parse::<u8>().ok()?, s)))
            .unwrap_or_else(|| fail(2, format!("--fault {spec}: use CODE@SECONDS, e.g. 8@30")));
        let at = examples::cli::at_seconds(at)
            .unwrap_or_else(|e| fail(2, format!("--fault {spec}: {e}")));
        drive.inject_fault(at, Fault::from_code(code));
    }
    let verbose = args.verbose;
    let log = move |i: &Incoming, r: Option<&enc_ascii::Response>| {
        if !verbose {
            return;
        }
        match (i, r) {
            (Incoming::Request(q), Some(r)) => err!(
                "address {} {} -> {}",
                q.address.get(),
                label(&q.command),
                reply(&q.command, r)
            ),
            (Incoming::Request(q), None) => err!(
                "address {} {} -> no reply (broadcast)",
                q.address.get(),
                label(&q.command)
            ),
            (Incoming::Bad(e), Some(r)) => err!("bad frame ({e}) -> {}", code(r.code)),
            (Incoming::Bad(e), None) => err!("bad frame ({e}) -> no reply"),
        }
    };
    let result = match args.port {
        Some(path) => {
            let line = Line {
                baud: args.baud,
                ..enc_ascii::LINE
            };
            let mut port =
                Serial::open(&path, &line).unwrap_or_else(|e| fail(1, format!("{path}: {e}")));
            out!("serving on {path}");
            serve(&mut drive, &mut port, || false, log)
        }
        None => {
            let mut pty = Pty::new()
                .unwrap_or_else(|e| fail(1, format!("cannot create a pseudo-terminal: {e}")));
            out!("{}", pty.path());
            serve(&mut drive, pty.master(), || false, log)
        }
    };
    if let Err(e) = result {
        err!("enc-sim: {e}");
        std::process::exit(1);
    }
}
