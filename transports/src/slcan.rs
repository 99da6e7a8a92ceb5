//! SLCAN (Lawicel ASCII), the serial protocol of the common USB-CAN
//! adapters: a sans-IO codec, and a driver over any `embedded-io` port.
//!
//! Lines end with CR (BEL is the adapter's "error"): `t` + 3 hex ID + DLC +
//! data hex is a standard frame, `T` + 8 hex ID an extended one, `r`/`R`
//! remote frames; `Sn` sets the bit rate, `O` opens, `C` closes, `V`/`N`
//! ask version and serial. Hex is accepted in either case (python-can
//! sends lower-case data) and written upper-case.

use embedded_can::{ExtendedId, Id, StandardId};
use proto_core::{Cut, Delimiters, LineFramer, Writer};

/// A classic CAN frame, as SLCAN carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    id: Id,
    remote: bool,
    data: [u8; 8],
    len: u8,
}

impl embedded_can::Frame for Frame {
    fn new(id: impl Into<Id>, data: &[u8]) -> Option<Self> {
        if data.len() > 8 {
            return None;
        }
        let mut d = [0u8; 8];
        d.get_mut(..data.len())?.copy_from_slice(data);
        Some(Frame {
            id: id.into(),
            remote: false,
            data: d,
            len: data.len() as u8,
        })
    }

    fn new_remote(id: impl Into<Id>, dlc: usize) -> Option<Self> {
        (dlc <= 8).then(|| Frame {
            id: id.into(),
            remote: true,
            data: [0; 8],
            len: dlc as u8,
        })
    }

    fn is_extended(&self) -> bool {
        matches!(self.id, Id::Extended(_))
    }

    fn is_remote_frame(&self) -> bool {
        self.remote
    }

    fn id(&self) -> Id {
        self.id
    }

    fn dlc(&self) -> usize {
        usize::from(self.len)
    }

    fn data(&self) -> &[u8] {
        if self.remote {
            return &[];
        }
        self.data.get(..usize::from(self.len)).unwrap_or_default()
    }
}

/// What went wrong reading a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// A character that does not belong at `offset` of the line.
    Line {
        /// Offset in the line.
        offset: usize,
    },
    /// A line longer than the decoder holds.
    TooLong,
    /// The output buffer is too small.
    BufferTooSmall,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Line { offset } => write!(f, "slcan line not understood at character {offset}"),
            Error::TooLong => f.write_str("slcan line too long"),
            Error::BufferTooSmall => f.write_str("buffer too small"),
        }
    }
}

impl core::error::Error for Error {}

/// A decoded line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// A CAN frame (`t`, `T`, `r`, `R`).
    Frame(Frame),
    /// An adapter's acknowledgement of a transmitted frame (`z`, `Z`).
    Sent,
    /// Any other line: a command to an adapter (`S6`, `O`, `C`, `V`) or an
    /// adapter's answer (`V1013`, `N1234`).
    Other(&'a [u8]),
    /// The adapter's error, BEL.
    Refused,
}

fn hex(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

fn hex_field(line: &[u8], at: usize, n: usize) -> Result<u32, Error> {
    let mut v = 0u32;
    for i in at..at + n {
        let c = line.get(i).copied().ok_or(Error::Line { offset: i })?;
        v = v << 4 | hex(c).ok_or(Error::Line { offset: i })?;
    }
    Ok(v)
}

/// Decodes one line (CR removed).
pub fn decode_line(line: &[u8]) -> Result<Line<'_>, Error> {
    let (idlen, remote) = match line.first() {
        Some(b't') => (3, false),
        Some(b'T') => (8, false),
        Some(b'r') => (3, true),
        Some(b'R') => (8, true),
        Some(b'z' | b'Z') if line.len() == 1 => return Ok(Line::Sent),
        Some(0x07) => return Ok(Line::Refused),
        _ => return Ok(Line::Other(line)),
    };
    let raw = hex_field(line, 1, idlen)?;
    let id: Id = if idlen == 3 {
        StandardId::new(raw as u16)
            .ok_or(Error::Line { offset: 1 })?
            .into()
    } else {
        ExtendedId::new(raw)
            .ok_or(Error::Line { offset: 1 })?
            .into()
    };
    let dlc = hex_field(line, 1 + idlen, 1)? as usize;
    if dlc > 8 {
        return Err(Error::Line { offset: 1 + idlen });
    }
    let at = 2 + idlen;
    let mut data = [0u8; 8];
    let n = if remote { 0 } else { dlc };
    for (k, slot) in data.iter_mut().take(n).enumerate() {
        *slot = hex_field(line, at + 2 * k, 2)? as u8;
    }
    // Anything after the data must be a 4-digit timestamp (Z1 mode).
    let end = at + 2 * n;
    match line.len() - end.min(line.len()) {
        0 => {}
        4 => {
            hex_field(line, end, 4)?;
        }
        _ => return Err(Error::Line { offset: end }),
    }
    Ok(Line::Frame(Frame {
        id,
        remote,
        data,
        len: dlc as u8,
    }))
}

/// Writes `frame` as an SLCAN line (CR included); returns its length.
pub fn encode_frame(frame: &Frame, buf: &mut [u8]) -> Result<usize, Error> {
    let mut w = Writer::new(buf);
    let small = |_| Error::BufferTooSmall;
    match (frame.id, frame.remote) {
        (Id::Standard(s), false) => {
            w.put(b"t").map_err(small)?;
            w.hex(u32::from(s.as_raw()), 3).map_err(small)?;
        }
        (Id::Standard(s), true) => {
            w.put(b"r").map_err(small)?;
            w.hex(u32::from(s.as_raw()), 3).map_err(small)?;
        }
        (Id::Extended(e), false) => {
            w.put(b"T").map_err(small)?;
            w.hex(e.as_raw(), 8).map_err(small)?;
        }
        (Id::Extended(e), true) => {
            w.put(b"R").map_err(small)?;
            w.hex(e.as_raw(), 8).map_err(small)?;
        }
    }
    w.hex(u32::from(frame.len), 1).map_err(small)?;
    for &b in embedded_can::Frame::data(frame) {
        w.hex(u32::from(b), 2).map_err(small)?;
    }
    w.put(b"\r").map_err(small)?;
    Ok(w.len())
}

/// The bit-rate command digit of `bitrate` (`S6` for 500 kbit/s).
pub fn bitrate_code(bitrate: u32) -> Option<u8> {
    Some(match bitrate {
        10_000 => b'0',
        20_000 => b'1',
        50_000 => b'2',
        100_000 => b'3',
        125_000 => b'4',
        250_000 => b'5',
        500_000 => b'6',
        800_000 => b'7',
        1_000_000 => b'8',
        _ => return None,
    })
}

const LINES: Delimiters = Delimiters {
    starts: b"",
    restarts: b"",
    ends: b"\r",
};

/// Streaming decoder: bytes in any chunking, lines out. BEL, the
/// adapter's error reply, is reported as [`Line::Refused`].
#[derive(Debug, Clone)]
pub struct Decoder {
    inner: LineFramer<64>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// An empty decoder.
    pub const fn new() -> Self {
        Decoder {
            inner: LineFramer::new(&LINES),
        }
    }

    /// Takes bytes up to the end of the first line; returns how many and,
    /// when a line ended, what it was.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<Line<'_>, Error>>) {
        // BEL ends nothing and is a reply of its own: feed up to it only.
        let upto = match input.iter().position(|&b| b == 0x07) {
            Some(0) => {
                self.inner.reset();
                return (1, Some(Ok(Line::Refused)));
            }
            Some(p) => p,
            None => input.len(),
        };
        let (n, ev) = self.inner.feed(input.get(..upto).unwrap_or_default());
        let ev = ev.map(|r| match r {
            Ok(line) => decode_line(line),
            Err(Cut::Overflow { .. } | Cut::Interrupted) => Err(Error::TooLong),
        });
        (n, ev)
    }
}

#[cfg(feature = "std")]
pub use driver::{DriverError, Slcan};

#[cfg(feature = "std")]
mod driver {
    use embedded_io::{Error as _, ErrorKind, Read, Write};

    use super::{Decoder, Error, Frame, Line, bitrate_code, encode_frame};

    /// What the [`Slcan`] driver can fail with: `E` from the port.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum DriverError<E> {
        /// The port failed.
        Io(E),
        /// The codec refused: a frame could not be encoded.
        Slcan(Error),
        /// A CAN bit rate with no `Sn` command; nothing was sent.
        Bitrate {
            /// The bit rate asked for, bit/s.
            bitrate: u32,
        },
    }

    impl<E: core::fmt::Display> core::fmt::Display for DriverError<E> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            match self {
                DriverError::Io(e) => write!(f, "i/o error: {e}"),
                DriverError::Slcan(e) => write!(f, "{e}"),
                DriverError::Bitrate { bitrate } => write!(
                    f,
                    "slcan has no command for {bitrate} bit/s (10000, 20000, 50000, 100000, \
                     125000, 250000, 500000, 800000 or 1000000)"
                ),
            }
        }
    }

    impl<E: core::fmt::Debug + core::fmt::Display> core::error::Error for DriverError<E> {}

    /// An SLCAN adapter on a serial port.
    #[derive(Debug)]
    pub struct Slcan<T> {
        io: T,
        decoder: Decoder,
        buf: [u8; 64],
        pos: usize,
        len: usize,
    }

    impl<T: Read + Write> Slcan<T> {
        /// Wraps a port with an adapter on it; call [`open`](Self::open) next.
        pub fn new(io: T) -> Self {
            Slcan {
                io,
                decoder: Decoder::new(),
                buf: [0; 64],
                pos: 0,
                len: 0,
            }
        }

        /// Closes the channel, sets `bitrate` and opens it (`C`, `Sn`, `O`).
        /// A bit rate without an `Sn` command (see [`bitrate_code`]) is
        /// refused before anything is sent.
        pub fn open(&mut self, bitrate: u32) -> Result<(), DriverError<T::Error>> {
            let code = bitrate_code(bitrate).ok_or(DriverError::Bitrate { bitrate })?;
            self.io.write_all(b"C\r").map_err(DriverError::Io)?;
            self.io
                .write_all(&[b'S', code, b'\r'])
                .map_err(DriverError::Io)?;
            self.io.write_all(b"O\r").map_err(DriverError::Io)?;
            self.io.flush().map_err(DriverError::Io)
        }

        /// Sends a frame.
        pub fn send(&mut self, frame: &Frame) -> Result<(), DriverError<T::Error>> {
            let mut line = [0u8; 32];
            let n = encode_frame(frame, &mut line).map_err(DriverError::Slcan)?;
            let bytes = line
                .get(..n)
                .ok_or(DriverError::Slcan(Error::BufferTooSmall))?;
            self.io.write_all(bytes).map_err(DriverError::Io)?;
            self.io.flush().map_err(DriverError::Io)
        }

        /// The next received frame; `Ok(None)` when a read timed out with
        /// nothing complete. Lines that are not frames are skipped.
        pub fn receive(&mut self) -> Result<Option<Frame>, DriverError<T::Error>> {
            loop {
                while self.pos < self.len {
                    let chunk = self.buf.get(self.pos..self.len).unwrap_or_default();
                    let (n, ev) = self.decoder.feed(chunk);
                    self.pos += n;
                    if let Some(Ok(Line::Frame(f))) = ev {
                        return Ok(Some(f));
                    }
                }
                match self.io.read(&mut self.buf) {
                    Ok(n) => {
                        self.pos = 0;
                        self.len = n;
                    }
                    Err(e) if e.kind() == ErrorKind::TimedOut => return Ok(None),
                    Err(e) => return Err(DriverError::Io(e)),
                }
            }
        }

        /// The port.
        pub fn io_mut(&mut self) -> &mut T {
            &mut self.io
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_can::Frame as _;

    fn std_frame(id: u16, data: &[u8]) -> Frame {
        Frame::new(StandardId::new(id).unwrap(), data).unwrap()
    }

    #[test]
    fn frames_both_ways() {
        let f = std_frame(0x356, &[0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01]);
        let mut buf = [0u8; 32];
        let n = encode_frame(&f, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"t35667A13F2FE6B01\r");
        assert_eq!(decode_line(&buf[..n - 1]).unwrap(), Line::Frame(f));
        // Lower-case hex (python-can's data) and a timestamp are accepted.
        assert_eq!(decode_line(b"t35667a13f2fe6b01").unwrap(), Line::Frame(f));
        assert_eq!(
            decode_line(b"t35667A13F2FE6B011A2B").unwrap(),
            Line::Frame(f)
        );
        let ext = Frame::new(ExtendedId::new(0x18FF50E5).unwrap(), &[1, 2]).unwrap();
        let n = encode_frame(&ext, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"T18FF50E520102\r");
        let remote = Frame::new_remote(StandardId::new(0x305).unwrap(), 8).unwrap();
        let n = encode_frame(&remote, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"r3058\r");
        assert_eq!(decode_line(b"r3058").unwrap(), Line::Frame(remote));
    }

    #[test]
    fn other_lines_and_errors() {
        assert_eq!(decode_line(b"z").unwrap(), Line::Sent);
        assert_eq!(decode_line(b"S6").unwrap(), Line::Other(b"S6"));
        assert_eq!(decode_line(b"t35"), Err(Error::Line { offset: 3 }));
        assert_eq!(decode_line(b"t3569"), Err(Error::Line { offset: 4 }));
        assert_eq!(decode_line(b"t356201"), Err(Error::Line { offset: 7 }));
        assert_eq!(decode_line(b"tG5600"), Err(Error::Line { offset: 1 }));
        assert_eq!(
            decode_line(b"t8000"),
            Err(Error::Line { offset: 1 }),
            "id above 0x7FF"
        );
    }

    #[test]
    fn decoder_takes_any_chunking() {
        let input = b"C\rS6\rO\r\x07t3052AABB\rz\rt3510\r";
        let mut d = Decoder::new();
        let mut frames = 0;
        let mut refused = 0;
        for chunk in input.chunks(3) {
            let mut c = chunk;
            while !c.is_empty() {
                let (n, ev) = d.feed(c);
                match ev {
                    Some(Ok(Line::Frame(_))) => frames += 1,
                    Some(Ok(Line::Refused)) => refused += 1,
                    _ => {}
                }
                c = &c[n..];
            }
        }
        assert_eq!((frames, refused), (2, 1));
    }

    /// A port that records what is written and reads from a script.
    #[cfg(feature = "std")]
    #[derive(Default)]
    struct Port {
        written: Vec<u8>,
        reads: Vec<Result<Vec<u8>, embedded_io::ErrorKind>>,
    }

    #[cfg(feature = "std")]
    impl embedded_io::ErrorType for Port {
        type Error = embedded_io::ErrorKind;
    }

    #[cfg(feature = "std")]
    impl embedded_io::Read for Port {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
            if self.reads.is_empty() {
                return Err(embedded_io::ErrorKind::TimedOut);
            }
            let bytes = self.reads.remove(0)?;
            buf[..bytes.len()].copy_from_slice(&bytes);
            Ok(bytes.len())
        }
    }

    #[cfg(feature = "std")]
    impl embedded_io::Write for Port {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    #[cfg(feature = "std")]
    #[test]
    fn driver_refuses_an_unknown_bitrate_before_sending() {
        let mut s = Slcan::new(Port::default());
        assert_eq!(
            s.open(123_456),
            Err(DriverError::Bitrate { bitrate: 123_456 })
        );
        assert_eq!(s.io_mut().written, b"", "nothing sent");
        let e = s.open(0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "slcan has no command for 0 bit/s (10000, 20000, 50000, 100000, \
             125000, 250000, 500000, 800000 or 1000000)"
        );
        s.open(250_000).unwrap();
        assert_eq!(s.io_mut().written, b"C\rS5\rO\r");
    }

    #[cfg(feature = "std")]
    #[test]
    fn driver_sends_receives_and_reports_port_errors() {
        let mut s = Slcan::new(Port {
            reads: vec![
                Ok(b"z\rt3510\r".to_vec()),
                Err(embedded_io::ErrorKind::BrokenPipe),
            ],
            ..Port::default()
        });
        s.send(&std_frame(0x305, &[0x21])).unwrap();
        assert_eq!(s.io_mut().written, b"t305121\r");
        assert_eq!(s.receive(), Ok(Some(std_frame(0x351, &[]))));
        assert_eq!(
            s.receive(),
            Err(DriverError::Io(embedded_io::ErrorKind::BrokenPipe))
        );
        assert_eq!(s.receive(), Ok(None), "a time-out is no error");
    }
}
