//! Fields eight bytes at a time in a `u64` (SWAR), for the decoders' fast
//! paths: a field's bytes in a little-endian word, the first byte lowest.
//!
//! Each reader answers "all right, and the value" or "not applicable"
//! (`None`); on the second the caller parses the field byte by byte, which
//! names the fault, so results and errors are the same either way (tests
//! in `response` compare the two over every byte value at every offset of
//! real replies). With proto-core's feature `small` (firmware:
//! code size before speed) [`FAST`] is false and every fast path built on
//! these is dead code the compiler drops.

use crate::Decimal;

/// Whether the word-at-a-time paths are built: false with proto-core's
/// feature `small` (also this crate's `small`).
pub(crate) const FAST: bool = proto_core::hex::swar::FAST;

/// `0x01` in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HI: u64 = LO * 0x80;

/// The word of the low `len` bytes (`len` 1 to 8): all ones there.
#[inline(always)]
const fn low_bytes(len: usize) -> u64 {
    !0 >> ((64 - 8 * len) & 63)
}

/// `0x20` in every byte.
const SPACES: u64 = LO * b' ' as u64;

/// The field at the start of `word` that `class` (the high bit of each
/// byte that may be part of it) marks: its length (8 when every byte is
/// marked), and the word of its bytes, when a space follows it in the
/// word or it fills the word (the caller then checks the next byte).
#[inline(always)]
fn field(word: u64, class: u64) -> Option<(usize, u64)> {
    // The high bit of the first byte not marked, and the bytes below it,
    // without a shift by a variable count.
    let stop = !class & HI;
    let first = stop & stop.wrapping_neg();
    let keep = (first >> 7).wrapping_sub(1);
    let after = (first >> 7).wrapping_mul(0xFF);
    let len = (stop.trailing_zeros() / 8) as usize;
    (len > 0 && (word ^ SPACES) & after == 0).then_some((len, keep))
}

/// Eight bytes of `payload` at `at`, the first lowest, spaces past the
/// payload's end; `None` at or past the end, for a payload shorter than
/// a word, and with `small`.
#[inline(always)]
pub(crate) fn at(payload: &[u8], at: usize) -> Option<u64> {
    if !FAST {
        return None;
    }
    match payload
        .get(at..)
        .map(|rest| (rest.first_chunk::<8>(), rest.len()))
    {
        Some((Some(b), _)) => Some(u64::from_le_bytes(*b)),
        Some((None, rest)) if rest > 0 => {
            // The payload's last eight bytes, moved down so that the byte
            // at `at` is the lowest; spaces above the end.
            let last = payload.last_chunk::<8>()?;
            let missing = 8 * (8 - rest);
            Some(
                (u64::from_le_bytes(*last) >> missing) | ((LO * u64::from(b' ')) << (64 - missing)),
            )
        }
        _ => None,
    }
}

/// Eight bytes of `s` at `at`, the first lowest.
#[inline(always)]
fn load(s: &[u8], at: usize) -> Option<u64> {
    let b = s.get(at..)?.first_chunk::<8>()?;
    Some(u64::from_le_bytes(*b))
}

/// The high bit of each byte of `x` that is not zero.
#[inline(always)]
const fn nonzero(x: u64) -> u64 {
    (((x & !HI) + !HI) | x) & HI
}

/// The high bit of each byte of `x` from `.` to `9` (0x2E to 0x39): a
/// digit, `.` or `/`. Per byte, on its low 7 bits so that no sum carries
/// into the next byte: `b + (0x80 - 0x2E)` has its high bit set when
/// `b >= 0x2E`, `b + (0x7F - 0x39)` when `b > 0x39`; a byte with its own
/// high bit set is none of them.
#[inline(always)]
const fn dot_to_nine(x: u64) -> u64 {
    let low = x & !HI;
    (low + LO * 0x52) & !(low + LO * 0x46) & !x & HI
}

/// The field at the start of `word` as a [`Decimal`], and its length:
/// the bytes from `.` to `9` before a space, when they are digits with at
/// most one `.` between two of them (the shapes `Decimal::parse` reads on
/// its fast path, with the same result). See [`field`] for the space.
#[inline(always)]
pub(crate) fn decimal(word: u64) -> Option<(Decimal, usize)> {
    let class = dot_to_nine(word);
    let (len, keep) = field(word, class)?;
    // In the class, `.` and `/` are the bytes with bit 4 clear, and `/`
    // has bit 0 set.
    let dot = class & !(word << 3) & keep;
    // The high bit of the last byte.
    let last = keep ^ (keep >> 1);
    // One `.` at most, neither first nor last, and no `/`.
    if dot & (dot.wrapping_sub(1) | 0x80 | last | (word << 7)) != 0 {
        return None;
    }
    // Digit values; the digits after the point (if any) down a byte over
    // it: `below`, the bytes before the point (all without one).
    let v = word & keep & (LO * 0x0F);
    let below = (dot >> 7).wrapping_sub(1);
    let v = (v & below) | ((v >> 8) & !below);
    let digits = len - usize::from(dot != 0);
    // Decimals: the bytes after the point, or after the last byte.
    let scale = len - 1 - ((dot | last).trailing_zeros() / 8) as usize;
    // The last digit in the high byte, zeros (leading zero digits) below
    // the first; then pairs, fours and eights of digits side by side.
    let v = v << (8 * (8 - digits));
    let v = (v.wrapping_mul(10 * 256 + 1) >> 8) & 0x00FF_00FF_00FF_00FF;
    let v = v.wrapping_mul(100 * 65536 + 1) >> 16;
    let v = u32::from(v as u16) * 10000 + u32::from((v >> 32) as u16);
    Some((Decimal::from_parts(v as i32, scale as u8, len as u8), len))
}

/// The field at the start of `word` as `width` (1 to 8) bits, the first
/// byte the most significant, when it is exactly `width` `0`s and `1`s
/// before a space (see [`field`]).
#[inline(always)]
pub(crate) fn bits_msb_first(word: u64, width: usize) -> Option<u8> {
    let t = word ^ (LO * u64::from(b'0'));
    let (len, keep) = field(word, !nonzero(t & !LO))?;
    if len != width {
        return None;
    }
    // Bit 0 of byte i to bit 63 - i: the products land on distinct bits.
    Some(((t & keep).wrapping_mul(0x8040_2010_0804_0201) >> ((64 - width) & 63)) as u8)
}

/// `s`, 1 to 64 bytes of `0`s and `1`s, as bits, the first byte bit 0;
/// `None` for any other `s`, and with `small`.
#[inline]
pub(crate) fn bits_lsb_first(s: &[u8]) -> Option<u64> {
    if !FAST || s.is_empty() || s.len() > 64 {
        return None;
    }
    let mut bits = 0u64;
    let mut words = s.chunks_exact(8);
    let mut shift = 0;
    for w in words.by_ref() {
        bits |= u64::from(lsb_first(load(w, 0)?, 8)?) << shift;
        shift += 8;
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut w = [b'0'; 8];
        for (d, &c) in w.iter_mut().zip(tail) {
            *d = c;
        }
        bits |= u64::from(lsb_first(u64::from_le_bytes(w), tail.len())?) << shift;
    }
    Some(bits)
}

/// The low `len` bytes of `word` as bits, the first byte bit 0, when each
/// is `0` or `1`.
#[inline(always)]
fn lsb_first(word: u64, len: usize) -> Option<u8> {
    let t = (word ^ (LO * u64::from(b'0'))) & low_bytes(len);
    if t & !LO != 0 {
        return None;
    }
    // Bit 0 of byte i to bit 56 + i: the products land on distinct bits.
    Some((t.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8)
}
