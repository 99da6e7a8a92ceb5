//! Decodes one frame of any protocol of the workspace and prints it as JSON.
//!
//! `decode axpert --command QPIGS 28 32 33 ...` prints the typed reply; a
//! bad frame exits with code 1 and the error on stderr.
//! `decode ydt1363 --command 0x47 ~20024600B032...` prints a Pylontech
//! reply's frame and its values in V, A, °C and Ah.

use axpert_proto::{BatterySystem, Command, Frame, Response, frame};
use clap::{Parser, Subcommand};
use examples::output::{json, parse_hex};
use examples::pylontech_text::{self, command_json, current_scale, reply_json};
use examples::{err, out};
use serde_json::json;
use ydt1363::pylontech::{CID1, Command as Pylontech, Scale};

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
    /// YD/T 1363 (Pylontech RS485): the frame as JSON (LENGTH as `length`,
    /// its LENID, the INFO characters; `lchksum`; INFO as hex text), and
    /// the typed Pylontech request, or with --command or --request the
    /// typed reply, under `pylontech`, in V, A, °C and Ah.
    Ydt1363 {
        /// The command the frame answers, its CID2 in hex (`0x42`, `47`):
        /// read as a reply. 0x42 and 0x44 read one pack, or all packs
        /// when only that form fits.
        #[arg(long, value_parser = cid2, conflicts_with = "request")]
        command: Option<u8>,
        /// The request the frame answers (its frame as ASCII or hex): read
        /// as a reply to it, in the form it asks for (0xFF: all packs).
        #[arg(long)]
        request: Option<String>,
        /// Unit of the 0x47 current limits: 0.1 (A, as a US5000 sends) or
        /// 0.01 (the document's).
        #[arg(long, default_value = "0.1", value_parser = current_scale)]
        current_scale: Scale,
        /// The frame, as its ASCII (`~20024642E00202FD33`, CR optional) or
        /// as hex bytes (`7E 32 30 ...`), spaces allowed.
        #[arg(required = true)]
        frame: Vec<String>,
    },
}

/// A CID2 in hex, `0x` optional.
fn cid2(text: &str) -> Result<u8, String> {
    let t = text.trim();
    let digits = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    u8::from_str_radix(digits, 16)
        .ok()
        .filter(|_| !digits.starts_with('+'))
        .ok_or_else(|| "give the CID2 in hex, 00 to FF (0x42, 47)".into())
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

/// A `~` frame (ENC, YD/T 1363) given as ASCII (`~...`; a CR, or a CR
/// written `\r` as logs print it, optional) or as hex bytes; a CR is
/// added when missing.
fn frame_bytes(parts: &[String]) -> Vec<u8> {
    let joined = parts.join("");
    let mut ascii = joined.trim_end();
    while let Some(rest) = ascii
        .strip_suffix("\\r")
        .or_else(|| ascii.strip_suffix("\\n"))
    {
        ascii = rest.trim_end();
    }
    if ascii.starts_with('~') {
        // Trimmed: its CR, if it had one, is gone.
        let mut b = ascii.as_bytes().to_vec();
        b.push(b'\r');
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
        Protocol::Ydt1363 {
            command,
            request,
            current_scale,
            frame,
        } => ydt1363_frame(command, request, current_scale, &frame),
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
            let bytes = frame_bytes(&frame);
            match request {
                None => {
                    let r = enc_ascii::Request::decode_bytes(&bytes).unwrap_or_else(|e| fail(e));
                    out!("{}", json(&r));
                }
                Some(req) => {
                    let req = enc_ascii::Request::decode_bytes(&frame_bytes(&[req]))
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

/// The Pylontech command a reply with this CID2 answers, for --command
/// (its command value unknown: 0 stands in).
fn pylontech_command(cid2: u8) -> Pylontech {
    match cid2 {
        0x4F => Pylontech::ProtocolVersion,
        0x51 => Pylontech::ManufacturerInfo,
        0x42 => Pylontech::Analog { pack: 0 },
        0x44 => Pylontech::Alarms { pack: 0 },
        0x47 => Pylontech::SystemParameters { pack: None },
        0x92 => Pylontech::Management { pack: 0 },
        0x93 => Pylontech::SerialNumber { pack: 0 },
        0xC1 => Pylontech::PaceVersion,
        0xC2 => Pylontech::PaceSerial,
        cid2 => Pylontech::Other {
            cid2,
            info: Default::default(),
        },
    }
}

/// `decode ydt1363`.
fn ydt1363_frame(command: Option<u8>, request: Option<String>, scale: Scale, parts: &[String]) {
    let bytes = frame_bytes(parts);
    let f = ydt1363::Frame::decode(&bytes).unwrap_or_else(|e| match e {
        ydt1363::Error::Start { .. } => fail(format!(
            "{e} (give the frame as its ASCII, from '~', or as the hex of its bytes, from 7E)"
        )),
        e => fail(e),
    });
    let lenid = f.info.len() as u16;
    // The header, in the frame's order, once CID2 or RTN is known.
    let frame_json = |key: &str, code: u8| {
        let mut v = json!({"ver": f.ver, "adr": f.adr, "cid1": f.cid1});
        v[key] = json!(code);
        if key == "rtn" {
            v["rtn_text"] = json!(pylontech_text::rtn(f.rtn()));
        }
        v["length"] = json!(lenid);
        v["lchksum"] = json!(ydt1363::length_field(lenid) >> 12);
        v["info"] = json!(String::from_utf8_lossy(f.info));
        v
    };
    // The command it answers, when it is read as a reply.
    let answers = match (command, request) {
        (Some(cid2), _) => Some((pylontech_command(cid2), false)),
        (None, Some(req)) => {
            let c = Pylontech::decode_bytes(&frame_bytes(&[req]))
                .unwrap_or_else(|e| fail(format!("--request: {e}")));
            Some((c, true))
        }
        (None, None) => None,
    };
    let Some((asked, exact)) = answers else {
        let mut v = frame_json("cid2", f.cid2);
        if f.cid1 == CID1 {
            match Pylontech::decode(&f) {
                Ok(c) => v["pylontech"] = command_json(&c),
                // An unknown command with more INFO than a typed one holds.
                Err(ydt1363::Error::TooMany { .. }) => {}
                Err(e) => fail(format!("not a Pylontech request: {e}")),
            }
        }
        out!("{}", json(&v));
        return;
    };
    let mut v = frame_json("rtn", f.cid2);
    if f.cid1 == CID1 && f.rtn() == ydt1363::Rtn::Normal {
        let what = format!("{:#04x} reply", asked.cid2());
        let typed = match (reply_json(&asked, &f, scale), asked) {
            // --command 0x42 or 0x44: one pack, or all when only that fits.
            (Err(e), Pylontech::Analog { pack: 0 } | Pylontech::Alarms { pack: 0 }) if !exact => {
                let all = match asked {
                    Pylontech::Analog { .. } => Pylontech::Analog { pack: 0xFF },
                    _ => Pylontech::Alarms { pack: 0xFF },
                };
                reply_json(&all, &f, scale).map_err(|_| e)
            }
            (typed, _) => typed,
        };
        match typed {
            Ok(Some(p)) => v["pylontech"] = p,
            Ok(None) => {}
            Err(e) => fail(format!("{what}: {e}")),
        }
    }
    out!("{}", json(&v));
}
