//! Every row of the real-device captures (`testdata/captures/axpert.jsonl`,
//! each row naming its public source) as a regression test.
//!
//! - `crc_ok: true`: framed (whole, byte by byte and in uneven chunks) into
//!   exactly one frame; a PI30 reply to a command this crate types decodes
//!   and re-encodes to the same bytes.
//! - `crc_ok: false`: rejected.
//! - `crc_ok: null` (the source gave text only, no CRC to check): never
//!   accepted as a checked frame.

use std::path::PathBuf;

use axpert_proto::{Error, Frame, Framer, Inquiry, Response, Start};

struct Row {
    line: usize,
    command: String,
    bytes: Vec<u8>,
    crc_ok: Option<bool>,
    notes: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("testdata/captures/axpert.jsonl")).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let hex = v["response_hex"].as_str().unwrap();
            Row {
                line: i + 1,
                command: v["command"].as_str().unwrap().to_string(),
                bytes: (0..hex.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap())
                    .collect(),
                crc_ok: v["crc_ok"].as_bool(),
                notes: v["notes"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// The inquiry a captured command answers, when this crate types it.
fn inquiry(command: &str) -> Option<Option<Inquiry>> {
    Some(Some(match command {
        "(set command ACK/NAK)" => return Some(None),
        "QPI" => Inquiry::ProtocolId,
        "QID" => Inquiry::SerialNumber,
        "QSID" => Inquiry::SerialId,
        "QVFW" => Inquiry::Firmware,
        "QVFW2" => Inquiry::Firmware2,
        "QPIRI" => Inquiry::RatedInfo,
        "QFLAG" => Inquiry::Flags,
        "QPIGS" => Inquiry::GeneralStatus,
        "QPGS" | "QPGS0" => Inquiry::ParallelStatus(0),
        "QPGS1" => Inquiry::ParallelStatus(1),
        "QMOD" => Inquiry::Mode,
        "QPIWS" => Inquiry::Warnings,
        "QDI" => Inquiry::Defaults,
        "QMCHGCR" => Inquiry::ChargingCurrents,
        "QMUCHGCR" => Inquiry::UtilityChargingCurrents,
        "QOPM" => Inquiry::OutputMode,
        "QMN" => Inquiry::ModelName,
        "QGMN" => Inquiry::ModelNumber,
        "QBEQI" => Inquiry::Equalization,
        _ => return None,
    }))
}

type Outcome = Result<(Start, Vec<u8>), Error>;

fn run(input: &[u8], chunks: &[usize]) -> Vec<Outcome> {
    let mut f = Framer::<256>::new();
    let mut out = Vec::new();
    let (mut pos, mut k) = (0, 0);
    while pos < input.len() {
        let size = chunks[k % chunks.len()];
        k += 1;
        let mut chunk = &input[pos..(pos + size).min(input.len())];
        pos += chunk.len();
        while !chunk.is_empty() {
            let (n, ev) = f.feed(chunk);
            if let Some(ev) = ev {
                out.push(ev.map(|fr| (fr.start, fr.payload.to_vec())));
            }
            chunk = &chunk[n..];
        }
    }
    out
}

/// Frames `input` whole, byte by byte and in several uneven chunkings; all must agree.
fn frame_all_ways(input: &[u8]) -> Vec<Outcome> {
    let whole = run(input, &[usize::MAX]);
    assert_eq!(run(input, &[1]), whole);
    for seed in 0..6 {
        let chunks: Vec<usize> = (0..11).map(|i| (i * 5 + seed * 7) % 13 + 1).collect();
        assert_eq!(run(input, &chunks), whole);
    }
    whole
}

/// `resp` encodes to the captured bytes, up to the terminator (which may
/// have been LF, or followed by padding).
fn assert_reencodes(resp: &Response, captured: &[u8], ctx: &str) {
    let mut buf = [0u8; 256];
    let n = resp.encode(&mut buf).unwrap();
    let end = captured
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap();
    assert_eq!(
        &buf[..n - 1],
        &captured[..end],
        "{ctx}: re-encoding differs"
    );
}

/// The capture file is checked against itself, so that an edit to one
/// field of a row cannot go unnoticed: every row names its public source,
/// its two renderings of the captured bytes agree (`response_text` is
/// `response_hex` read as Latin-1), and `crc_ok` is null exactly when the
/// source gave no CRC (`has_crc: false`).
#[test]
fn capture_rows_are_consistent() {
    let text = std::fs::read_to_string(root().join("testdata/captures/axpert.jsonl")).unwrap();
    let mut n = 0;
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let ctx = format!("line {}", i + 1);
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(
            v["source"].as_str().is_some_and(|s| !s.trim().is_empty()),
            "{ctx}: no source"
        );
        let hex = v["response_hex"].as_str().unwrap();
        let bytes: Vec<u8> = hex
            .as_bytes()
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect();
        assert_eq!(bytes.len() * 2, hex.len(), "{ctx}: odd response_hex");
        let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
        assert_eq!(
            v["response_text"].as_str(),
            Some(latin1.as_str()),
            "{ctx}: response_text and response_hex differ"
        );
        let has_crc = v["has_crc"].as_bool().unwrap();
        assert_eq!(v["crc_ok"].is_null(), !has_crc, "{ctx}: crc_ok and has_crc");
        n += 1;
    }
    assert_eq!(n, rows().len());
}

#[test]
fn every_capture_row() {
    let rows = rows();
    assert_eq!(rows.len(), 94);
    let (mut typed, mut raw, mut rejected) = (0, 0, 0);
    for r in &rows {
        let ctx = format!("line {} ({})", r.line, r.command);
        let outcomes = frame_all_ways(&r.bytes);
        match r.crc_ok {
            Some(true) => {
                assert_eq!(outcomes.len(), 1, "{ctx}: {outcomes:?}");
                let (start, payload) = outcomes[0].clone().unwrap_or_else(|e| panic!("{ctx}: {e}"));
                // The same frame through the one-shot decoder.
                let frame = Frame::decode(&r.bytes).unwrap();
                assert_eq!((frame.start, frame.payload), (start, &payload[..]), "{ctx}");
                let pi16 = r.notes.contains("PI16");
                match inquiry(&r.command) {
                    Some(inq) if start == Start::Paren && !pi16 => {
                        let resp =
                            Response::decode(inq, &frame).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                        assert_reencodes(&resp, &r.bytes, &ctx);
                        typed += 1;
                    }
                    _ => {
                        // Other family members: framed, CRC-checked, payload raw,
                        // and re-encoded to the same bytes.
                        let resp = Response::decode(None, &frame).unwrap();
                        assert!(
                            matches!(
                                resp,
                                Response::Raw(_)
                                    | Response::Pi18(_)
                                    | Response::Ack
                                    | Response::Nak
                            ),
                            "{ctx}"
                        );
                        assert_eq!(start == Start::Caret, matches!(resp, Response::Pi18(_)));
                        if frame.crc.is_some() {
                            assert_reencodes(&resp, &r.bytes, &ctx);
                        }
                        raw += 1;
                    }
                }
            }
            Some(false) => {
                assert!(!outcomes.is_empty(), "{ctx}: nothing framed");
                assert!(
                    outcomes.iter().all(Result::is_err),
                    "{ctx}: accepted {outcomes:?}"
                );
                assert!(Frame::decode(&r.bytes).is_err(), "{ctx}");
                rejected += 1;
            }
            None => {
                assert!(
                    outcomes.iter().all(Result::is_err),
                    "{ctx}: accepted {outcomes:?}"
                );
                rejected += 1;
            }
        }
    }
    eprintln!("{typed} typed, {raw} raw, {rejected} rejected");
    assert_eq!(typed + raw + rejected, rows.len());
    assert!(typed >= 55, "only {typed} rows decoded typed");
}

fn decode(command: &str, line_contains: &str) -> Response {
    let r = rows()
        .into_iter()
        .find(|r| r.command == command && String::from_utf8_lossy(&r.bytes).contains(line_contains))
        .unwrap();
    Response::decode_bytes(inquiry(command).unwrap(), &r.bytes).unwrap()
}

#[test]
fn general_status_values() {
    let Response::GeneralStatus(s) = decode("QPIGS", "239.3 50.0") else {
        panic!()
    };
    assert_eq!(s.grid_voltage.to_f32(), Some(239.3));
    assert_eq!(s.ac_output_active_power.to_u32(), Some(196));
    assert_eq!(s.battery_voltage.to_f32(), Some(53.2));
    assert_eq!(s.battery_capacity.to_u32(), Some(50));
    assert_eq!(
        s.pv_input_current.to_string(),
        "01.9",
        "EE.E, not the document's EEEE"
    );
    assert_eq!(s.pv_input_voltage.to_f32(), Some(209.8));
    assert_eq!(s.pv_charging_power.unwrap().to_u32(), Some(408));
    use axpert_proto::DeviceStatus as D;
    assert_eq!(s.device_status, D::LOAD_ON | D::CHARGING | D::SCC_CHARGING);
    assert!(s.extra.is_empty());
}

#[test]
fn qpiri_with_dash_and_out_of_table_codes() {
    let Response::RatedInfo(r) = decode("QPIRI", "13.0 230.0") else {
        panic!()
    };
    assert!(!r.parallel_max_number.is_available());
    assert_eq!(r.max_cv_charging_time, None, "25-field reply");
    let Response::RatedInfo(r) = decode("QPIRI", "55.3 55.3 2 02 100 0 2 3") else {
        panic!()
    };
    assert_eq!(
        r.charger_source_priority,
        axpert_proto::ChargerSource::SolarOnly
    );
    let Response::RatedInfo(r) = decode("QPIRI", "57.6 57.6 9 30") else {
        panic!()
    };
    assert_eq!(r.battery_type, axpert_proto::BatteryType::Unknown(9));
    let Response::RatedInfo(r) = decode("QPIRI", "480 0 070") else {
        panic!()
    };
    assert_eq!(r.max_cv_charging_time.unwrap().to_u32(), Some(480));
    assert_eq!(r.extra.iter().collect::<Vec<_>>(), ["0", "070"]);
}

#[test]
fn qpiws_36_positions_and_qflag_unknown_letters() {
    let Response::Warnings(w) = decode("QPIWS", "100000000000000000000000000000010000") else {
        panic!()
    };
    assert_eq!(w.positions, 36);
    assert_eq!(w.extra_positions(), 0);
    assert_eq!(w.bits.bits(), 1 | 1 << 31);
    let Response::Warnings(w) = decode("QPIWS", "00000100000000001000000000000000") else {
        panic!()
    };
    use axpert_proto::Warnings as W;
    assert_eq!(w.bits, W::LINE_FAIL | W::OVER_LOAD);
    assert!(w.faults().is_empty(), "overload is a warning without a1");
    let Response::Flags(f) = decode("QFLAG", "EauxyzlDbjkvgd") else {
        panic!()
    };
    assert_eq!(f.get(axpert_proto::FlagSet::BUZZER), Some(true));
    assert_eq!(f.enabled.as_str(), "auxyzl");
    assert!(!f.enabled_set().is_documented());
}

#[test]
fn parallel_status_29_fields_and_mode_6() {
    let Response::ParallelStatus(p) = decode("QPGS1", "96342208109772") else {
        panic!()
    };
    assert_eq!(p.serial_number.as_str(), "96342208109772");
    assert_eq!(p.work_mode, axpert_proto::Mode::Line);
    assert_eq!(p.extra.iter().collect::<Vec<_>>(), ["077.7", "00"]);
    let Response::ParallelStatus(p) = decode("QPGS0", "92912009100027") else {
        panic!()
    };
    assert_eq!(p.output_mode, axpert_proto::OutputMode::Unknown(6));
    assert_eq!(p.status.battery(), axpert_proto::BatteryState::Normal);
}

#[test]
fn short_replies() {
    assert_eq!(
        decode("QMOD", "(L"),
        Response::Mode(axpert_proto::Mode::Line)
    );
    assert_eq!(
        decode("QGMN", "044"),
        Response::ModelNumber(axpert_proto::ModelNumber::Unknown(44))
    );
    let Response::SerialId(s) = decode("QSID", "14929") else {
        panic!()
    };
    assert_eq!(s.serial(), "92932105105335");
    let Response::Firmware(f) = decode("QVFW", "00072.70") else {
        panic!()
    };
    assert_eq!((f.series(), f.revision()), ("00072", "70"));
    let Response::ChargingCurrents(c) = decode("QMCHGCR", "010 020") else {
        panic!()
    };
    assert!(c.contains(120) && !c.contains(15));
    let Response::Equalization(e) = decode("QBEQI", "55.40") else {
        panic!()
    };
    assert_eq!(e.voltage.to_f32(), Some(55.4));
    assert_eq!(decode("(set command ACK/NAK)", "NAKss"), Response::Nak);
}
