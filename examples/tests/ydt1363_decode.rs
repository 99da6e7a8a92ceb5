//! `decode ydt1363` on every row of the real captures
//! (`testdata/captures/pylontech-rs485.jsonl`): given as the row's ASCII
//! and as its hex bytes, the same JSON; the header the row states; the
//! typed values checked against the row's `decoded` and `report_decode`
//! values, in the row's units; a frame whose checksum is wrong exits 1
//! with the typed error. A reply is decoded as the answer to the command
//! its notes name, or to the request row before it.

mod common;

use serde_json::Value;

fn rows() -> Vec<Value> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/captures/pylontech-rs485.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `decode ydt1363 args`: exit code, stdout, stderr.
fn decode(args: &[&str]) -> (i32, String, String) {
    let all: Vec<&str> = ["ydt1363"].iter().chain(args).copied().collect();
    let out = common::run(env!("CARGO_BIN_EXE_decode"), &all);
    let (stdout, stderr) = common::text(&out);
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn str_of<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key].as_str().unwrap()
}

fn hex(text: &str) -> u64 {
    u64::from_str_radix(text.trim_start_matches("0x"), 16).unwrap()
}

/// The CID2 a text starting `0xNN` names (`"0x47 system parameters"`).
fn named_cid2(text: &str) -> Option<&str> {
    let t = text.strip_prefix("0x")?;
    let code = t.get(..2)?;
    code.chars().all(|c| c.is_ascii_hexdigit()).then_some(code)
}

/// A number the row gives, compared with ours within the rounding of
/// the row's own text.
fn same(ours: &Value, theirs: &Value, what: &str) {
    let (a, b) = (ours.as_f64(), theirs.as_f64());
    assert!(
        matches!((a, b), (Some(a), Some(b)) if (a - b).abs() < 1e-9),
        "{what}: ours {ours}, the row's {theirs}"
    );
}

/// One of the row's decoded values against ours.
fn check_value(p: &Value, key: &str, want: &Value, line: usize) {
    let what = format!("row {line}, {key}");
    let text = p["text"].as_str().unwrap_or("");
    match key {
        // Words of the row's author, not values.
        "note" => {}
        "cmd" => assert_eq!(
            p["cid2"].as_u64(),
            named_cid2(want.as_str().unwrap()).map(hex),
            "{what}"
        ),
        "command_value" => assert_eq!(p["pack"], *want, "{what}"),
        "infoflag" => assert_eq!(p["infoflag"].as_u64(), Some(hex(want.as_str().unwrap()))),
        "status_byte" => {
            let code = want.as_str().unwrap().split_whitespace().next().unwrap();
            assert_eq!(p["status"].as_u64(), Some(hex(code)), "{what}");
        }
        "bms_serial" => assert!(text.starts_with(want.as_str().unwrap()), "{what}: {text}"),
        // As the source's log printed it: without its spaces, cut short.
        "pack_serial_as_logged" => assert!(
            text.replace(' ', "").contains(want.as_str().unwrap()),
            "{what}: {text}"
        ),
        _ => {
            // Our key for the row's: lower case, `temp` spelt out; the
            // 0x47 voltage limits are `cell_high_v`, not
            // `cell_high_voltage_limit_v`.
            let lower = key.to_lowercase().replace("_temp_c", "_temperature_c");
            let short = lower.replace("_voltage_limit_v", "_v");
            let ours = [&lower, &short]
                .into_iter()
                .find(|k| p.get(k.as_str()).is_some())
                .unwrap_or_else(|| panic!("{what}: no {lower:?} in {p}"));
            same(&p[ours.as_str()], want, &what);
        }
    }
}

#[test]
fn every_capture_row_decodes_as_the_row_says() {
    let rows = rows();
    assert_eq!(rows.len(), 6, "the captures changed: look at the new rows");
    let mut typed = 0;
    for (line, row) in rows.iter().enumerate() {
        let ascii = str_of(row, "frame_ascii");
        let fields = &row["fields"];
        let ok = row["chksum_ok"] == true && row["lchksum_ok"] == true;
        let mut args: Vec<String> = Vec::new();
        if row["direction"] == "response" {
            let notes = str_of(row, "notes");
            match named_cid2(notes) {
                Some(cid2) => args.extend(["--command".into(), format!("0x{cid2}")]),
                None => {
                    let request = rows[..line]
                        .iter()
                        .rev()
                        .find(|r| r["direction"] == "request")
                        .expect("a request row before the reply");
                    args.extend(["--request".into(), str_of(request, "frame_ascii").into()]);
                }
            }
        }
        let run = |frame: &str| {
            let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
            all.push(frame);
            decode(&all)
        };
        let (code, out, err) = run(ascii);
        let by_hex = run(str_of(row, "frame_hex"));
        assert_eq!(
            (code, &out, &err),
            (by_hex.0, &by_hex.1, &by_hex.2),
            "row {line}: ASCII and hex differ"
        );
        if !ok {
            assert_eq!(code, 1, "row {line}: {out}");
            assert!(out.is_empty(), "{out}");
            assert!(
                err.contains("CHKSUM") && err.contains(str_of(row, "chksum_calc")),
                "row {line}: {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
            continue;
        }
        assert_eq!(code, 0, "row {line}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        for key in ["ver", "adr", "cid1"] {
            assert_eq!(
                v[key].as_u64(),
                Some(hex(str_of(fields, key))),
                "row {line} {key}"
            );
        }
        let code_key = if row["direction"] == "request" {
            "cid2"
        } else {
            "rtn"
        };
        assert_eq!(
            v[code_key].as_u64(),
            Some(hex(str_of(fields, "cid2_or_rtn"))),
            "row {line}"
        );
        assert_eq!(v["length"], fields["lenid"], "row {line}");
        let length = str_of(fields, "length_field");
        assert_eq!(v["lchksum"].as_u64(), Some(hex(&length[..1])), "row {line}");
        assert_eq!(
            v["info"].as_str().unwrap().len() as u64,
            fields["lenid"].as_u64().unwrap()
        );
        let p = &v["pylontech"];
        assert!(p.is_object(), "row {line}: not typed: {v}");
        for source in ["decoded", "report_decode"] {
            if let Value::Object(values) = &row[source] {
                for (key, want) in values {
                    check_value(p, key, want, line);
                    typed += 1;
                }
            }
        }
        // A row's notes that quote INFO as ASCII quote what we read.
        if let Some(quoted) = str_of(row, "notes")
            .split_once("INFO ASCII = '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(text, _)| text)
        {
            assert_eq!(p["text"], quoted, "row {line}: the notes' INFO");
        }
    }
    assert!(typed >= 20, "only {typed} values checked");
}

#[test]
fn a_corrupted_frame_exits_1_with_the_typed_error() {
    let good = "~20024600B01402D002AFC800C8FE0CC0F915";
    let (code, _, _) = decode(&["--command", "0x92", good]);
    assert_eq!(code, 0);
    // One INFO character changed: CHKSUM.
    let (code, out, err) = decode(&["--command", "0x92", &good.replace("D002AF", "D002AE")]);
    assert_eq!(code, 1, "{out}");
    assert!(err.starts_with("decode: CHKSUM is F915"), "{err}");
    // LENGTH's checksum nibble.
    let (code, _, err) = decode(&["--command", "0x92", &good.replace("B014", "A014")]);
    assert_eq!(code, 1);
    assert!(err.contains("LENGTH checksum nibble is A"), "{err}");
    // A lower-case digit, at its offset.
    let (code, _, err) = decode(&[&good.replace("FE0C", "Fe0C")]);
    assert_eq!(code, 1);
    assert!(err.contains("not an upper-case hex digit"), "{err}");
    // A good frame that is not the reply asked about: the typed error.
    let (code, out, err) = decode(&["--command", "0x47", good]);
    assert_eq!(code, 1, "{out}");
    assert!(
        err.starts_with("decode: 0x47 reply: INFO ends inside"),
        "{err}"
    );
    // Hex that is not hex, an empty frame: errors, not panics.
    for bad in ["7e 3g", "", "~", "\u{e9}\u{e9}"] {
        let (code, _, err) = decode(&[bad]);
        assert_eq!(code, 1, "{bad:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_refusal_is_a_reply_and_the_all_packs_form_is_read_when_asked() {
    // RTN 02: the frame, no typed content, exit 0.
    let (code, out, err) = decode(&["--command", "0x42", "~200246020000FDB0"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["rtn"].as_u64(), v.get("pylontech")), (Some(2), None));
    assert_eq!(v["rtn_text"], "RTN 02, CHKSUM error");
    // pylontech-sim's all-packs alarms, asked with 0xFF: one entry a pack.
    let model = examples::pylontech_sim::Stack::new(2);
    let request = ydt1363::device::Request {
        ver: 0x20,
        adr: 2,
        cid1: 0x46,
        command: ydt1363::pylontech::Command::Alarms { pack: 0xFF },
    };
    let reply = examples::pylontech_sim::encode(&model.answer(&request), 2).unwrap();
    let reply = String::from_utf8(reply).unwrap();
    let mut buf = [0u8; 64];
    let n = ydt1363::pylontech::Command::Alarms { pack: 0xFF }
        .encode(2, &mut buf)
        .unwrap();
    let asked = std::str::from_utf8(&buf[..n]).unwrap();
    for args in [
        &["--request", asked, &reply][..],
        &["--command", "44", &reply],
    ] {
        let (code, out, err) = decode(args);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let p = &v["pylontech"];
        assert_eq!(p["reply"], "alarms_all", "{p}");
        assert_eq!(p["packs"][1]["pack"], 3);
        assert_eq!(
            p["packs"][0]["cells"].as_array().unwrap().len(),
            model.alarms(2).cells.len()
        );
    }
}
