//! A simulated stack of Pylontech packs on a serial device or a new
//! pseudo-terminal.
//!
//! `pylontech-sim` creates a pseudo-terminal and prints its path;
//! `pylontech-sim --port PATH` serves on an existing serial device or pty.

use clap::Parser;
use examples::pylontech_sim::{FIRST, LINE, Stack, describe, describe_answer, serve};
use examples::{err, out};
use transports::serial::{Line, Pty, Serial};
use ydt1363::device::MAX_PACKS;

#[derive(Parser)]
#[command(
    version,
    about = "Simulated Pylontech battery packs (RS485, YD/T 1363)"
)]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// Baud rate (real packs: 9600 on RS485).
    #[arg(long, default_value_t = LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// Packs in the stack, 1 to 16, at addresses 2, 3, ...
    #[arg(long, default_value_t = 1)]
    packs: u32,
    /// Keep the values still (every answer reads the same; for tests).
    #[arg(long)]
    hold: bool,
    /// Print every request and answer.
    #[arg(long, short)]
    verbose: bool,
}

fn main() {
    let args = Args::parse();
    let packs = match u8::try_from(args.packs) {
        Ok(n) if (1..=MAX_PACKS as u8).contains(&n) => n,
        _ => {
            err!(
                "pylontech-sim: --packs {}: give 1 to {MAX_PACKS} packs",
                args.packs
            );
            std::process::exit(2);
        }
    };
    let mut stack = Stack::new(packs);
    stack.hold(args.hold);
    let verbose = args.verbose;
    let log = move |request: &ydt1363::device::Request, response: &_| {
        if verbose {
            err!(
                "address {}: {} -> {}",
                request.adr,
                describe(&request.command),
                describe_answer(response)
            );
        }
    };
    let last = FIRST + packs - 1;
    let result = match args.port {
        Some(path) => {
            let line = Line {
                baud: args.baud,
                ..LINE
            };
            let mut port = Serial::open(&path, &line).unwrap_or_else(|e| {
                err!("pylontech-sim: {path}: {e}");
                std::process::exit(1);
            });
            out!("serving {packs} pack(s), addresses {FIRST} to {last}, on {path}");
            serve(&mut stack, &mut port, || false, log)
        }
        None => {
            let mut pty = Pty::new().unwrap_or_else(|e| {
                err!("pylontech-sim: cannot create a pseudo-terminal: {e}");
                std::process::exit(1);
            });
            out!("{}", pty.path());
            serve(&mut stack, pty.master(), || false, log)
        }
    };
    if let Err(e) = result {
        err!("pylontech-sim: {e}");
        std::process::exit(1);
    }
}
