//! Decodes one frame of any protocol of the workspace and prints it as JSON.
//!
//! `decode axpert --command QPIGS 28 32 33 ...` prints the typed reply; a
//! bad frame exits with code 1 and the error on stderr.

use axpert_proto::{BatterySystem, Command, Frame, Response, frame};
use clap::{Parser, Subcommand};
use examples::output::{json, parse_hex};
use examples::{err, out};

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
    /// Modbus RTU: a request ADU, an exception reply, or with --request a response ADU.
    Modbus {
        /// The request the response answers (hex), to type its data.
        #[arg(long)]
        request: Option<String>,
        /// The ADU in hex, spaces allowed.
        #[arg(required = true)]
        hex: Vec<String>,
    },
    /// Battery BMS CAN: one frame's data, typed by its identifier.
    BmsCan {
        /// The CAN identifier, hex (`0x356`) or decimal, below 0x800.
        #[arg(long, value_parser = can_id)]
        id: u16,
        /// The data bytes in hex, spaces allowed (none for an empty frame).
        hex: Vec<String>,
    },
    /// ENC drive ASCII protocol: a request, or with --request a response.
    Enc {
        /// The request the response answers (its frame as ASCII or hex),
        /// to type the response's data.
        #[arg(long)]
        request: Option<String>,
        /// Read response codes as hex (`14` is 20) instead of decimal labels.
        #[arg(long)]
        hex_codes: bool,
        /// The frame, as its ASCII (`~010A00000192`, CR optional) or as hex bytes.
        #[arg(required = true)]
        frame: Vec<String>,
    },
}

/// An 11-bit CAN identifier, hex (`0x356`) or decimal.
fn can_id(text: &str) -> Result<u16, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(h) => u16::from_str_radix(h, 16),
        None => text.parse(),
    };
    parsed
        .ok()
        .filter(|&i| i < 0x800)
        .ok_or_else(|| "not an 11-bit identifier (0 to 0x7FF)".into())
}

/// An ENC frame given as ASCII (`~...`, CR added when missing) or as hex bytes.
fn enc_bytes(parts: &[String]) -> Vec<u8> {
    let joined = parts.join("");
    if joined.starts_with('~') {
        let mut b = joined.into_bytes();
        if b.last() != Some(&b'\r') {
            b.push(b'\r');
        }
        return b;
    }
    let mut b = parse_hex(parts).unwrap_or_else(|e| fail(e));
    if b.first() == Some(&b'~') && b.last() != Some(&b'\r') {
        b.push(b'\r');
    }
    b
}

fn fail(msg: impl std::fmt::Display) -> ! {
    err!("decode: {msg}");
    std::process::exit(1);
}

fn main() {
    match Args::parse().protocol {
        Protocol::Modbus { request, hex } => {
            let adu = parse_hex(&hex).unwrap_or_else(|e| fail(e));
            match request {
                // An exception reply needs no request to be read.
                None if adu.get(1).is_some_and(|f| f & 0x80 != 0) => {
                    let (a, r) = modbus_rtu_lite::decode_response(&adu).unwrap_or_else(|e| fail(e));
                    out!("{}", json(&examples::modbus_json::response(a, &r, None)));
                }
                None => {
                    let (a, r) = modbus_rtu_lite::decode_request(&adu).unwrap_or_else(|e| fail(e));
                    out!("{}", json(&examples::modbus_json::request(a, &r)));
                }
                Some(req) => {
                    let req_bytes =
                        parse_hex(&[req]).unwrap_or_else(|e| fail(format!("--request: {e}")));
                    let (_, rq) = modbus_rtu_lite::decode_request(&req_bytes)
                        .unwrap_or_else(|e| fail(format!("--request: {e}")));
                    let (a, r) = modbus_rtu_lite::decode_response(&adu).unwrap_or_else(|e| fail(e));
                    out!(
                        "{}",
                        json(&examples::modbus_json::response(a, &r, Some(&rq)))
                    );
                }
            }
        }
        Protocol::BmsCan { id, hex } => {
            let data = parse_hex(&hex).unwrap_or_else(|e| fail(e));
            let m = bms_can::Message::decode(id, &data).unwrap_or_else(|e| fail(e));
            out!("{}", json(&m));
        }
        Protocol::Enc {
            request,
            hex_codes,
            frame,
        } => {
            let bytes = enc_bytes(&frame);
            match request {
                None => {
                    let r = enc_ascii::Request::decode_bytes(&bytes).unwrap_or_else(|e| fail(e));
                    out!("{}", json(&r));
                }
                Some(req) => {
                    let req = enc_ascii::Request::decode_bytes(&enc_bytes(&[req]))
                        .unwrap_or_else(|e| fail(format!("--request: {e}")));
                    let radix = if hex_codes {
                        enc_ascii::Radix::Hex
                    } else {
                        enc_ascii::Radix::Literal
                    };
                    let r = enc_ascii::Response::decode_bytes(&bytes, radix)
                        .unwrap_or_else(|e| fail(e));
                    let out = serde_json::json!({
                        "response": r,
                        "value": r.value(&req.command),
                    });
                    out!("{}", json(&out));
                }
            }
        }
        Protocol::Axpert {
            command,
            request,
            hex,
        } => {
            let bytes = parse_hex(&hex).unwrap_or_else(|e| fail(e));
            if request {
                let line = frame::decode_request(&bytes).unwrap_or_else(|e| fail(e));
                let cmd = Command::decode(line, BatterySystem::V48).unwrap_or_else(|e| fail(e));
                out!("{}", json(&cmd));
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
            out!("{}", json(&response));
        }
    }
}
