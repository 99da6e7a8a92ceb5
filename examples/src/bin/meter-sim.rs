//! A simulated energy meter on Modbus RTU, serving a point table's
//! registers, on a serial device or a new pseudo-terminal.
//!
//! `meter-sim --table dtsu666` creates a pseudo-terminal and prints its
//! path; `--port PATH` serves on an existing serial device or pty.

use clap::Parser;
use examples::err;
use examples::meter_sim::{Meter, serve};
use examples::sim_port::serve_on;
use modbus_rtu_lite::Line;

#[derive(Parser)]
#[command(
    version,
    about = "Simulated energy meter on Modbus RTU (SDM120, SDM630, DDSU666, DTSU666 or a table file)",
    after_help = "Serves the table's registers with changing values (230 V, 50 Hz, a swinging \
                  load, growing energy); a register no point covers answers exception 02. \
                  Read it with: modbus --port PATH --parity none read-points --table TABLE"
)]
struct Args {
    /// Serial device or pseudo-terminal to serve on (default: a new pseudo-terminal).
    #[arg(long)]
    port: Option<String>,
    /// The point table: sdm120, sdm630, ddsu666, dtsu666, or a TOML or INI file.
    #[arg(long, default_value = "sdm120")]
    table: String,
    /// Where sources disagree, which variant to serve (default: the table's).
    #[arg(long)]
    variant: Option<String>,
    /// Unit address, 1..=247.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=247))]
    unit: u8,
    /// Baud rate (8N1, the meters' default framing).
    #[arg(long, default_value_t = 9600, value_parser = examples::cli::baud)]
    baud: u32,
    /// Keep the values still (every read reads the same; for tests).
    #[arg(long)]
    hold: bool,
}

fn main() {
    let a = Args::parse();
    let file = examples::tables::load(&a.table).unwrap_or_else(|e| {
        err!("meter-sim: --table {}: {e}", a.table);
        std::process::exit(2);
    });
    let mut meter = Meter::new(file, a.variant.as_deref()).unwrap_or_else(|e| {
        err!("meter-sim: {e}");
        std::process::exit(2);
    });
    meter.hold(a.hold);
    for function in [3, 4] {
        for (name, why) in meter.registers(function).1 {
            err!("meter-sim: point {name} is left out: {why}");
        }
    }
    let line = Line::n81(a.baud);
    let (table, unit) = (&a.table, a.unit);
    serve_on(
        "meter-sim",
        a.port.as_deref(),
        &line,
        |path| format!("serving {table} at unit {unit} on {path}"),
        |io| serve(meter, unit, line, io, || false),
    );
}
