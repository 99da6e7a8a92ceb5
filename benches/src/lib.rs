//! Realistic frames shared by the benchmarks.

/// A real 110-byte QPIGS reply (EASUN 5.5 kW, `testdata/captures/axpert.jsonl`).
pub const QPIGS_110: &[u8] = b"(239.3 50.0 230.2 50.0 0299 0196 005 423 53.20 000 050 0056 01.9 209.8 00.00 00000 00010110 00 00 00408 010\xa1\xbd\r";

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
