//! A simulated modular UPS on YD/T 1363, on a serial device or a new
//! pseudo-terminal, answering the commands of a point table.
//!
//! `ups-sim` creates a pseudo-terminal and prints its path; `ups-sim
//! --port PATH` serves on an existing serial device or pty.

use clap::Parser;
use examples::err;
use examples::sim_port::serve_on;
use examples::ups_sim::{LINE, Ups, describe, serve};
use transports::serial::Line;

#[derive(Parser)]
#[command(
    version,
    about = "Simulated modular UPS on YD/T 1363, answering a point table's commands",
    after_help = "Every command of the table is answered with a reply whose INFO holds each \
                  point's value at its place (230 V mains, 50 Hz, a swinging load, a few status \
                  flags set); anything else gets RTN 04. The shipped table's offsets are inferred \
                  (points/tables/README.md): the simulator follows the table, not a real unit."
)]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// The point table: a shipped one (ups-cms) or a TOML or INI file.
    #[arg(long, default_value = "ups-cms")]
    table: String,
    /// Baud rate.
    #[arg(long, default_value_t = LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// The UPS's address (ADR), 1 to 254.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=254))]
    address: u8,
    /// Keep the values still (every answer reads the same; for tests).
    #[arg(long)]
    hold: bool,
    /// Print every request and answer.
    #[arg(long, short)]
    verbose: bool,
}

fn main() {
    let args = Args::parse();
    let file = examples::tables::load(&args.table).unwrap_or_else(|e| {
        err!("ups-sim: --table {}: {e}", args.table);
        std::process::exit(2);
    });
    let mut ups = Ups::new(file).unwrap_or_else(|e| {
        err!("ups-sim: --table {}: {e}", args.table);
        std::process::exit(2);
    });
    ups.hold(args.hold);
    // Points the simulator cannot write are said once, up front.
    let keys: Vec<String> =
        ups.with_table(|t| t.commands.iter().map(|c| c.key.to_string()).collect());
    for key in &keys {
        for (name, why) in ups.info(key).1 {
            err!("ups-sim: command {key}: point {name} is left out: {why}");
        }
    }
    let verbose = args.verbose;
    let log = move |request: &ydt1363::device::Request, command: Option<&str>, answer: &_| {
        if verbose {
            err!(
                "address {}: CID1 {:02X} CID2 {:02X} -> {}",
                request.adr,
                request.cid1,
                request.command.cid2(),
                describe(command, answer)
            );
        }
    };
    let adr = args.address;
    let line = Line {
        baud: args.baud,
        ..LINE
    };
    serve_on(
        "ups-sim",
        args.port.as_deref(),
        &line,
        |path| format!("serving a UPS at address {adr} on {path}"),
        |io| serve(&mut ups, adr, io, || false, log),
    );
}
