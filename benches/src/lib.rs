//! Realistic frames shared by the benchmarks, most of them rows of the
//! real captures in `testdata/captures/` (read at set-up, outside the
//! timed loops), and the floors: the checksum pass alone over the same
//! bytes, or, for protocols without a checksum, the one pass over every
//! byte that any decoder of the format has to make.
//!
//! `benches/report` runs the benchmarks and prints the table; the names
//! of the criterion groups and functions are what it reads:
//! `floor` is the floor, `vs <peer>` a peer crate, anything else ours.

use std::path::PathBuf;

use serde_json::Value;

/// A real 110-byte QPIGS reply (EASUN 5.5 kW, `testdata/captures/axpert.jsonl`).
pub const QPIGS_110: &[u8] = b"(239.3 50.0 230.2 50.0 0299 0196 005 423 53.20 000 050 0056 01.9 209.8 00.00 00000 00010110 00 00 00408 010\xa1\xbd\r";

/// Axpert replies from `testdata/captures/axpert.jsonl`: (name, 1-based
/// line, the command the row answers). `benches/peers.py` reads the same
/// lines for mppsolar.
pub const AXPERT_ROWS: &[(&str, usize, &str)] = &[
    ("qpigs", 67, "QPIGS"),
    ("qpiri", 66, "QPIRI"),
    ("qpgs0", 89, "QPGS0"),
    ("qpiws", 91, "QPIWS"),
    ("qmod", 79, "QMOD"),
];

/// A real one-pack 0x42 reply (UP2500, address 2), from python-pylontech's
/// tests (Frankkkkk/python-pylontech `tests/test_basic.py`), also in
/// `ydt1363`'s tests; `benches/peers.py` decodes the same bytes.
pub const PYLON_42_UP2500: &[u8] = b"~20024600D05E1002080D020D020D020D030D000D010D010D03050B7D0B690B690B690B73FFFA680EFFFF04FFFF00000174E401B198E906\r";

/// A real all-packs 0x42 reply (US2000 × 3), same source.
pub const PYLON_42_US2000X3: &[u8] = b"~20024600914211030F0CE70CE80CE60CE70CE80CE80CE80CE60CE50CE60CE80CE70CEA0CE50CE6050B910B870B870B870B87FFE6C18982DC02C350001F0F0CE20CE60CE60CE10CE50CE70CE60CE30CE20CE50CE30CE90CE70CE90CE9050B910B870B870B870B87FFE7C17082DC02C350001F0F0CE20CE50CE50CE20CE30CE30CE40CE50CE60CE60CE30CE40CE40CE60CE6050B910B7D0B7D0B7D0B7DFFE5C16082DC02C350001FB476\r";

/// ENC frames printed in the drive's manual (`docs/protocols/enc.md` §2;
/// no capture exists): a set-frequency request, the reply "running at
/// 50.00 Hz", and a 14-byte state request.
pub const ENC_SET_FREQUENCY: &[u8] = b"~010C00010FA0027C\r";
/// See [`ENC_SET_FREQUENCY`].
pub const ENC_RUNNING_REPLY: &[u8] = b"~0100000113880256\r";
/// See [`ENC_SET_FREQUENCY`].
pub const ENC_STATE_REQUEST: &[u8] = b"~010A00000192\r";

fn captures(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/captures")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{file}: {e}")))
        .collect()
}

fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|p| {
            let p = std::str::from_utf8(p).expect("hex");
            u8::from_str_radix(p, 16).expect("hex")
        })
        .collect()
}

/// The Axpert reply named in [`AXPERT_ROWS`], as sent (CRC and CR).
pub fn axpert(name: &str) -> Vec<u8> {
    let &(_, line, command) = AXPERT_ROWS
        .iter()
        .find(|r| r.0 == name)
        .unwrap_or_else(|| panic!("no Axpert row {name}"));
    let rows = captures("axpert.jsonl");
    let row = &rows[line - 1];
    assert_eq!(row["command"], command, "axpert.jsonl line {line} moved");
    assert_eq!(row["crc_ok"], true, "axpert.jsonl line {line}");
    unhex(row["response_hex"].as_str().expect("response_hex"))
}

/// Every frame of `testdata/captures/bms-can.jsonl`: (standard ID, data).
pub fn can_frames() -> Vec<(u16, Vec<u8>)> {
    captures("bms-can.jsonl")
        .iter()
        .map(|row| {
            let id = row["id"].as_str().expect("id");
            let id = u16::from_str_radix(id.trim_start_matches("0x"), 16).expect("id");
            (id, unhex(row["data_hex"].as_str().expect("data_hex")))
        })
        .collect()
}

/// The CAN frames as one SLCAN stream, a `t` line each (what an adapter
/// sends a host), and the number of lines.
pub fn slcan_stream() -> (Vec<u8>, usize) {
    let frames = can_frames();
    let mut out = Vec::new();
    for (id, data) in &frames {
        out.extend_from_slice(format!("t{id:03X}{}", data.len()).as_bytes());
        for b in data {
            out.extend_from_slice(format!("{b:02X}").as_bytes());
        }
        out.push(b'\r');
    }
    (out, frames.len())
}

/// The YD/T 1363 frames of `testdata/captures/pylontech-rs485.jsonl` whose
/// checksums verify.
pub fn ydt_frames() -> Vec<Vec<u8>> {
    captures("pylontech-rs485.jsonl")
        .iter()
        .filter(|r| r["chksum_ok"] == true && r["lchksum_ok"] == true)
        .map(|r| unhex(r["frame_hex"].as_str().expect("frame_hex")))
        .collect()
}

/// A Modbus RTU ADU: `body` and its CRC.
pub fn adu(body: &[u8]) -> Vec<u8> {
    let mut a = body.to_vec();
    a.extend_from_slice(&modbus_rtu_lite::crc16(body).to_le_bytes());
    a
}

/// The floor of a protocol without a checksum carried in ASCII hex
/// (SLCAN): every hex digit turned into its nibble and folded in, the
/// one pass over every byte that any decoder of the format makes.
pub fn hex_floor(bytes: &[u8]) -> u32 {
    let mut acc = 0u32;
    for &c in bytes {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'F' => c - b'A' + 10,
            b'a'..=b'f' => c - b'a' + 10,
            _ => 0,
        };
        acc = acc.rotate_left(4) ^ u32::from(v);
    }
    acc
}

/// The floor of a binary CAN frame, which has no checksum above the
/// controller's: its data copied out and read as little-endian 16-bit
/// fields, the field extraction every message decoder makes.
pub fn can_floor(data: &[u8]) -> u32 {
    let mut b = [0u8; 8];
    let n = data.len().min(8);
    b[..n].copy_from_slice(&data[..n]);
    let mut acc = 0u32;
    for w in b.chunks_exact(2) {
        acc = acc.wrapping_add(u32::from(u16::from_le_bytes([w[0], w[1]])));
    }
    acc
}

/// What a typical hand-written decoder does: check the CRC, split on
/// spaces, parse each numeric field to `f32`. Used as a baseline.
pub fn naive_decode(frame: &[u8]) -> Option<[f32; 16]> {
    let crc = crc::Crc::<u16>::new(&crc::CRC_16_XMODEM);
    let body = frame.strip_suffix(b"\r")?;
    let (covered, c) = body.split_at(body.len().checked_sub(2)?);
    let mut expected = crc.checksum(covered).to_be_bytes();
    for b in &mut expected {
        if matches!(*b, 0x28 | 0x0D | 0x0A) {
            *b += 1;
        }
    }
    if expected != c {
        return None;
    }
    let text = std::str::from_utf8(covered.get(1..)?).ok()?;
    let mut out = [0f32; 16];
    for (slot, field) in out.iter_mut().zip(text.split(' ')) {
        *slot = field.parse().ok()?;
    }
    Some(out)
}

/// The SDM630 table's first FC04 read, as a caller reads it: the read's
/// first register and quantity, the points it covers, and a reply ADU
/// for it (the values 230.0 upwards as `f32`s, the power factors 0.95,
/// within their ranges).
pub fn sdm630_first_read<'a>(
    t: &points::Table<'a>,
    variant: &str,
) -> (u16, u16, Vec<points::Point<'a>>, Vec<u8>) {
    let (first, quantity) = t.reads("04", variant).next().expect("an FC04 read");
    let end = u32::from(first) + u32::from(quantity);
    let pts: Vec<points::Point<'a>> = t
        .points_of("04", variant)
        .filter(|p| {
            p.at.origin == points::Origin::Address && (u32::from(first)..end).contains(&p.at.offset)
        })
        .copied()
        .collect();
    let mut body = vec![1, 4, (2 * quantity) as u8];
    for i in 0..quantity / 2 {
        body.extend_from_slice(&(230.0f32 + f32::from(i)).to_be_bytes());
    }
    for p in pts.iter().filter(|p| p.range.is_some()) {
        let at = points::place(p, 3, first).expect("a point of the read");
        body[at].copy_from_slice(&0.95f32.to_be_bytes());
    }
    (first, quantity, pts, adu(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_rows_are_where_they_were() {
        for &(name, _, _) in AXPERT_ROWS {
            let f = axpert(name);
            assert_eq!(f.last(), Some(&b'\r'), "{name}");
        }
        assert_eq!(axpert("qpigs"), QPIGS_110);
        assert_eq!(can_frames().len(), 32);
        assert_eq!(ydt_frames().len(), 5);
    }

    #[test]
    fn every_frame_decodes() {
        let mut f = axpert_proto::Framer::<256>::new();
        for &(name, _, _) in AXPERT_ROWS {
            let (_, r) = f.feed(&axpert(name));
            assert!(matches!(r, Some(Ok(_))), "{name}");
        }
        for frame in ydt_frames()
            .iter()
            .map(Vec::as_slice)
            .chain([PYLON_42_UP2500, PYLON_42_US2000X3])
        {
            ydt1363::Frame::decode(frame).unwrap();
        }
        for f in [ENC_SET_FREQUENCY, ENC_RUNNING_REPLY, ENC_STATE_REQUEST] {
            enc_ascii::Frame::decode(f).unwrap();
        }
        let (stream, n) = slcan_stream();
        let mut d = slcan::Decoder::new();
        let (mut rest, mut got) = (&stream[..], 0);
        while !rest.is_empty() {
            let (used, m) = d.feed(rest);
            rest = &rest[used..];
            if let Some(m) = m {
                assert!(matches!(m, Ok(slcan::Message::Frame(_))));
                got += 1;
            }
        }
        assert_eq!(got, n);
    }
}
