//! The server against the vectors of docs/protocols/modbus.md §4: replies, exceptions
//! in the spec's order, and silence where the spec wants silence.

use core::time::Duration;

use modbus_rtu_lite::{Bits, Exception, Handler, Line, Mode, Parity, Server, Timing, Words, crc16};

/// 100 holding registers (value = address), 100 coils (all off), an id,
/// files 3 and 4 of 100 records each.
struct Device {
    regs: [u16; 100],
    coils: [bool; 100],
    files: [[u16; 100]; 2],
}

fn file(files: &mut [[u16; 100]; 2], f: u16) -> Result<&mut [u16; 100], Exception> {
    match f {
        3 | 4 => Ok(&mut files[usize::from(f - 3)]),
        _ => Err(Exception::IllegalDataAddress),
    }
}

fn range(start: u16, n: usize) -> Result<core::ops::Range<usize>, Exception> {
    let s = usize::from(start);
    if s + n > 100 {
        return Err(Exception::IllegalDataAddress);
    }
    Ok(s..s + n)
}

impl Handler for Device {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        out.copy_from_slice(&self.regs[range(start, out.len())?]);
        Ok(())
    }
    fn read_coils(&mut self, start: u16, out: &mut [bool]) -> Result<(), Exception> {
        out.copy_from_slice(&self.coils[range(start, out.len())?]);
        Ok(())
    }
    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        let r = range(start, values.len())?;
        for (slot, v) in self.regs[r].iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }
    fn write_coils(&mut self, start: u16, values: Bits<'_>) -> Result<(), Exception> {
        let r = range(start, usize::from(values.len()))?;
        for (slot, v) in self.coils[r].iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }
    fn report_server_id(&mut self, out: &mut [u8]) -> Result<usize, Exception> {
        out[..4].copy_from_slice(&[0xB4, 0xFF, b'V', b'M']);
        Ok(4)
    }
    fn read_file_record(&mut self, f: u16, record: u16, out: &mut [u16]) -> Result<(), Exception> {
        out.copy_from_slice(&file(&mut self.files, f)?[range(record, out.len())?]);
        Ok(())
    }
    fn write_file_record(
        &mut self,
        f: u16,
        record: u16,
        values: Words<'_>,
    ) -> Result<(), Exception> {
        let r = range(record, values.len())?;
        for (slot, v) in file(&mut self.files, f)?[r].iter_mut().zip(values.iter()) {
            *slot = v;
        }
        Ok(())
    }
    fn device_id_object(&mut self, id: u8) -> Option<&[u8]> {
        match id {
            0 => Some(b"Workspace"),
            1 => Some(b"VM1000-SIM"),
            2 => Some(b"0.1"),
            _ => None,
        }
    }
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn adu(s: &str) -> Vec<u8> {
    let mut b = hex(s);
    let c = crc16(&b);
    b.extend_from_slice(&c.to_le_bytes());
    b
}

fn server() -> Server<Device> {
    let mut regs = [0u16; 100];
    for (i, r) in regs.iter_mut().enumerate() {
        *r = i as u16;
    }
    let line = Line::new(19200, Parity::Even, 1);
    Server::new(
        Device {
            regs,
            coils: [false; 100],
            files: [[0; 100]; 2],
        },
        [1, 17, 0, 0],
        line,
        Mode::Timing,
        Duration::ZERO,
    )
}

/// The reply the server gives to `request` (None: silence).
fn ask(s: &mut Server<Device>, request: &[u8]) -> Option<Vec<u8>> {
    s.process(request);
    s.poll_transmit(Duration::ZERO).map(<[u8]>::to_vec)
}

#[test]
fn replies_match_the_wire_vectors() {
    let mut s = server();
    assert_eq!(
        ask(&mut s, &hex("01 03 00 00 00 0A C5 CD")),
        Some(hex(
            "01 03 14 00 00 00 01 00 02 00 03 00 04 00 05 00 06 00 07 00 08 00 09 CD 51"
        ))
    );
    assert_eq!(
        ask(&mut s, &hex("01 01 00 00 00 10 3D C6")),
        Some(hex("01 01 02 00 00 B9 FC"))
    );
    assert_eq!(
        ask(&mut s, &hex("01 03 13 88 00 01 00 A4")),
        Some(hex("01 83 02 C0 F1")),
        "address 5000: 02"
    );
    assert_eq!(
        ask(&mut s, &hex("01 03 00 00 00 7E C5 EA")),
        Some(hex("01 83 03 01 31")),
        "qty 126: 03"
    );
    assert_eq!(
        ask(&mut s, &hex("01 03 00 00 00 00 45 CA")),
        Some(hex("01 83 03 01 31")),
        "qty 0: 03"
    );
    assert_eq!(
        ask(&mut s, &hex("01 01 00 00 07 D1 FE 66")),
        Some(hex("01 81 03 00 51")),
        "qty 2001: 03"
    );
    assert_eq!(
        ask(&mut s, &hex("01 05 00 01 12 34 91 7D")),
        Some(hex("01 85 03 02 91"))
    );
    assert!(!s.handler().coils[1], "the coil is not touched");
    assert_eq!(
        ask(&mut s, &hex("01 41 00 00 00 01 FC 05")),
        Some(hex("01 C1 01 B0 50")),
        "unknown FC: 01"
    );
    assert_eq!(
        ask(&mut s, &hex("01 10 00 00 00 03 02 00 01 66 28")).map(|r| r[1..3].to_vec()),
        Some(vec![0x90, 3])
    );
    assert_eq!(
        ask(&mut s, &hex("01 0F 00 00 00 0A 01 FF 1F 15")).map(|r| r[1..3].to_vec()),
        Some(vec![0x8F, 3]),
        "03, not 02"
    );
    assert_eq!(
        ask(&mut s, &hex("01 2B 0E 05 00 72 B7")).map(|r| r[1..3].to_vec()),
        Some(vec![0xAB, 3])
    );
    // Writes.
    assert_eq!(
        ask(&mut s, &hex("01 06 00 05 BE EF A9 E7")),
        Some(hex("01 06 00 05 BE EF A9 E7"))
    );
    assert_eq!(s.handler().regs[5], 0xBEEF);
    assert_eq!(
        ask(&mut s, &hex("01 0F 00 00 00 0A 02 FF 03 E4 C9")),
        Some(hex("01 0F 00 00 00 0A D5 CC"))
    );
    assert!(s.handler().coils[..10].iter().all(|c| *c));
    assert_eq!(
        ask(&mut s, &hex("01 10 00 0A 00 03 06 00 01 00 02 00 03 1A A1")),
        Some(hex("01 10 00 0A 00 03 A0 0A"))
    );
    assert_eq!(&s.handler().regs[10..13], &[1, 2, 3]);
    // Mask write: (0x12 AND 0xF2) OR (0x25 AND NOT 0xF2) = 0x17 (AP §6.16).
    s.handler().regs[4] = 0x12;
    assert_eq!(
        ask(&mut s, &adu("11 16 00 04 00 F2 00 25")),
        Some(adu("11 16 00 04 00 F2 00 25"))
    );
    assert_eq!(s.handler().regs[4], 0x17);
    // FC17: the write happens before the read.
    let r = ask(&mut s, &adu("01 17 00 20 00 01 00 20 00 01 02 AB CD")).unwrap();
    assert_eq!(&r[..5], &[0x01, 0x17, 0x02, 0xAB, 0xCD]);
    // Report server id; device id basic stream.
    assert_eq!(
        ask(&mut s, &adu("01 11")),
        Some(adu("01 11 04 B4 FF 56 4D"))
    );
    let r = ask(&mut s, &adu("01 2B 0E 01 00")).unwrap();
    assert_eq!(&r[..8], &[0x01, 0x2B, 0x0E, 0x01, 0x83, 0x00, 0x00, 0x03]);
    assert_eq!(&r[8..11], &[0x00, 9, b'W']);
    // Individual access to an object the device lacks: 02.
    assert_eq!(
        ask(&mut s, &adu("01 2B 0E 04 05")).map(|r| r[1..3].to_vec()),
        Some(vec![0xAB, 2])
    );
}

#[test]
fn silence_where_the_spec_wants_it() {
    let mut s = server();
    assert_eq!(
        ask(&mut s, &hex("01 41 00 00 00 01 DE AD")),
        None,
        "bad CRC"
    );
    assert_eq!(
        ask(&mut s, &hex("F8 03 00 00 00 01 90 63")),
        None,
        "reserved address 248"
    );
    assert_eq!(
        ask(&mut s, &adu("05 03 00 00 00 01")),
        None,
        "another server"
    );
    assert_eq!(
        ask(&mut s, &hex("00 03 00 00 00 01 85 DB")),
        None,
        "broadcast read"
    );
    assert_eq!(
        ask(&mut s, &hex("00 06 00 07 00 2A B8 05")),
        None,
        "broadcast write: done, not answered"
    );
    assert_eq!(s.handler().regs[7], 42);
    // A second address on the same bus answers (registers 107..110 are
    // outside this device's map: 02).
    assert_eq!(
        ask(&mut s, &hex("11 03 00 6B 00 03 76 87")).map(|r| r[..3].to_vec()),
        Some(vec![0x11, 0x83, 0x02])
    );
    assert!(ask(&mut s, &adu("11 03 00 00 00 01")).is_some());
    assert_eq!(s.counters().bus_errors, 1);
}

#[test]
fn diagnostics_and_listen_only() {
    let mut s = server();
    let echo = hex("11 08 00 00 A5 37 12 34 97 7E");
    assert_eq!(
        ask(&mut s, &echo),
        Some(echo.clone()),
        "08/00 echoes any length"
    );
    assert_eq!(
        ask(&mut s, &hex("11 08 00 04 00 00 A3 5A")),
        None,
        "08/04: no reply"
    );
    assert_eq!(ask(&mut s, &adu("11 03 00 00 00 01")), None, "listen only");
    assert_eq!(
        ask(&mut s, &hex("11 08 00 01 00 00 B3 5B")),
        None,
        "08/01 ends it, silently (AP §6.8.1)"
    );
    assert_eq!(s.counters().bus_messages, 0, "and clears the counters");
    assert!(ask(&mut s, &adu("11 03 00 00 00 01")).is_some());
    // Outside listen-only mode, 08/01 is echoed, then the counters clear.
    assert_eq!(
        ask(&mut s, &hex("11 08 00 01 00 00 B3 5B")),
        Some(hex("11 08 00 01 00 00 B3 5B"))
    );
    assert_eq!(s.counters().bus_messages, 0);
    ask(&mut s, &adu("11 03 00 00 00 01")).unwrap();
    let count = ask(&mut s, &hex("11 08 00 0B 00 00 93 59")).unwrap();
    assert_eq!(&count[..4], &[0x11, 0x08, 0x00, 0x0B]);
    // The count includes the request being answered.
    assert_eq!(
        u16::from_be_bytes([count[4], count[5]]),
        s.counters().bus_messages
    );
    assert_eq!(
        ask(&mut s, &adu("11 08 00 13 00 00")).map(|r| r[1..3].to_vec()),
        Some(vec![0x88, 1])
    );
}

#[test]
fn over_the_framer_with_time() {
    let mut s = server();
    let line = Line::new(19200, Parity::Even, 1);
    let t35 = line.t35();
    s.handle_timeout(t35);
    let req = hex("01 03 00 00 00 03 05 CB");
    let fed = t35 + Duration::from_millis(1);
    s.feed(fed, &req);
    assert!(s.poll_transmit(fed).is_none(), "not before t3.5");
    s.handle_timeout(fed + t35);
    assert_eq!(
        s.poll_transmit(fed + t35),
        Some(&hex("01 03 06 00 00 00 01 00 02 F1 74")[..])
    );
}

#[test]
fn file_records_read_and_write() {
    let mut s = server();
    // The spec's example contents (AP §6.14).
    s.handler().files[1][1..3].copy_from_slice(&[0x0DFE, 0x0020]);
    s.handler().files[0][9..11].copy_from_slice(&[0x33CD, 0x0040]);
    assert_eq!(
        ask(
            &mut s,
            &adu("01 14 0E 06 00 04 00 01 00 02 06 00 03 00 09 00 02")
        ),
        Some(adu("01 14 0C 05 06 0D FE 00 20 05 06 33 CD 00 40"))
    );
    // AP §6.15: the write is echoed, and then reads back.
    let write = adu("01 15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D");
    assert_eq!(ask(&mut s, &write), Some(write.clone()));
    assert_eq!(
        ask(&mut s, &adu("01 14 07 06 00 04 00 07 00 03")),
        Some(adu("01 14 08 07 06 06 AF 04 BE 10 0D"))
    );
    // A file the device lacks, file 0, a record above 9999: exception 02.
    for bad in [
        "01 14 07 06 00 09 00 00 00 01",
        "01 14 07 06 00 00 00 00 00 01",
        "01 14 07 06 00 04 27 10 00 01",
        "01 15 09 06 00 00 00 00 00 01 12 34",
    ] {
        let reply = ask(&mut s, &adu(bad)).unwrap();
        assert_eq!(&reply[1..3], &[hex(bad)[1] | 0x80, 0x02], "{bad}");
    }
    // Two groups of 100 registers cannot fit one response: exception 03.
    assert_eq!(
        ask(
            &mut s,
            &adu("01 14 0E 06 00 03 00 00 00 64 06 00 04 00 00 00 64")
        ),
        Some(adu("01 94 03"))
    );
    // Groups go to the handler in order: one it refuses ends the request
    // with its exception, and the groups before it stay written.
    let reply = ask(
        &mut s,
        &adu("01 15 12 06 00 04 00 00 00 01 AA AA 06 00 09 00 00 00 01 BB BB"),
    )
    .unwrap();
    assert_eq!(&reply[1..3], &[0x95, 0x02]);
    assert_eq!(
        s.handler().files[1][0],
        0xAAAA,
        "the first group was written"
    );
}

#[test]
fn event_counter_counts_successes_but_not_exceptions_or_itself() {
    let mut s = server();
    let counter = adu("11 0B");
    assert_eq!(ask(&mut s, &counter), Some(adu("11 0B 00 00 00 00")));
    assert_eq!(
        ask(&mut s, &counter),
        Some(adu("11 0B 00 00 00 00")),
        "FC0B not counted"
    );
    ask(&mut s, &adu("11 03 00 00 00 01")).unwrap();
    ask(&mut s, &adu("11 06 00 01 00 07")).unwrap();
    let exc = ask(&mut s, &adu("11 03 00 63 00 02")).unwrap();
    assert_eq!(exc[1], 0x83, "an exception, not counted");
    assert_eq!(ask(&mut s, &counter), Some(adu("11 0B 00 00 00 02")));
    // FC0C reports the same count, then counts as a success itself.
    let log = ask(&mut s, &adu("11 0C")).unwrap();
    assert_eq!(&log[..7], &hex("11 0C 06 00 00 00 02"));
    assert_eq!(ask(&mut s, &counter), Some(adu("11 0B 00 00 00 03")));
}
