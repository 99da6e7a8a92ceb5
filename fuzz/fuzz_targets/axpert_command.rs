//! A request line decoded on the device side: no panic, and a decoded
//! command re-encodes to the same line.
#![no_main]

use axpert_proto::{BatterySystem, Command, frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = frame::decode_request(data) else {
        return;
    };
    for system in [
        BatterySystem::V12,
        BatterySystem::V24,
        BatterySystem::V48,
        BatterySystem::V48Hv64,
    ] {
        if let Ok(cmd) = Command::decode(line, system) {
            let mut buf = [0u8; 64];
            let n = cmd.encode(&mut buf).expect("a decoded command encodes");
            let again = frame::decode_request(&buf[..n]).expect("our own frame decodes");
            assert_eq!(Command::decode(again, system), Ok(cmd));
        }
    }
});
