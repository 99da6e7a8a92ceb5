//! Runs one operation N times, for instruction counting under
//! `valgrind --tool=callgrind` (deterministic, unlike wall time):
//! `instructions <crc|deframe|full|naive> <N>`.

use std::hint::black_box;

use axpert_proto::{Framer, Inquiry, Response, crc16};
use benches::{QPIGS_110, naive_decode};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("full");
    let n: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut framer = Framer::<256>::new();
    let mut sink = 0usize;
    for _ in 0..n {
        sink += match what {
            "crc" => usize::from(crc16(black_box(&QPIGS_110[..QPIGS_110.len() - 3]))),
            "deframe" => {
                let (_, f) = framer.feed(black_box(QPIGS_110));
                f.map_or(0, |f| f.map_or(0, |f| f.payload.len()))
            }
            "full" => {
                let (_, f) = framer.feed(black_box(QPIGS_110));
                let f = f.and_then(Result::ok);
                let r = f.map(|f| Response::decode(Some(Inquiry::GeneralStatus), &f));
                usize::from(matches!(black_box(r), Some(Ok(_))))
            }
            _ => naive_decode(black_box(QPIGS_110)).map_or(0, |v| v.len()),
        };
    }
    println!("{sink}");
}
