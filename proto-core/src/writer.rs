//! Encoding into a caller's buffer.

use core::fmt;

/// The buffer cannot hold what was written; `needed` is a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TooSmall {
    /// Bytes the buffer would need, at least.
    pub needed: usize,
}

/// Writes bytes into a borrowed buffer, front to back.
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    /// A writer at the start of `buf`.
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, pos: 0 }
    }

    /// Bytes written so far.
    #[inline]
    pub fn len(&self) -> usize {
        self.pos
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.pos == 0
    }

    /// What has been written so far.
    #[inline]
    pub fn written(&self) -> &[u8] {
        self.buf.get(..self.pos).unwrap_or_default()
    }

    /// Appends `bytes`. Always inlined: most writes have a length known at
    /// compile time (an address, a function code, a word), which then
    /// become a store or two; out of line, every write was a call to
    /// `memcpy` (some 700 bytes on a Cortex-M, linked for that alone).
    #[inline(always)]
    pub fn put(&mut self, bytes: &[u8]) -> Result<(), TooSmall> {
        let end = self.pos + bytes.len();
        let dst = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(TooSmall { needed: end })?;
        dst.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    /// Appends `value` formatted with `Display`.
    pub fn display(&mut self, value: impl fmt::Display) -> Result<(), TooSmall> {
        fmt::Write::write_fmt(self, format_args!("{value}")).map_err(|_| TooSmall {
            needed: self.buf.len() + 1,
        })
    }

    /// Appends `value` as `digits` upper-case hex digits, high nibble first.
    pub fn hex(&mut self, value: u32, digits: u32) -> Result<(), TooSmall> {
        let needed = self.pos + digits as usize;
        if needed > self.buf.len() {
            return Err(TooSmall { needed });
        }
        for i in (0..digits).rev() {
            // Past 8 digits the high ones are 0, not a shift overflow.
            let nibble = value.checked_shr(i * 4).unwrap_or(0) & 0xF;
            let c = b"0123456789ABCDEF"
                .get(nibble as usize)
                .copied()
                .unwrap_or(b'0');
            self.put(&[c])?;
        }
        Ok(())
    }

    /// Appends `value` as 2 upper-case hex digits.
    pub fn hex_u8(&mut self, value: u8) -> Result<(), TooSmall> {
        self.hex(u32::from(value), 2)
    }

    /// Appends `value` as 4 upper-case hex digits, high first.
    pub fn hex_u16(&mut self, value: u16) -> Result<(), TooSmall> {
        self.hex(u32::from(value), 4)
    }

    /// Appends each of `bytes` as 2 upper-case hex digits.
    pub fn hex_bytes(&mut self, bytes: &[u8]) -> Result<(), TooSmall> {
        let needed = self.pos + 2 * bytes.len();
        if needed > self.buf.len() {
            return Err(TooSmall { needed });
        }
        bytes.iter().try_for_each(|&b| self.hex_u8(b))
    }
}

impl fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.put(s.as_bytes()).map_err(|_| fmt::Error)
    }
}

/// What has been written and the buffer's size, not the unwritten rest.
#[cfg(feature = "defmt")]
impl defmt::Format for Writer<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Writer {{ written: {=[u8]}, capacity: {=usize} }}",
            self.written(),
            self.buf.len()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_until_full() {
        let mut buf = [0u8; 6];
        let mut w = Writer::new(&mut buf);
        w.put(b"~01").unwrap();
        w.hex(0x0A, 2).unwrap();
        assert_eq!(w.written(), b"~010A");
        assert_eq!(w.hex(0x0FA0, 4), Err(TooSmall { needed: 9 }));
        w.display(7).unwrap();
        assert_eq!(w.display(1234), Err(TooSmall { needed: 7 }));
    }

    #[test]
    fn hex_fields() {
        let mut buf = [0u8; 12];
        let mut w = Writer::new(&mut buf);
        w.hex_u8(0x7F).unwrap();
        w.hex_u16(0x0FA0).unwrap();
        w.hex_bytes(&[0xE0, 0x02]).unwrap();
        w.hex(0xA, 1).unwrap();
        assert_eq!(w.written(), b"7F0FA0E002A");
        assert_eq!(w.hex_bytes(&[1]), Err(TooSmall { needed: 13 }));
        assert_eq!(w.written(), b"7F0FA0E002A", "nothing half-written");
        let mut buf = [0u8; 10];
        let mut w = Writer::new(&mut buf);
        w.hex(0xDEAD_BEEF, 10).unwrap();
        assert_eq!(w.written(), b"00DEADBEEF");
    }
}
