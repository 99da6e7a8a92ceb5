//! Footprint: the Modbus server job with `modbus-rtu-lite`'s `Server`:
//! unit 1, eight coils and eight holding registers (FC01, FC03, FC05,
//! FC06, FC10), answering the requests `footprint` sends until it has
//! answered [`job::REQUESTS`]; reports how many it answered.
//!
//! Row: Modbus server, FC01/03/05/06/10 | `modbus-rtu-lite` `Server`
//! Result: 6
#![no_std]
#![no_main]

use core::time::Duration;

use cortex_m_rt::entry;
use embedded_io::Write;
use firmware::{job, report, server_map::Map};
use modbus_rtu_lite::{Line, Parity, Server, SimpleLengthMode};
use transports::Clock;

#[entry]
fn main() -> ! {
    let board = job::start();
    let (mut uart, clock) = (board.uart, board.clock);
    let map = Map::new();
    let line = Line::new(9600, Parity::None, 1);
    // By length, fixed at compile time: the timing framer is not linked;
    // and without resynchronising inside garbage (the job's master leaves
    // silence between requests, as the peers' images expect too).
    let mode = SimpleLengthMode {
        silence: Duration::from_millis(50),
    };
    let mut server = Server::new(map, [1, 0, 0, 0], line, mode, clock.now());
    let mut answered = 0;
    while answered < job::REQUESTS {
        let Some(b) = job::byte(&mut uart) else {
            report::fail(format_args!("requests stopped after {answered}"));
        };
        server.feed(clock.now(), &[b]);
        if let Some(reply) = server.poll_transmit(clock.now()) {
            let _ = uart.write_all(reply);
            answered += 1;
        }
    }
    job::finish(answered)
}
