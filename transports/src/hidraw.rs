//! The USB HID link of Axpert units (VID:PID 0665:5161), via Linux
//! `/dev/hidrawN`.
//!
//! Every transfer is one 8-byte report. A command longer than 8 bytes is
//! split into reports, the last zero-padded; each report is written with
//! report ID 0 in front, so the kernel sends exactly the 8 bytes even when
//! one starts with a 0x00 CRC byte. Replies arrive in 8-byte reports padded
//! with NULs after the CR; the deframer skips the padding (it cannot be
//! stripped blindly: a CRC byte may be 0x00).

use std::io;
use std::time::Duration;

/// USB vendor and product id of the Axpert's HID bridge.
pub const AXPERT_USB_ID: (u16, u16) = (0x0665, 0x5161);

/// The `/dev/hidrawN` devices whose USB id is `id`, found through sysfs
/// (`/sys/class/hidraw/hidrawN/device/uevent`, line `HID_ID=0003:VVVVVVVV:PPPPPPPP`).
pub fn find(id: (u16, u16)) -> Vec<std::path::PathBuf> {
    find_in(std::path::Path::new("/sys/class/hidraw"), id)
}

fn find_in(class: &std::path::Path, (vid, pid): (u16, u16)) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(class) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let uevent =
                std::fs::read_to_string(e.path().join("device/uevent")).unwrap_or_default();
            uevent.lines().any(|l| {
                let mut parts = l
                    .strip_prefix("HID_ID=")
                    .unwrap_or_default()
                    .split(':')
                    .skip(1);
                let hex = |p: Option<&str>| p.and_then(|h| u32::from_str_radix(h, 16).ok());
                hex(parts.next()) == Some(u32::from(vid))
                    && hex(parts.next()) == Some(u32::from(pid))
            })
        })
        .map(|e| std::path::Path::new("/dev").join(e.file_name()))
        .collect();
    found.sort();
    found
}

/// Size of one HID report.
pub const REPORT_LEN: usize = 8;

/// How long one read waits for a report before it reports a time-out.
pub const READ_SLICE: Duration = Duration::from_millis(20);

/// A HID device file (or anything that reads and writes whole reports).
#[derive(Debug)]
pub struct Hid<T> {
    dev: T,
    pending: [u8; REPORT_LEN],
    pending_len: usize,
    pending_pos: usize,
}

impl<T> Hid<T> {
    /// Wraps a device that reads and writes whole reports.
    pub fn new(dev: T) -> Self {
        Hid {
            dev,
            pending: [0; REPORT_LEN],
            pending_len: 0,
            pending_pos: 0,
        }
    }

    /// The device.
    pub fn get_ref(&self) -> &T {
        &self.dev
    }
}

#[cfg(unix)]
impl Hid<std::fs::File> {
    /// Opens `/dev/hidrawN` (needs root or a udev rule for 0665:5161).
    pub fn open(path: &str) -> io::Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        let dev = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        Ok(Hid::new(dev))
    }
}

impl<T> embedded_io::ErrorType for Hid<T> {
    type Error = io::Error;
}

impl<T: io::Read> embedded_io::Read for Hid<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending_pos >= self.pending_len {
            let mut report = [0u8; REPORT_LEN];
            let n = match self.dev.read(&mut report) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(READ_SLICE);
                    return Err(io::ErrorKind::TimedOut.into());
                }
                other => other?,
            };
            if n == 0 {
                return Err(io::ErrorKind::TimedOut.into());
            }
            self.pending = report;
            self.pending_len = n;
            self.pending_pos = 0;
        }
        let avail = self
            .pending
            .get(self.pending_pos..self.pending_len)
            .unwrap_or_default();
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pending_pos += n;
        Ok(n)
    }
}

impl<T: io::Write> embedded_io::Write for Hid<T> {
    /// Writes one report: up to 8 bytes of `buf`, zero-padded.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(REPORT_LEN);
        let mut report = [0u8; REPORT_LEN + 1];
        report[1..=n].copy_from_slice(&buf[..n]);
        self.dev.write_all(&report)?;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.dev.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_io::{Read, Write};

    /// Records writes; reads hand out canned reports.
    #[derive(Default)]
    struct Fake {
        writes: Vec<Vec<u8>>,
        reports: Vec<Vec<u8>>,
    }
    impl io::Write for Fake {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.writes.push(b.to_vec());
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl io::Read for Fake {
        fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
            if self.reports.is_empty() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let r = self.reports.remove(0);
            b[..r.len()].copy_from_slice(&r);
            Ok(r.len())
        }
    }

    #[test]
    fn finds_devices_by_usb_id_in_sysfs() {
        let root = std::env::temp_dir().join(format!("hidraw-test-{}", std::process::id()));
        for (name, id) in [
            ("hidraw0", "0003:0000046D:0000C52B"),
            ("hidraw3", "0003:00000665:00005161"),
            ("hidraw1", "0003:00000665:00005161"),
        ] {
            let dir = root.join(name).join("device");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("uevent"),
                format!("DRIVER=hid-generic\nHID_ID={id}\nHID_NAME=x\n"),
            )
            .unwrap();
        }
        let found = find_in(&root, AXPERT_USB_ID);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            found,
            [
                std::path::PathBuf::from("/dev/hidraw1"),
                "/dev/hidraw3".into()
            ]
        );
        assert!(find_in(std::path::Path::new("/nonexistent"), AXPERT_USB_ID).is_empty());
    }

    #[test]
    fn long_commands_are_split_into_padded_reports() {
        let mut h = Hid::new(Fake::default());
        // QPIGS2 + CRC + CR is 9 bytes: two reports.
        h.write_all(b"QPIGS2\x68\x2d\r").unwrap();
        assert_eq!(
            h.get_ref().writes,
            [b"\0QPIGS2\x68\x2d".to_vec(), b"\0\r\0\0\0\0\0\0\0".to_vec()]
        );
        let mut h = Hid::new(Fake::default());
        h.write_all(b"QPIGS\xb7\xa9\r").unwrap();
        assert_eq!(h.get_ref().writes, [b"\0QPIGS\xb7\xa9\r".to_vec()]);
    }

    #[test]
    fn reports_are_read_through_padding_included() {
        let mut h = Hid::new(Fake {
            reports: vec![b"(B\xe7\xc9\r\0\0\0".to_vec()],
            ..Fake::default()
        });
        let mut buf = [0u8; 5];
        assert_eq!(h.read(&mut buf).unwrap(), 5);
        assert_eq!(&buf, b"(B\xe7\xc9\r");
        assert_eq!(h.read(&mut buf).unwrap(), 3);
        assert_eq!(
            h.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::TimedOut
        );
    }
}
