//! Decodes one frame of any protocol of the workspace and prints it as JSON.
//!
//! `decode axpert --command QPIGS 28 32 33 ...` prints the typed reply; a
//! bad frame exits with code 1 and the error on stderr.

use axpert_proto::{BatterySystem, Command, Frame, Response, frame};
use clap::{Parser, Subcommand};
use examples::output::{json, parse_hex};

#[derive(Parser)]
#[command(version, about = "Decode a frame to JSON")]
struct Args {
    #[command(subcommand)]
    protocol: Protocol,
}

#[derive(Subcommand)]
enum Protocol {
    /// Axpert / Voltronic (PI30): a reply, typed by the command that asked for it.
    Axpert {
        /// The command the frame answers (QPIGS, QPIRI, ...); without it only
        /// ACK/NAK are typed and other payloads are printed raw.
        #[arg(long)]
        command: Option<String>,
        /// Decode a request (command + CRC + CR) instead of a reply.
        #[arg(long, conflicts_with = "command")]
        request: bool,
        /// The frame's bytes in hex, spaces allowed.
        #[arg(required = true)]
        hex: Vec<String>,
    },
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("decode: {msg}");
    std::process::exit(1);
}

fn main() {
    match Args::parse().protocol {
        Protocol::Axpert {
            command,
            request,
            hex,
        } => {
            let bytes = parse_hex(&hex).unwrap_or_else(|e| fail(e));
            if request {
                let line = frame::decode_request(&bytes).unwrap_or_else(|e| fail(e));
                let cmd = Command::decode(line, BatterySystem::V48).unwrap_or_else(|e| fail(e));
                println!("{}", json(&cmd));
                return;
            }
            let inquiry = match command {
                None => None,
                Some(name) => match Command::from_name(&name, &[], BatterySystem::V48) {
                    Ok(c) => c.inquiry(),
                    Err(_) => {
                        // QPGSn with its unit number in the name.
                        let upper = name.to_ascii_uppercase();
                        let unit = upper
                            .strip_prefix("QPGS")
                            .unwrap_or_else(|| fail(format!("--command {name}: not an inquiry")));
                        Command::from_name("QPGS", &[unit], BatterySystem::V48)
                            .unwrap_or_else(|e| fail(format!("--command {name}: {e}")))
                            .inquiry()
                    }
                },
            };
            let frame = Frame::decode(&bytes).unwrap_or_else(|e| fail(e));
            let response = Response::decode(inquiry, &frame).unwrap_or_else(|e| fail(e));
            println!("{}", json(&response));
        }
    }
}
