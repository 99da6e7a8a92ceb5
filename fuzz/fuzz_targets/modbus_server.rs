//! Any bytes, with a correct CRC appended, as a request to a server whose
//! handler has every kind of data (so every function's code path runs):
//! no panic, and a reply is a well-formed ADU of at most 256 bytes; a
//! `Responder` given the same requests in its own buffer answers the same.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::{Line, MAX_ADU, Mode, Parity, Responder, Server, crc16, decode_response};

#[path = "common/modbus_handler.rs"]
mod handler;
use handler::Everything;

fuzz_target!(|data: &[u8]| {
    if data.len() > 254 {
        return;
    }
    let mut adu = [0u8; 256];
    adu[..data.len()].copy_from_slice(data);
    let crc = crc16(data);
    adu[data.len()..data.len() + 2].copy_from_slice(&crc.to_le_bytes());
    let adu = &adu[..data.len() + 2];

    let line = Line::new(19200, Parity::Even, 1);
    let handler = Everything::new();
    let mut server = Server::new(handler, [1, 2, 0, 0], line, Mode::Timing, Duration::ZERO);
    let mut responder = Responder::new(Everything::new(), [1, 2, 0, 0]);
    // Twice: the second time after the first may have changed the data
    // or entered listen-only mode.
    for _ in 0..2 {
        server.process(adu);
        let mut buf = [0u8; MAX_ADU];
        buf[..adu.len()].copy_from_slice(adu);
        let n = responder.answer(&mut buf, adu.len());
        let reply = server.poll_transmit(Duration::ZERO);
        assert_eq!(reply, (n > 0).then(|| &buf[..n]), "{adu:02X?}");
        if let Some(reply) = reply {
            assert!(reply.len() <= 256);
            assert!(decode_response(reply).is_ok(), "{reply:02X?}");
        }
    }
});
