//! ADU length prediction from the function code and byte counts
//! (`docs/protocols/modbus.md` §3.1), for links that hide timing (USB
//! adapters, TCP gateways, ptys).
//!
//! The answer is what the bytes so far say: the exact length, "need this
//! many bytes to tell", or unknown (FC08/00 requests and custom codes,
//! which only silence delimits).

use crate::Functions;

/// What the bytes so far say about the frame's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Length {
    /// The ADU is exactly this long.
    Exact(usize),
    /// At least this many bytes are needed to tell.
    AtLeast(usize),
    /// Only silence can end this frame.
    Unknown,
}

fn at(b: &[u8], i: usize) -> Option<usize> {
    b.get(i).map(|&x| usize::from(x))
}

fn counted(b: &[u8], bc_at: usize, fixed: usize) -> Length {
    match at(b, bc_at) {
        Some(bc) => Length::Exact(fixed + bc),
        None => Length::AtLeast(bc_at + 1),
    }
}

/// Length of a request ADU starting with `b`.
pub fn request(b: &[u8]) -> Length {
    request_in(b, Functions::all())
}

/// [`request`] for a server that answers only `functions`: the others'
/// lengths are [`Length::Unknown`] (their requests, answered 01, end at
/// the silence). Always inlined: with a constant set (a server's
/// [`Handler::FUNCTIONS`](crate::Handler::FUNCTIONS)) only those codes'
/// predictions are linked, as only their decoders are.
#[inline(always)]
pub(crate) fn request_in(b: &[u8], functions: Functions) -> Length {
    let Some(&fc) = b.get(1) else {
        return Length::AtLeast(2);
    };
    let on = |f: Functions| functions.intersects(f);
    match fc {
        // One comparison for six codes: kept whatever the set.
        0x01..=0x06 => Length::Exact(8),
        0x07 if on(Functions::READ_EXCEPTION_STATUS) => Length::Exact(4),
        0x0B if on(Functions::GET_COMM_EVENT_COUNTER) => Length::Exact(4),
        0x0C if on(Functions::GET_COMM_EVENT_LOG) => Length::Exact(4),
        0x11 if on(Functions::REPORT_SERVER_ID) => Length::Exact(4),
        0x08 if on(Functions::DIAGNOSTICS) => match (b.get(2), b.get(3)) {
            (Some(0), Some(0)) => Length::Unknown,
            (Some(_), Some(_)) => Length::Exact(8),
            _ => Length::AtLeast(4),
        },
        0x0F if on(Functions::WRITE_MULTIPLE_COILS) => counted(b, 6, 9),
        0x10 if on(Functions::WRITE_MULTIPLE_REGISTERS) => counted(b, 6, 9),
        0x14 if on(Functions::READ_FILE_RECORD) => counted(b, 2, 5),
        0x15 if on(Functions::WRITE_FILE_RECORD) => counted(b, 2, 5),
        0x16 if on(Functions::MASK_WRITE_REGISTER) => Length::Exact(10),
        0x17 if on(Functions::READ_WRITE_MULTIPLE_REGISTERS) => counted(b, 10, 13),
        0x18 if on(Functions::READ_FIFO_QUEUE) => Length::Exact(6),
        0x2B if on(Functions::READ_DEVICE_ID | Functions::CUSTOM) => Length::Exact(7),
        _ => Length::Unknown,
    }
}

/// Length of a response ADU starting with `b`.
pub fn response(b: &[u8]) -> Length {
    let Some(&fc) = b.get(1) else {
        return Length::AtLeast(2);
    };
    match fc {
        0x80..=0xFF => Length::Exact(5),
        0x01..=0x04 | 0x0C | 0x11 | 0x14 | 0x17 => counted(b, 2, 5),
        0x05 | 0x06 | 0x0B | 0x0F | 0x10 => Length::Exact(8),
        0x07 => Length::Exact(5),
        0x08 => match (b.get(2), b.get(3)) {
            (Some(0), Some(0)) => Length::Unknown,
            (Some(_), Some(_)) => Length::Exact(8),
            _ => Length::AtLeast(4),
        },
        0x15 => counted(b, 2, 5),
        0x16 => Length::Exact(10),
        0x18 => match (b.get(2), b.get(3)) {
            (Some(&hi), Some(&lo)) => Length::Exact(6 + usize::from(u16::from_be_bytes([hi, lo]))),
            _ => Length::AtLeast(4),
        },
        0x2B => device_id(b),
        _ => Length::Unknown,
    }
}

/// Walks a 2B/0E response's object list.
fn device_id(b: &[u8]) -> Length {
    let Some(n) = at(b, 7) else {
        return Length::AtLeast(8);
    };
    let mut pos = 8;
    for _ in 0..n {
        match at(b, pos + 1) {
            Some(len) => pos += 2 + len,
            None => return Length::AtLeast(pos + 2),
        }
    }
    Length::Exact(pos + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lengths() {
        assert_eq!(request(&[1]), Length::AtLeast(2));
        assert_eq!(request(&[1, 3]), Length::Exact(8));
        assert_eq!(request(&[1, 0x10, 0, 0x0A, 0, 3]), Length::AtLeast(7));
        assert_eq!(
            request(&[1, 0x10, 0, 0x0A, 0, 3, 6]),
            Length::Exact(15),
            "byte count at offset 6, not 4"
        );
        assert_eq!(
            request(&[0x11, 8, 0, 0]),
            Length::Unknown,
            "FC08/00 takes any length"
        );
        assert_eq!(request(&[0x11, 8, 0, 1]), Length::Exact(8));
        assert_eq!(request(&[1, 0x41]), Length::Unknown);
    }

    #[test]
    fn request_lengths_in_a_set() {
        let set = Functions::READ_HOLDING_REGISTERS | Functions::WRITE_MULTIPLE_REGISTERS;
        let fc10 = [1, 0x10, 0, 0x0A, 0, 3, 6];
        assert_eq!(request_in(&fc10, set), Length::Exact(15));
        assert_eq!(request_in(&[1, 4], set), Length::Exact(8));
        // Outside the set: only the silence ends them.
        assert_eq!(request_in(&[1, 0x0F, 0, 0, 0, 8, 1], set), Length::Unknown);
        assert_eq!(request_in(&[1, 0x17], set), Length::Unknown);
        assert_eq!(request_in(&[1, 0x08, 0, 1], set), Length::Unknown);
        // Every code as `request` with the whole set.
        for fc in 0..=0xFF {
            let b = [1, fc, 0, 1, 0, 2, 4, 0, 0, 0, 4];
            assert_eq!(request_in(&b, Functions::all()), request(&b), "{fc:#x}");
        }
    }

    #[test]
    fn response_lengths() {
        assert_eq!(response(&[1, 3, 0x14]), Length::Exact(25));
        assert_eq!(response(&[1, 0x83]), Length::Exact(5));
        assert_eq!(response(&[0x11, 0x18, 0, 6]), Length::Exact(12));
        // 2B/0E with two objects of 3 and 1 bytes.
        let r = [
            1, 0x2B, 0x0E, 1, 1, 0, 0, 2, 0, 3, b'a', b'b', b'c', 1, 1, b'x',
        ];
        assert_eq!(response(&r[..9]), Length::AtLeast(10));
        assert_eq!(response(&r), Length::Exact(18));
    }
}
