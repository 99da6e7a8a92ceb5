//! Property tests: any id and data never panics; whatever decodes
//! re-encodes to the same bytes; the aggregator and emitter take anything.

use core::time::Duration;

use bms_can::{Ascii, Battery, Emitter, Message, Profile, Protection, RawFrame, Report, Requests};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn decode_never_panics_and_round_trips(id in 0u16..0x800, data in prop::collection::vec(any::<u8>(), 0..10)) {
        match Message::decode(id, &data) {
            Ok(m) => {
                let f = m.encode();
                prop_assert_eq!(f.id, u32::from(id));
                prop_assert_eq!(f.bytes(), &data[..]);
                prop_assert_eq!(Message::decode(id, f.bytes()).unwrap(), m);
            }
            Err(bms_can::Error::TooLong { len }) => prop_assert!(len > 8),
            Err(bms_can::Error::TooShort { len, min, .. }) => prop_assert!(len < min && data.len() <= 8),
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }
    }

    #[test]
    fn known_ids_round_trip(
        id in prop::sample::select(&[0x305u16, 0x307, 0x351, 0x354, 0x355, 0x356, 0x359, 0x35A, 0x35C, 0x35E, 0x35F,
            0x360, 0x370, 0x371, 0x372, 0x373, 0x374, 0x377, 0x378, 0x379, 0x380, 0x381, 0x382,
            0x400, 0x401, 0x404, 0x409, 0x40A, 0x41E][..]),
        data in prop::collection::vec(any::<u8>(), 0..=8),
    ) {
        if let Ok(m) = Message::decode(id, &data) {
            let f = m.encode();
            prop_assert_eq!(f.bytes(), &data[..]);
            prop_assert!(!matches!(m, Message::Raw(_)), "known id decoded raw");
        }
    }

    #[test]
    fn aggregator_and_emitter_take_anything(
        frames in prop::collection::vec((0u16..0x800, prop::collection::vec(any::<u8>(), 0..=8), 0u64..5000), 0..40),
        cvl in any::<u16>(), ccl in any::<i16>(), soc in 0u16..=10_000, prot in any::<u32>(), v13 in any::<bool>(),
    ) {
        let mut b = Battery::new();
        let mut now = Duration::ZERO;
        for (id, data, dt) in &frames {
            now += Duration::from_millis(*dt);
            b.feed_frame(now, *id, data);
            let _ = b.snapshot(now);
        }
        let report = Report {
            charge_voltage_dv: cvl, charge_current_da: ccl, discharge_current_da: ccl,
            discharge_voltage_dv: cvl, soc_centi: soc, soh: 100, voltage_cv: 5000, current_da: ccl,
            temperature_dc: 250, protection: Protection::from_bits_retain(prot),
            requests: Requests::CHARGE_ENABLE, modules: 3, capacity_ah: 100, name: Ascii::new(b"PYLON"),
        };
        let profile = if v13 { Profile::PylonV13 } else { Profile::PylonV12 };
        let mut e = Emitter::new(profile, report, Duration::ZERO);
        let mut sent = 0;
        while let Some(f) = e.poll_transmit(Duration::ZERO) {
            prop_assert!(Message::decode_raw(&f).is_ok());
            sent += 1;
        }
        prop_assert_eq!(sent, 6);
        let _ = RawFrame::new(0x7FF, &[0; 20]);
    }
}
