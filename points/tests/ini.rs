//! The legacy INI loader on `testdata/points/ups-cms.ini` (UTF-8 and GBK)
//! and on small files that are wrong in one way each.

#![cfg(feature = "std")]

use points::file::{File, LoadError, TypeName};
use points::{Encoding, Origin, ProblemKind, Unit};

const UTF8: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/points/ups-cms.ini"
));
const GBK: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/points/ups-cms.gbk.ini"
));

fn ups() -> File {
    File::from_ini("ups-cms", UTF8).unwrap()
}

/// The error of loading `text`, which must fail.
fn error(text: &str) -> LoadError {
    File::from_ini("t", text.as_bytes()).unwrap_err()
}

/// The line and message of an INI error.
fn ini_error(text: &str) -> (usize, String) {
    match error(text) {
        LoadError::Ini { line, message } => (line, message),
        other => panic!("not an INI error: {other:?}"),
    }
}

const ONE: &str =
    "[CMD]\ncmd-count=1\ncmd-1=电压\n[cmd-1]\nSendCmd=01\nIndex=13\nLen=4\ntype=WORD\n";

#[test]
fn utf8_and_gbk_give_the_same_table() {
    assert_ne!(UTF8, GBK, "the GBK file is not a copy");
    assert!(
        String::from_utf8(GBK.to_vec()).is_err(),
        "the GBK file is not UTF-8"
    );
    assert_eq!(File::from_ini("ups-cms", GBK).unwrap(), ups());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(UTF8);
    assert_eq!(File::from_ini("ups-cms", &bom).unwrap(), ups());
}

#[test]
fn every_point_with_its_chinese_name() {
    let file = ups();
    assert_eq!(file.name, "ups-cms");
    assert_eq!(file.points.len(), 121);
    let p = &file.points[0];
    assert_eq!(
        (p.name.as_str(), p.original.as_str(), p.label.as_str()),
        ("cmd_1", "市电输入R相电压", "")
    );
    assert_eq!((p.command.as_str(), p.offset, p.length), ("01", 0, 4));
    assert_eq!((p.kind, p.bits), (Some(TypeName::U16), None));
    let flag = &file.points[22];
    assert_eq!(
        (flag.name.as_str(), flag.original.as_str()),
        ("cmd_23", "A相欠压")
    );
    assert_eq!((flag.kind, flag.bits), (Some(TypeName::Bits), Some([0, 0])));
    // Points 29 and 30 are whole words.
    assert_eq!(file.points[28].kind, Some(TypeName::U16));
    let last = &file.points[120];
    assert_eq!(
        (last.name.as_str(), last.original.as_str()),
        ("cmd_121", "电池剩余容量")
    );
    assert_eq!((last.command.as_str(), last.offset), ("02", 13));
    for (i, p) in file.points.iter().enumerate() {
        assert_eq!(p.name, format!("cmd_{}", i + 1));
        assert!(!p.original.is_empty(), "{}", p.name);
    }
    let bits = file.points.iter().filter(|p| p.bits.is_some()).count();
    assert_eq!(bits, 69);
    // One command per SendCmd, in order, with no request.
    let keys: Vec<&str> = file.commands.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["01", "02"]);
    assert!(
        file.commands
            .iter()
            .all(|c| c.modbus.is_none() && c.ydt1363.is_none())
    );
    assert_eq!(file.defaults.encoding, Some(Encoding::AsciiHex));
    assert_eq!(file.defaults.offset_unit, Some(Unit::Char));
    assert_eq!(file.defaults.origin, Some(Origin::Frame));
}

#[test]
fn placeholder_offsets_are_overlapping_points_named() {
    let file = ups();
    let (overlaps, others, texts) = file
        .with_table(|table| {
            let mut overlaps = Vec::new();
            let mut others = Vec::new();
            let mut texts = Vec::new();
            table.check(|p| match p.kind {
                ProblemKind::Overlap { other } => {
                    overlaps.push(p.point + 1);
                    others.push(other + 1);
                    texts.push(table.describe(p).to_string());
                }
                other => panic!("{}: {other:?}", table.describe(p)),
            });
            (overlaps, others, texts)
        })
        .unwrap();
    // Each command's first point at Index 13 (cmd-2 in 01, cmd-63 in
    // 02) overlaps nothing before it; every later one overlaps it.
    let expected: Vec<usize> = (3..=62).chain(64..=121).collect();
    assert_eq!(overlaps, expected);
    // So all 120 points at Index 13 take part, and cmd-1 does not.
    let mut involved: Vec<usize> = overlaps.iter().chain(&others).copied().collect();
    involved.sort_unstable();
    involved.dedup();
    assert_eq!(involved, (2..=121).collect::<Vec<_>>());
    assert_eq!(
        texts[0],
        "point 3 (cmd_3): covers the same bytes as point 2 (cmd_2) in the reply to command \"01\""
    );
    assert!(
        texts
            .last()
            .unwrap()
            .starts_with("point 121 (cmd_121): covers the same bytes as point 63 (cmd_63)"),
        "{}",
        texts.last().unwrap()
    );
}

#[test]
fn the_toml_form_reads_back_the_same() {
    let file = ups();
    let toml = file.to_toml().unwrap();
    assert!(toml.contains("original = \"市电输入R相电压\""), "{toml}");
    assert_eq!(File::from_toml(&toml).unwrap(), file);
}

#[test]
fn neither_utf8_nor_gbk_is_an_encoding_error() {
    // 0xFF starts no GBK character, and is never UTF-8.
    assert_eq!(
        File::from_ini("t", b"[CMD]\ncmd-count=0\n\xFF\xFF\n"),
        Err(LoadError::Encoding)
    );
}

#[test]
fn a_small_file_loads() {
    let file = File::from_ini("t", ONE.as_bytes()).unwrap();
    assert_eq!(file.points.len(), 1);
    // Names and keys in any case, comments of both kinds.
    let text = "# c\n; c\n[cmd]\nCMD-COUNT=1\nCmd-1=x\n[CMD-1]\nsendcmd=02\nINDEX=1\nlen=2\nTYPE=byte\n[TYPE]\n";
    let file = File::from_ini("t", text.as_bytes()).unwrap();
    assert_eq!(file.points[0].kind, Some(TypeName::U8));
    assert_eq!(file.points[0].command, "02");
    // Windows line ends, as such files were written.
    let crlf = String::from_utf8(UTF8.to_vec())
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(File::from_ini("ups-cms", crlf.as_bytes()).unwrap(), ups());
}

#[test]
fn every_type_maps_and_an_unknown_one_is_named() {
    for (name, kind) in [
        ("WORD", TypeName::U16),
        ("UINT", TypeName::U16),
        ("BYTE", TypeName::U8),
        ("ONEBYTE", TypeName::U8),
        ("DWORD", TypeName::U32),
        ("ULONG", TypeName::U32),
        ("INT", TypeName::I16),
        ("SHORT", TypeName::I16),
        ("FLOAT", TypeName::F32),
    ] {
        let text = ONE.replace("WORD", name);
        let file = File::from_ini("t", text.as_bytes()).unwrap();
        assert_eq!(file.points[0].kind, Some(kind), "{name}");
    }
    let (line, message) = ini_error(&ONE.replace("WORD", "DOUBLE"));
    assert_eq!(line, 8);
    assert!(message.contains("\"DOUBLE\""), "{message}");
}

#[test]
fn each_malformed_line_is_an_error_at_its_line() {
    for (text, line, says) in [
        // Not a key, a section or a comment.
        (
            ONE.replace("Len=4", "Len 4"),
            7,
            "\"Len 4\" is not a key=value line",
        ),
        (
            ONE.replace("type=WORD", "type=WORD\nstray"),
            9,
            "not a key=value line",
        ),
        (
            ONE.replace("type=WORD", "type=WORD\nstray\n\n"),
            9,
            "not a key=value line",
        ),
        (format!("{ONE}[cmd-2\n"), 9, "without its closing ']'"),
        (
            format!("{ONE}[cmd-2\nSendCmd=01\n"),
            9,
            "without its closing ']'",
        ),
        (format!("{ONE}=5\n"), 9, "without a key"),
        (ONE.replace("Len=4", "Len=4 ;four"), 7, "Len is \"4 ;four\""),
        (ONE.replace("Index=13", "Index=x"), 6, "Index is \"x\""),
        // The last line, without a line end.
        (ONE.trim_end().replace("WORD", "WORDS"), 8, "\"WORDS\""),
        (
            ONE.replace("\n", "\r\n").replace("Len=4", "Len=x"),
            7,
            "Len",
        ),
        (ONE.replace("Index=13", "Index=-1"), 6, "Index"),
        (ONE.replace("Len=4", "Len=70000"), 7, "Len"),
        (ONE.replace("SendCmd=01", "SendCmd="), 5, "empty SendCmd"),
        (ONE.replace("SendCmd=01\n", ""), 4, "no SendCmd"),
        (ONE.replace("Len=4", "Len=4\nLen=4"), 8, "twice"),
        (
            ONE.replace("Len=4", "Colour=red"),
            7,
            "unknown key \"Colour\"",
        ),
        (format!("{ONE}Sbit=1\n"), 9, "without the other"),
        (format!("{ONE}Sbit=1\nEbit=300\n"), 10, "Ebit"),
        (ONE.replace("WORD", "FLOAT\nSbit=0\nEbit=1"), 9, "FLOAT"),
        (ONE.replace("cmd-count=1", "cmd-count=2"), 2, "lists 1"),
        (ONE.replace("cmd-count=1", "cmd-count=one"), 2, "cmd-count"),
        (ONE.replace("cmd-count=1\n", ""), 1, "no cmd-count"),
        (
            ONE.replace("cmd-1=电压", "cmd-1=电压\ncmd-1=又"),
            4,
            "twice",
        ),
        (ONE.replace("cmd-1=电压", "colour=red"), 3, "unknown key"),
        (format!("x=1\n{ONE}"), 1, "before the first section"),
        (format!("{ONE}[Other]\n"), 9, "unknown section [Other]"),
        (format!("{ONE}[cmd-1]\n"), 9, "second [cmd-1]"),
        (
            ONE.replace("[CMD]\ncmd-count=1\ncmd-1=电压\n", ""),
            5,
            "no [CMD]",
        ),
        // A section without a listing, a listing without a section.
        (
            format!("{ONE}[cmd-2]\nSendCmd=01\nIndex=17\nLen=4\ntype=WORD\n"),
            9,
            "[cmd-2] is not listed",
        ),
        (
            ONE.replace(
                "cmd-count=1\ncmd-1=电压",
                "cmd-count=2\ncmd-1=电压\ncmd-2=电流",
            ),
            4,
            "cmd-2 (电流) is listed in [CMD] but has no [cmd-2] section",
        ),
    ] {
        let (at, message) = ini_error(&text);
        assert_eq!(at, line, "{message}\n{text}");
        assert!(message.contains(says), "{message:?} lacks {says:?}\n{text}");
    }
}

#[test]
fn hostile_bytes_never_panic() {
    for bytes in [
        &b""[..],
        b"[",
        b"[]",
        b"=",
        b"[CMD]\ncmd-count=99999999999999999999\n",
        b"[CMD]\ncmd-count=0\n",
        b"[cmd-99999999999]\n",
        b"\xEF\xBB\xBF",
        b"\x81",
    ] {
        let _ = File::from_ini("t", bytes);
    }
    // An empty table is a table.
    assert_eq!(
        File::from_ini("t", b"[CMD]\ncmd-count=0\n")
            .unwrap()
            .points
            .len(),
        0
    );
}
