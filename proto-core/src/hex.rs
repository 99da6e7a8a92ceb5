//! Fixed-width ASCII-hex fields, as the `~`…CR protocols (ENC, YD/T 1363)
//! and SLCAN carry them: a [`Reader`] that reads them in order and reports
//! the offset of the first byte it could not use, the byte sums those
//! protocols check, and (on [`Writer`](crate::Writer)) `hex`, `hex_u8`,
//! `hex_u16` and `hex_bytes` to write them upper case; and [`swar`], the
//! same digits eight at a time for decoders' fast paths.
//!
//! What is here is the same in every such protocol. What is not stays in
//! the protocol's crate: which bytes a checksum covers, frame lengths, and
//! YD/T 1363's LENGTH field with its nibble checksum, which no other
//! protocol has (the YD/T 1363 notes, §6: "header, length and checksum
//! rules must stay per protocol"). The YD/T crate owns that one.
//!
//! Nothing here allocates or panics.

use core::fmt;

/// Which hex letters a reader accepts.
///
/// ENC and YD/T 1363 allow upper case only on the wire (some YD/T firmware
/// rejects lower case), so their decoders read with [`Case::Upper`] and
/// report a lower-case letter as an error. SLCAN peers send either
/// (python-can writes lower-case data), so it reads with [`Case::Any`].
/// Writing is always upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Case {
    /// `0`–`9` and `A`–`F` only.
    Upper,
    /// `0`–`9`, `A`–`F` and `a`–`f`.
    Any,
}

/// The value of hex digit `c`, or `None` when `c` is not one under `case`.
#[inline]
pub const fn digit(c: u8, case: Case) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' if matches!(case, Case::Any) => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Whether `c` is a hex digit under `case`, without a branch per range.
#[inline]
const fn is_digit(c: u8, case: Case) -> bool {
    let upper = c.wrapping_sub(b'A') < 6;
    let lower = c.wrapping_sub(b'a') < 6 && matches!(case, Case::Any);
    c.wrapping_sub(b'0') < 10 || upper || lower
}

/// The wrapping 16-bit sum of `bytes`: ENC's checksum as it is sent, and
/// the sum YD/T 1363 negates.
#[inline]
pub fn sum_ascii(bytes: &[u8]) -> u16 {
    bytes
        .iter()
        .fold(0u16, |s, &c| s.wrapping_add(u16::from(c)))
}

/// The two's complement of [`sum_ascii`] (mod 65536): YD/T 1363's CHKSUM,
/// so that the sum of the bytes plus the checksum is 0. It differs from
/// ENC's plain sum only by this negation, which is why both are named here.
#[inline]
pub fn sum_complement(bytes: &[u8]) -> u16 {
    sum_ascii(bytes).wrapping_neg()
}

/// Whether every byte of `bytes` is a hex digit under `case`, and the
/// bytes' [`sum_ascii`], in one pass: a decoder that needs both reads
/// its input once. The loop has no early exit, so the compiler turns it
/// into vector code; a caller that gets `false` looks for the bad byte
/// with a [`Reader`]. Sixteen bytes a step, each in its own lane: a
/// digit flag per byte and a 16-bit sum per lane, folded once at the
/// end (one flag and one sum for the whole slice make the compiler
/// widen every byte and take eight a step).
#[inline]
pub fn digits_and_sum(bytes: &[u8], case: Case) -> (bool, u16) {
    scan(bytes, case)
}

/// [`digits_and_sum`], always inlined: a caller that drops the sum
/// ([`swar::all_digits_in`]) does not compute it.
#[inline(always)]
fn scan(bytes: &[u8], case: Case) -> (bool, u16) {
    let (chunks, tail) = bytes.as_chunks::<16>();
    let mut ok = [true; 16];
    let mut sums = [0u16; 16];
    for chunk in chunks {
        for ((ok, sum), &c) in ok.iter_mut().zip(&mut sums).zip(chunk) {
            *ok &= is_digit(c, case);
            *sum = sum.wrapping_add(u16::from(c));
        }
    }
    let mut all = ok.iter().fold(true, |a, &b| a & b);
    let mut sum = sums.iter().fold(0u16, |a, &b| a.wrapping_add(b));
    // The last 0-15 bytes a word at a time: eight, then the rest as the
    // high bytes of the slice's last eight (checked again, summed once).
    let (words, rest) = tail.as_chunks::<8>();
    for w in words {
        let x = u64::from_le_bytes(*w);
        all &= swar::all_digits(x, case);
        sum = sum.wrapping_add(swar::byte_sum(x));
    }
    if !rest.is_empty() {
        let last = bytes.len().checked_sub(8).and_then(|at| bytes.get(at..));
        match last.and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            Some(w) => {
                let x = u64::from_le_bytes(w);
                all &= swar::all_digits(x, case);
                sum = sum.wrapping_add(swar::byte_sum(x >> (8 * (8 - rest.len()))));
            }
            None => {
                for &c in rest {
                    all &= is_digit(c, case);
                    sum = sum.wrapping_add(u16::from(c));
                }
            }
        }
    }
    (all, sum)
}

pub mod swar {
    //! Hex digits eight at a time in a `u64` (SWAR: SIMD within a
    //! register), the first character in the high byte, for decoders' fast
    //! paths over input that is usually right. They answer "all right, and
    //! the value" or "not applicable"; on the second the caller reads with
    //! its [`Reader`](super::Reader), which names the fault, so errors are
    //! the same either way.
    //!
    //! With the feature `small` (firmware: code size before speed)
    //! [`FAST`] is false, [`word`] always `None` and [`all_digits_in`]
    //! always false: every fast path built on them is dead code the
    //! compiler drops, and decoding goes through the `Reader` alone, with
    //! the same results.

    use super::Case;

    /// Whether the word-at-a-time paths are built: false with the feature
    /// `small`. A fast path that does not start from [`word`] tests it.
    pub const FAST: bool = !cfg!(feature = "small");

    /// `0x01` in every byte.
    const LO: u64 = 0x0101_0101_0101_0101;
    /// The high bit of every byte.
    const HI: u64 = LO * 0x80;

    /// Whether all eight bytes of `x` are hex digits under `case`. Per
    /// byte, on its low 7 bits so that no sum carries into the next byte:
    /// `b + (0x80 - lo)` has its high bit set when `b >= lo`,
    /// `b + (0x7F - hi)` when `b > hi`; a byte with its own high bit set
    /// is no digit. [`Case::Any`] folds letters to lower case first.
    #[inline]
    pub fn all_digits(x: u64, case: Case) -> bool {
        let low = x & !HI;
        let digit = (low + LO * 0x50) & !(low + LO * 0x46);
        let letter = match case {
            Case::Upper => (low + LO * 0x3F) & !(low + LO * 0x39),
            Case::Any => {
                let folded = low | (LO * 0x20);
                (folded + LO * 0x1F) & !(folded + LO * 0x19)
            }
        };
        ((digit | letter) & !x & HI) == HI
    }

    /// The value of eight digits (checked by [`all_digits`], either case),
    /// the first the high nibble.
    #[inline]
    pub fn value(x: u64) -> u32 {
        // `0`-`9` are 0x30-0x39, `A`-`F` 0x41-0x46 and `a`-`f` 0x61-0x66:
        // the low four bits, plus 9 for a letter (bit 6 set); then the
        // nibbles side by side.
        let n = (x & (LO * 0x0F)) + ((x >> 6) & LO) * 9;
        let n = (n | (n >> 4)) & 0x00FF_00FF_00FF_00FF;
        let n = (n | (n >> 8)) & 0x0000_FFFF_0000_FFFF;
        (n | (n >> 16)) as u32
    }

    /// The sum of the eight bytes of `x` (at most 2,040): pairs side by
    /// side in 16-bit lanes, then the four lanes added by one multiply.
    #[inline]
    pub fn byte_sum(x: u64) -> u16 {
        const PAIRS: u64 = 0x00FF_00FF_00FF_00FF;
        let lanes = (x & PAIRS) + ((x >> 8) & PAIRS);
        (lanes.wrapping_mul(0x0001_0001_0001_0001) >> 48) as u16
    }

    /// The `D` characters (at most 8) of `s` at `at`, right-aligned in a
    /// word of `0`s; `None` past `s`, and always with the feature `small`.
    #[inline(always)]
    pub fn word<const D: usize>(s: &[u8], at: usize) -> Option<u64> {
        if !FAST {
            return None;
        }
        load::<D>(s, at)
    }

    /// [`word`] whatever the features.
    #[inline(always)]
    pub(super) fn load<const D: usize>(s: &[u8], at: usize) -> Option<u64> {
        let digits = s.get(at..at.checked_add(D)?)?;
        let mut word = [b'0'; 8];
        word.get_mut(8 - D..)?.copy_from_slice(digits);
        Some(u64::from_be_bytes(word))
    }

    /// Whether every byte of `s` is a hex digit under `case`, in vector
    /// code; always false with the feature `small`.
    #[inline]
    pub fn all_digits_in(s: &[u8], case: Case) -> bool {
        FAST && digits_in(s, case)
    }

    /// [`all_digits_in`] whatever the features: the check of
    /// [`digits_and_sum`](super::digits_and_sum), whose sum the compiler
    /// drops here (sixteen bytes a step, then words; eight bytes a step
    /// in words alone took about 2 instructions a byte).
    #[inline]
    pub(super) fn digits_in(s: &[u8], case: Case) -> bool {
        super::scan(s, case).0
    }
}

/// What a [`Reader`] could not read, and where.
///
/// A protocol crate maps it into its own error (`From` or `map_err`),
/// usually keeping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Error {
    /// Offset of the byte, from the start of the reader's slice: the byte
    /// that is not a digit, or the first one missing (the slice's length).
    pub offset: usize,
    /// What is wrong there.
    pub kind: ErrorKind,
}

/// The ways a hex field can be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ErrorKind {
    /// A byte that is not a hex digit under the reader's [`Case`].
    Digit {
        /// The byte.
        found: u8,
    },
    /// The slice ends inside the field.
    Short {
        /// Bytes of the field still missing.
        needed: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Digit { found } => {
                write!(
                    f,
                    "byte {found:#04x} at offset {} is not a hex digit",
                    self.offset
                )
            }
            ErrorKind::Short { needed } => {
                write!(
                    f,
                    "field cut short at offset {}: {needed} more bytes needed",
                    self.offset
                )
            }
        }
    }
}

impl core::error::Error for Error {}

/// Reads fixed-width hex fields from a byte slice, front to back.
///
/// Each read either takes its whole field or fails without moving; the
/// error names the first byte, in order, that is wrong. Offsets count from
/// the start of the slice given to [`Reader::new`], sub-readers from
/// [`Reader::take`] included, so they can be reported as they are.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    case: Case,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`, accepting digits under `case`.
    pub const fn new(bytes: &'a [u8], case: Case) -> Self {
        Reader {
            bytes,
            pos: 0,
            case,
        }
    }

    /// Offset of the next byte to read.
    pub const fn offset(&self) -> usize {
        self.pos
    }

    /// The bytes not read yet.
    #[inline]
    pub fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// Takes one byte as it is (a start byte, a command letter), or `None`
    /// at the end.
    #[inline]
    pub fn byte(&mut self) -> Option<u8> {
        let b = self.bytes.get(self.pos).copied()?;
        self.pos += 1;
        Some(b)
    }

    /// Takes the next `n` bytes as a reader of their own (a payload whose
    /// length a header gave), with offsets still counted from the start.
    #[inline]
    pub fn take(&mut self, n: usize) -> Result<Reader<'a>, Error> {
        let end = self.pos.saturating_add(n);
        let Some(bytes) = self.bytes.get(..end) else {
            return Err(Error {
                offset: self.bytes.len(),
                kind: ErrorKind::Short {
                    needed: end - self.bytes.len(),
                },
            });
        };
        let sub = Reader {
            bytes,
            pos: self.pos,
            case: self.case,
        };
        self.pos = end;
        Ok(sub)
    }

    /// Checks that every byte not read yet is a hex digit, without moving.
    #[inline]
    pub fn check(&self) -> Result<(), Error> {
        let rest = self.rest();
        // One pass without an early exit, which the compiler turns into
        // vector code; the offending byte is looked for only when there
        // is one.
        let all = match self.case {
            Case::Upper => rest
                .iter()
                .fold(true, |ok, &c| ok & is_digit(c, Case::Upper)),
            Case::Any => rest.iter().fold(true, |ok, &c| ok & is_digit(c, Case::Any)),
        };
        if all {
            return Ok(());
        }
        for (i, &c) in rest.iter().enumerate() {
            if digit(c, self.case).is_none() {
                return Err(Error {
                    offset: self.pos + i,
                    kind: ErrorKind::Digit { found: c },
                });
            }
        }
        Ok(())
    }

    /// Reads a field of `digits` hex digits, high first. Past 8 digits only
    /// the last 8 are kept.
    #[inline]
    pub fn field(&mut self, digits: usize) -> Result<u32, Error> {
        let end = self.pos.saturating_add(digits);
        let mut v = 0u32;
        for at in self.pos..end {
            v = (v << 4) | u32::from(self.digit_at(at, end)?);
        }
        self.pos = end;
        Ok(v)
    }

    /// Reads a byte: 2 digits.
    #[inline]
    pub fn u8(&mut self) -> Result<u8, Error> {
        self.field(2).map(|v| v as u8)
    }

    /// Reads a 16-bit word: 4 digits.
    #[inline]
    pub fn u16(&mut self) -> Result<u16, Error> {
        self.field(4).map(|v| v as u16)
    }

    /// Fills `out` with bytes of 2 digits each.
    #[inline]
    pub fn bytes(&mut self, out: &mut [u8]) -> Result<(), Error> {
        let end = self.pos.saturating_add(out.len().saturating_mul(2));
        let mut at = self.pos;
        for slot in out.iter_mut() {
            *slot = (self.digit_at(at, end)? << 4) | self.digit_at(at + 1, end)?;
            at += 2;
        }
        self.pos = end;
        Ok(())
    }

    /// The digit at `at`, in a field that ends at `end`.
    #[inline]
    fn digit_at(&self, at: usize, end: usize) -> Result<u8, Error> {
        let Some(&c) = self.bytes.get(at) else {
            return Err(Error {
                offset: at,
                kind: ErrorKind::Short { needed: end - at },
            });
        };
        digit(c, self.case).ok_or(Error {
            offset: at,
            kind: ErrorKind::Digit { found: c },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Writer;

    #[test]
    fn the_fast_check_agrees_with_digit_on_every_byte() {
        for case in [Case::Upper, Case::Any] {
            for c in 0..=255u8 {
                assert_eq!(is_digit(c, case), digit(c, case).is_some(), "{c:#04x}");
                // Eight at a time, the byte at every offset of a word.
                for at in 0..8 {
                    let mut w = *b"0123ABCD";
                    w[at] = c;
                    let x = u64::from_be_bytes(w);
                    let ok = digit(c, case).is_some();
                    assert_eq!(swar::all_digits(x, case), ok, "{c:#04x} at {at}");
                    if ok {
                        let want = Reader::new(&w, case).field(8).unwrap();
                        assert_eq!(swar::value(x), want, "{c:#04x} at {at}");
                    }
                }
                // A bad byte anywhere, in a slice long enough for vector code.
                let mut line = [b'7'; 40];
                for at in [0, 17, 39] {
                    line[at] = c;
                    let expected = match digit(c, case) {
                        Some(_) => Ok(()),
                        None => Err(digit_err(at, c)),
                    };
                    assert_eq!(
                        Reader::new(&line, case).check(),
                        expected,
                        "{c:#04x} at {at}"
                    );
                    line[at] = b'7';
                }
            }
        }
    }

    #[test]
    fn digits_and_sum_at_every_length_and_offset() {
        let scalar = |s: &[u8], case| {
            let all = s.iter().all(|&c| digit(c, case).is_some());
            (
                all,
                s.iter().fold(0u16, |a, &c| a.wrapping_add(u16::from(c))),
            )
        };
        let mut line = [0u8; 50];
        for (d, &c) in line
            .iter_mut()
            .zip(b"0123456789ABCDEFabcdef".iter().cycle())
        {
            *d = c;
        }
        for case in [Case::Upper, Case::Any] {
            for len in 0..=line.len() {
                let s = &line[..len];
                assert_eq!(digits_and_sum(s, case), scalar(s, case), "{len} {case:?}");
                // Every offset natively; under miri (about 1,000 times
                // slower) the first, the middle and the last.
                let every = !cfg!(miri);
                let offsets =
                    (0..len).filter(|&at| every || at == 0 || at == len / 2 || at + 1 == len);
                for at in offsets {
                    let bads: &[u8] = if every { b"g/\xFFG" } else { b"g" };
                    for &bad in bads {
                        let mut l = line;
                        l[at] = bad;
                        let l = &l[..len];
                        let got = digits_and_sum(l, case);
                        assert_eq!(got, scalar(l, case), "{len} {at} {bad:#04x} {case:?}");
                        assert!(!got.0);
                    }
                }
            }
        }
        // Sums past 65,535 wrap, as the checksums do.
        let long = [0xFFu8; 300];
        assert_eq!(
            digits_and_sum(&long, Case::Any),
            (false, (300 * 255 % 65536) as u16)
        );
    }

    #[test]
    fn swar_every_byte_of_a_slice() {
        let line = b"0123456789ABCDEF0123456789abcdef";
        for case in [Case::Upper, Case::Any] {
            for len in 0..=line.len() {
                let s = &line[..len];
                let want = s.iter().all(|&c| digit(c, case).is_some());
                assert_eq!(swar::digits_in(s, case), want, "{len} {case:?}");
                let fast = swar::all_digits_in(s, case);
                assert_eq!(fast, swar::FAST && want, "{len} {case:?}");
                for at in 0..len {
                    let mut l = *line;
                    l[at] = b'g';
                    assert!(!swar::digits_in(&l[..len], case), "{len} {at} {case:?}");
                }
            }
        }
        assert_eq!(swar::load::<4>(b"12AB", 0), Some(0x3030_3030_3132_4142));
        assert_eq!(swar::load::<4>(b"12AB", 1), None);
        assert_eq!(swar::load::<8>(b"12AB", 0), None);
        assert_eq!(swar::load::<2>(b"x7f", 1).map(swar::value), Some(0x7F));
        let word = swar::word::<4>(b"12AB", 0);
        assert_eq!(word, swar::load::<4>(b"12AB", 0).filter(|_| swar::FAST));
    }

    /// Every byte value in every lane, beside all-0xFF (the largest sum)
    /// and words of mixed bytes: the plain sum of the eight bytes.
    #[test]
    fn swar_byte_sum() {
        let fixed = [0, u64::MAX, 0x3031_3233_4142_4344, 0x8000_00FF_7F01_FE02];
        let lanes = (0..8).flat_map(|lane| {
            (0..=255u64)
                .map(move |b| b << (8 * lane) | 0x0101_0101_0101_0101 & !(0xFF << (8 * lane)))
        });
        for x in fixed.into_iter().chain(lanes) {
            let want: u16 = x.to_be_bytes().iter().map(|&b| u16::from(b)).sum();
            assert_eq!(swar::byte_sum(x), want, "{x:#018x}");
        }
    }

    fn digit_err(offset: usize, found: u8) -> Error {
        Error {
            offset,
            kind: ErrorKind::Digit { found },
        }
    }

    fn short(offset: usize, needed: usize) -> Error {
        Error {
            offset,
            kind: ErrorKind::Short { needed },
        }
    }

    #[test]
    fn digits_by_case() {
        for (c, v) in [(b'0', 0), (b'9', 9), (b'A', 10), (b'F', 15)] {
            assert_eq!(digit(c, Case::Upper), Some(v));
            assert_eq!(digit(c, Case::Any), Some(v));
        }
        assert_eq!(digit(b'a', Case::Upper), None);
        assert_eq!(digit(b'f', Case::Any), Some(15));
        for c in [b'G', b'g', b'/', b':', b'@', b'`', 0xE9, b' '] {
            assert_eq!(digit(c, Case::Any), None, "{c:#x}");
        }
    }

    /// ENC (docs/protocols/enc.md §3): "read running value 1" to drive 1,
    /// checksum = plain sum of ADDR..IDX.
    #[test]
    fn an_enc_frame() {
        let body = b"~010B00010194";
        let mut r = Reader::new(body, Case::Upper);
        assert_eq!(r.byte(), Some(b'~'));
        r.check().unwrap();
        assert_eq!(r.offset(), 1);
        let (addr, cmd, aux, idx) = (r.u8().unwrap(), r.u8().unwrap(), r.u8(), r.u8());
        assert_eq!((addr, cmd, aux, idx), (0x01, 0x0B, Ok(0), Ok(1)));
        assert_eq!(r.u16(), Ok(0x0194));
        assert_eq!(r.rest(), b"");
        assert_eq!(sum_ascii(&body[1..9]), 0x0194);
        assert_eq!(sum_ascii(b"010C00010FA0"), 0x027C);

        let mut buf = [0u8; 18];
        let mut w = Writer::new(&mut buf);
        w.put(b"~").unwrap();
        w.hex_bytes(&[0x01, 0x0C, 0x00, 0x01]).unwrap();
        w.hex_u16(4000).unwrap();
        let sum = sum_ascii(&w.written()[1..]);
        w.hex_u16(sum).unwrap();
        w.put(b"\r").unwrap();
        assert_eq!(w.written(), b"~010C00010FA0027C\r");
    }

    #[test]
    fn errors_carry_the_offset_of_the_first_bad_byte() {
        // Lower case is refused under Upper, at its own offset.
        let r = Reader::new(b"~010a00000192", Case::Upper);
        assert_eq!(r.check(), Err(digit_err(0, b'~')));
        let mut r = Reader::new(b"~010a00000192", Case::Upper);
        r.byte();
        assert_eq!(r.check(), Err(digit_err(4, b'a')));
        assert_eq!(r.u8(), Ok(0x01));
        assert_eq!(r.u8(), Err(digit_err(4, b'a')));
        assert_eq!(r.offset(), 3, "a failed read does not move");
        // A bad digit before the end wins over the missing bytes.
        let mut r = Reader::new(b"1G", Case::Any);
        assert_eq!(r.u16(), Err(digit_err(1, b'G')));
        let mut r = Reader::new(b"12", Case::Any);
        assert_eq!(r.u16(), Err(short(2, 2)));
        assert_eq!(r.take(3).map(|_| ()), Err(short(2, 1)));
        let mut out = [0u8; 2];
        assert_eq!(r.bytes(&mut out), Err(short(2, 2)));
        assert_eq!(r.offset(), 0);
        assert_eq!(r.field(usize::MAX), Err(short(2, usize::MAX - 2)));
        assert_eq!(Reader::new(b"", Case::Upper).byte(), None);
    }

    /// SLCAN: a standard frame, lower-case data as python-can sends it.
    #[test]
    fn an_slcan_line() {
        let line = b"t35667a13f2fe6b01";
        let mut r = Reader::new(line, Case::Any);
        assert_eq!(r.byte(), Some(b't'));
        assert_eq!(r.field(3), Ok(0x356));
        assert_eq!(r.field(1), Ok(6));
        let mut data = [0u8; 6];
        r.bytes(&mut data).unwrap();
        assert_eq!(data, [0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01]);
        assert!(r.rest().is_empty());
        let mut upper = Reader::new(line, Case::Upper);
        upper.byte();
        upper.field(4).unwrap();
        assert_eq!(upper.bytes(&mut data), Err(digit_err(6, b'a')));
    }

    /// YD/T 1363, worked example 2 (Pylontech US5000 "get system
    /// parameters" reply, a real capture; YD/T 1363 notes §2):
    /// fixed-width fields, a payload read through `take`, and the
    /// two's-complement checksum over VER..INFO.
    #[test]
    fn a_ydt1363_frame() {
        let frame = b"~20024600B032110E420BEA0AF00D030A4703E8D2F0B3B0A7F80D030A47FC18F27E\r";
        let mut r = Reader::new(&frame[..frame.len() - 1], Case::Upper);
        assert_eq!(r.byte(), Some(b'~'));
        let head = [r.u8(), r.u8(), r.u8(), r.u8()];
        assert_eq!(head, [Ok(0x20), Ok(0x02), Ok(0x46), Ok(0x00)]);
        let length = r.u16().unwrap();
        assert_eq!(length, 0xB032);
        let lenid = usize::from(length & 0x0FFF);
        let mut info = r.take(lenid).unwrap();
        assert_eq!(info.offset(), 13);
        let mut bytes = [0u8; 25];
        info.bytes(&mut bytes).unwrap();
        assert_eq!(&bytes[..4], &[0x11, 0x0E, 0x42, 0x0B]);
        assert_eq!(bytes[24], 0x18);
        assert_eq!(info.u8(), Err(short(63, 2)), "the payload's end bounds it");
        let chksum = r.u16().unwrap();
        assert!(r.rest().is_empty());
        let summed = &frame[1..13 + lenid];
        assert_eq!(sum_ascii(summed), 0x0D82);
        assert_eq!(sum_complement(summed), chksum);
        assert_eq!(chksum, 0xF27E);
        assert_eq!(sum_ascii(summed).wrapping_add(chksum), 0);

        // Worked example 1 and the Pylontech spec's own (mis-stated) example.
        assert_eq!(sum_complement(b"20024642E00202"), 0xFD33);
        assert_eq!(sum_ascii(b"1203400456ABCEFE"), 0x038F);
        assert_eq!(sum_complement(b"1203400456ABCEFE"), 0xFC71);
        assert_eq!(sum_complement(b""), 0);
    }
}
