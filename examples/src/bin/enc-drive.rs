//! Talks to an ENC variable-frequency drive over RS485.
//!
//! ```text
//! enc-drive --port /dev/ttyUSB0 --address 1 status
//! enc-drive --port /dev/ttyUSB0 read run-frequency      (or: read all)
//! enc-drive --port /dev/ttyUSB0 set-frequency 40.00
//! enc-drive --port /dev/ttyUSB0 run
//! enc-drive --port /dev/ttyUSB0 stop --index 5          (index from your drive's manual)
//! enc-drive --port /dev/ttyUSB0 param get F0.05
//! enc-drive --port /dev/ttyUSB0 param set F0.08 100
//! ```

use std::time::Duration;

use clap::{Parser, Subcommand};
use enc_ascii::{
    Address, Command, Control, Frequency, Param, Radix, Reading, Request, Response, ResponseCode,
    Value,
};
use examples::enc_text::{label, reply};
use examples::output::why;
use examples::{err, out};
use serde_json::{Map, Value as Json, json};
use transports::{
    StdClock,
    enc::Driver,
    serial::{Line, Serial},
};

// The options are global: they may come before or after the action.
#[derive(Parser)]
#[command(version, about = "Query and control an ENC variable-frequency drive")]
struct Args {
    /// Serial port (RS485 adapter) or pseudo-terminal (required).
    // Checked in main: clap cannot require a global option.
    #[arg(long, global = true)]
    port: Option<String>,
    /// Baud rate (F2.14).
    #[arg(long, global = true, default_value_t = enc_ascii::LINE.baud, value_parser = examples::cli::baud)]
    baud: u32,
    /// Drive address, 0..=126; 127 broadcasts (no reply).
    #[arg(
        long,
        global = true,
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(0..=127),
    )]
    address: u8,
    /// The drive's response delay in ms (F2.17, 0 to 200).
    #[arg(
        long,
        global = true,
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(0..=200),
    )]
    delay_ms: u64,
    /// Read response codes as hex (`14` is 20) instead of decimal labels.
    #[arg(long, global = true)]
    hex_codes: bool,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
    /// Repeat every this many seconds.
    #[arg(long, global = true, value_parser = examples::cli::seconds)]
    watch: Option<f64>,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Clone)]
enum Action {
    /// Readiness, state word, frequencies, current and fault.
    Status,
    /// A running value by name (run-frequency, output-current, state-word, ...), or `all`.
    Read { value: String },
    /// Run (control index 00).
    Run,
    /// Forward run (index 03).
    Forward,
    /// Set the run frequency in Hz (index 01), e.g. 40.00.
    SetFrequency { hz: String },
    /// Run at a frequency in Hz (index 02).
    RunAt { hz: String },
    /// Stop. The manual page with its index is missing; give it with --index.
    Stop {
        #[arg(long)]
        index: Option<u8>,
    },
    /// Reverse run; index from your drive's manual.
    Reverse {
        #[arg(long)]
        index: Option<u8>,
    },
    /// Jog; index from your drive's manual.
    Jog {
        #[arg(long)]
        index: Option<u8>,
    },
    /// Fault reset; index from your drive's manual.
    Reset {
        #[arg(long)]
        index: Option<u8>,
    },
    /// Raw run control: command index (hex or decimal) and optional data word.
    Control { index: String, data: Option<String> },
    /// Read or write a function-code parameter.
    Param {
        #[command(subcommand)]
        op: ParamOp,
    },
    /// Software version.
    Version,
}

#[derive(Subcommand, Clone)]
enum ParamOp {
    /// Read a parameter, e.g. F0.05.
    Get { param: String },
    /// Write a parameter's raw 16-bit value.
    Set { param: String, value: String },
}

fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("enc-drive: {msg}");
    std::process::exit(code);
}

fn number(text: &str) -> u16 {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(h) => u16::from_str_radix(h, 16),
        None => text.parse(),
    };
    parsed.unwrap_or_else(|_| fail(2, format!("{text}: not a 16-bit number")))
}

fn frequency(text: &str) -> Frequency {
    Frequency::parse(text).unwrap_or_else(|e| fail(2, format!("{text} Hz: {e}")))
}

fn missing_index(what: &str) -> ! {
    fail(
        2,
        format!(
            "the run-control index for {what} is not in any copy of the manual; pass --index N from your drive's manual (enc-sim uses 4 reverse, 5 stop, 6 jog, 7 reset)"
        ),
    )
}

/// The requests an action sends.
fn commands(action: &Action) -> Vec<Command> {
    let other = |index: Option<u8>, what| {
        Command::Control(Control::Other {
            index: index.unwrap_or_else(|| missing_index(what)),
            data: None,
        })
    };
    match action {
        Action::Status => vec![
            Command::State,
            Command::Read(Reading::StateWord),
            Command::Read(Reading::SetFrequency),
            Command::Read(Reading::RunFrequency),
            Command::Read(Reading::OutputCurrent),
        ],
        Action::Read { value } if value == "all" => {
            Reading::ALL.iter().map(|r| Command::Read(*r)).collect()
        }
        Action::Read { value } => {
            let r = Reading::from_name(value).unwrap_or_else(|| {
                let names: Vec<&str> = Reading::ALL.iter().map(|r| r.name()).collect();
                fail(2, format!("{value}: not one of all, {}", names.join(", ")))
            });
            vec![Command::Read(r)]
        }
        Action::Run => vec![Command::Control(Control::Run)],
        Action::Forward => vec![Command::Control(Control::Forward)],
        Action::SetFrequency { hz } => vec![Command::Control(Control::SetFrequency(frequency(hz)))],
        Action::RunAt { hz } => vec![Command::Control(Control::RunAt(frequency(hz)))],
        Action::Stop { index } => vec![other(*index, "stop")],
        Action::Reverse { index } => vec![other(*index, "reverse")],
        Action::Jog { index } => vec![other(*index, "jog")],
        Action::Reset { index } => vec![other(*index, "fault reset")],
        Action::Control { index, data } => {
            let index = u8::try_from(number(index)).unwrap_or_else(|_| fail(2, "index above 255"));
            vec![Command::Control(Control::Other {
                index,
                data: data.as_deref().map(number),
            })]
        }
        Action::Param {
            op: ParamOp::Get { param },
        } => {
            vec![Command::ReadParam(
                Param::parse(param).unwrap_or_else(|e| fail(2, format!("{param}: {e}"))),
            )]
        }
        Action::Param {
            op: ParamOp::Set { param, value },
        } => vec![Command::WriteParam(
            Param::parse(param).unwrap_or_else(|e| fail(2, format!("{param}: {e}"))),
            number(value),
        )],
        Action::Version => vec![Command::Version],
    }
}

/// The reply as JSON: the value asked for, the code when it is not
/// normal, and the fault when there is one.
fn reply_json(command: &Command, r: &Response) -> Json {
    let mut m = Map::new();
    if let Some(v) = r.value(command) {
        let v = match v {
            Value::Quantity(q) => json!(q.to_f64()),
            Value::StateWord(w) => serde_json::to_value(w).unwrap_or(Json::Null),
            Value::Terminals(t) | Value::Word(t) => json!(t),
        };
        m.insert("value".into(), v);
    }
    if *command == Command::State || r.code != ResponseCode::Normal {
        m.insert(
            "code".into(),
            serde_json::to_value(r.code).unwrap_or(Json::Null),
        );
    }
    if let Some(f) = r.fault.filter(|f| *f != enc_ascii::Fault::None) {
        m.insert(
            "fault".into(),
            serde_json::to_value(f).unwrap_or(Json::Null),
        );
    }
    Json::Object(m)
}

/// Why the drive did not do it, and what to check; `None` when it did.
fn refusal(code: ResponseCode) -> Option<&'static str> {
    match code {
        ResponseCode::Refused => Some(
            "the drive refused (code 30: not under communication control, data out of \
             range, or a wrong password); check the drive's command source and the \
             value's range in its manual",
        ),
        ResponseCode::FrameError => Some(
            "the drive reported a frame error (code 20: checksum, command or index out \
             of range, length); check the index against the drive's manual",
        ),
        _ => None,
    }
}

fn main() {
    let a = Args::parse();
    let path = a
        .port
        .as_deref()
        .unwrap_or_else(|| fail(2, "--port is required"));
    let address = Address::new(a.address).unwrap_or_else(|e| fail(2, e));
    // Every argument is checked before the port is opened.
    let commands = commands(&a.action);
    let line = Line {
        baud: a.baud,
        ..enc_ascii::LINE
    };
    let port = Serial::open(path, &line).unwrap_or_else(|e| fail(1, format!("{path}: {e}")));
    let radix = if a.hex_codes {
        Radix::Hex
    } else {
        Radix::Literal
    };
    let client = transports::enc::client(a.baud, Duration::from_millis(a.delay_ms), radix);
    let mut drive = Driver::new(port, StdClock::new(), client);
    loop {
        let mut out = Map::new();
        // What the drive refused, by label, and why (codes 20 and 30).
        let mut refused = Vec::new();
        for command in &commands {
            let request = Request::new(address, *command);
            match drive.transact(&request) {
                Ok(Some(r)) => {
                    if let Some(reason) = refusal(r.code) {
                        refused.push(format!("{}: {reason}", label(command)));
                    }
                    out.insert(
                        label(command),
                        if a.json {
                            reply_json(command, &r)
                        } else {
                            json!(reply(command, &r))
                        },
                    );
                }
                Ok(None) => {
                    out.insert(label(command), json!("broadcast, no reply"));
                }
                Err(e) => fail(1, format!("{}: {}", label(command), why(&e))),
            }
        }
        if a.json {
            out!("{}", Json::Object(out));
        } else {
            let width = out.keys().map(String::len).max().unwrap_or(0);
            for (k, v) in &out {
                out!("{k:width$}  {}", v.as_str().unwrap_or_default());
            }
        }
        if !refused.is_empty() {
            fail(3, refused.join("; "));
        }
        match a.watch {
            Some(s) => std::thread::sleep(Duration::from_secs_f64(s)),
            None => break,
        }
    }
}
