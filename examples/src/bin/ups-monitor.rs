//! Polls a modular UPS over YD/T 1363 through a point table and prints
//! every named point.
//!
//! ```text
//! ups-monitor --port /dev/ttyUSB0 --table ups-cms
//! ups-monitor --port /dev/ttyUSB0 --table my-ups.toml --json --watch 5
//! ```

use std::time::Duration;

use clap::Parser;
use examples::output::why;
use examples::point_text::{Group, Reading, json, text};
use examples::{err, out};
use points::{Reply, Request, Table};
use transports::serial::{Line, Serial};
use transports::{StdClock, ydt1363::Driver};
use ydt1363::Rtn;

/// INFO starts here in a frame (`docs/protocols/ydt1363.md` §1).
const INFO_AT: usize = examples::ups_sim::INFO_AT;

#[derive(Parser)]
#[command(
    version,
    about = "Poll a UPS over YD/T 1363 through a point table and print every named point",
    after_help = "Exit codes: 0 every command answered; 1 I/O or protocol error (no reply, a \
                  corrupted frame); 2 refused argument or unusable table (nothing was sent); \
                  3 the UPS refused a command (an RTN other than 00). A point that cannot be read \
                  from an answered reply shows its error in place and does not change the code. \
                  With --watch, polling goes on after time-outs and refusals, and ends with 1 only \
                  when the port fails."
)]
struct Args {
    /// Serial device (RS485 or RS232 adapter) or pseudo-terminal.
    #[arg(long)]
    port: String,
    /// The point table: a shipped one (ups-cms) or a TOML or INI file.
    #[arg(long)]
    table: String,
    /// The UPS's address (ADR), 1 to 254.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=254))]
    address: u8,
    /// Baud rate (8N1).
    #[arg(long, default_value_t = 9600, value_parser = examples::cli::baud)]
    baud: u32,
    /// Reply time-out, seconds.
    #[arg(long, default_value_t = 2.0, value_parser = examples::cli::seconds)]
    timeout: f64,
    /// Poll again every SECONDS.
    #[arg(long, value_parser = examples::cli::seconds)]
    watch: Option<f64>,
    /// Print JSON: an object per command of point name to value (one line per poll with --watch).
    #[arg(long)]
    json: bool,
}

fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("ups-monitor: {msg}");
    std::process::exit(code);
}

/// How a poll went, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Answered,
    Refused,
    Failed,
}

fn main() {
    let a = Args::parse();
    let file = examples::tables::load(&a.table)
        .unwrap_or_else(|e| fail(2, format!("--table {}: {e}", a.table)));
    let checked = file.with_table(|t| {
        t.commands
            .iter()
            .any(|c| matches!(c.request, Request::Ydt1363 { .. }))
    });
    match checked {
        Ok(true) => {}
        Ok(false) => fail(
            2,
            format!(
                "--table {}: no YD/T 1363 command in it (for a Modbus table use `modbus read-points`)",
                a.table
            ),
        ),
        Err(e) => fail(2, format!("--table {}: {e}", a.table)),
    }
    let line = Line {
        baud: a.baud,
        ..examples::ups_sim::LINE
    };
    let io = Serial::open(&a.port, &line).unwrap_or_else(|e| fail(1, format!("{}: {e}", a.port)));
    let timeout = Duration::from_secs_f64(a.timeout);
    let mut d = Driver::new(io, StdClock::new(), transports::ydt1363::client(timeout));
    loop {
        let (groups, outcome) = file
            .with_table(|t| poll(&mut d, t, a.address))
            .unwrap_or_else(|e| fail(2, e));
        if a.json {
            let v = json(&groups);
            if a.watch.is_some() {
                out!("{v}");
            } else {
                out!("{}", examples::output::json(&v));
            }
        } else {
            out!("{}", text(&groups).trim_end());
        }
        for g in &groups {
            if let Some(e) = &g.error {
                err!("ups-monitor: command {}: {e}", g.key);
            }
        }
        match a.watch {
            Some(s) => {
                if outcome == Outcome::Failed && port_gone(&groups) {
                    std::process::exit(1);
                }
                std::thread::sleep(Duration::from_secs_f64(s));
                if !a.json {
                    out!();
                }
            }
            None => std::process::exit(match outcome {
                Outcome::Answered => 0,
                Outcome::Refused => 3,
                Outcome::Failed => 1,
            }),
        }
    }
}

/// Whether a group failed because the port did (not a time-out).
fn port_gone(groups: &[Group]) -> bool {
    groups.iter().any(|g| {
        g.error
            .as_deref()
            .is_some_and(|e| e.starts_with("i/o error"))
    })
}

/// Asks every YD/T 1363 command of `table` and reads its points.
fn poll<T>(d: &mut Driver<T, StdClock>, table: &Table<'_>, adr: u8) -> (Vec<Group>, Outcome)
where
    T: embedded_io::Read + embedded_io::Write,
    T::Error: std::fmt::Display + std::fmt::Debug,
{
    let mut groups = Vec::new();
    let mut worst = Outcome::Answered;
    for c in table.commands {
        let Request::Ydt1363 {
            ver,
            cid1,
            cid2,
            info,
        } = c.request
        else {
            continue;
        };
        let title = format!("command {} (CID1 {cid1:02X}, CID2 {cid2:02X})", c.key);
        let request = ydt1363::Request {
            ver,
            adr,
            cid1,
            cid2,
            info,
        };
        // The frame as it travelled, so points counted from its start
        // read as well as those counted from INFO.
        let answer = d.ask(&request).map(|f| {
            let mut raw = vec![0u8; 32 + f.info.len()];
            let n = f.encode(&mut raw).unwrap_or(0);
            raw.truncate(n);
            (f.rtn(), raw)
        });
        let (readings, error, outcome) = match answer {
            Ok((Rtn::Normal, raw)) => {
                let readings = table
                    .decode(c.key, "", Reply::frame(&raw, INFO_AT))
                    .map(|(p, v)| Reading::new(p, v))
                    .collect();
                (readings, None, Outcome::Answered)
            }
            Ok((rtn, _)) => (
                Vec::new(),
                Some(format!(
                    "the UPS refused it ({}); check the table's VER, CID1 and CID2 against \
                     the UPS's protocol document",
                    examples::pylontech_text::rtn(rtn)
                )),
                Outcome::Refused,
            ),
            Err(e) => (Vec::new(), Some(why(&e)), Outcome::Failed),
        };
        worst = worst.max(outcome);
        groups.push(Group {
            key: c.key.to_string(),
            title,
            readings,
            error,
        });
    }
    (groups, worst)
}
