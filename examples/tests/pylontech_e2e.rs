//! `pylontech-sim` as a process over a pseudo-terminal, read by our own
//! YD/T 1363 driver (no Python needed): the serve loop, the device side
//! and the typed Pylontech replies end to end, and the answers a stack
//! gives to what it cannot do.

mod common;

use common::Spawned;
use examples::pylontech_sim::{FIRST, LINE, Stack};
use transports::{StdClock, serial::Serial, ydt1363::Driver};
use ydt1363::Rtn;
use ydt1363::pylontech::{Analog, AnalogAll, Command, Management, SystemParameters};

#[test]
fn a_two_pack_stack_answers_our_driver() {
    let sim = Spawned::start_with(
        env!("CARGO_BIN_EXE_pylontech-sim"),
        &["--packs", "2", "--hold"],
    );
    let mut d = Driver::new(
        Serial::open(&sim.path, &LINE).unwrap(),
        StdClock::new(),
        transports::ydt1363::client(transports::ydt1363::DEFAULT_TIMEOUT),
    );
    let model = Stack::new(2);

    // Each pack's analog values, asked of the master, equal the model's.
    for adr in [FIRST, FIRST + 1] {
        let f = d
            .ask(&Command::Analog { pack: adr }.request(FIRST))
            .unwrap();
        assert_eq!(f.rtn(), Rtn::Normal);
        let a = Analog::decode(&f).unwrap();
        let want = model.block(adr);
        assert_eq!(
            a.block.cells_mv.as_slice(),
            want.cells_mv.as_slice(),
            "pack {adr}"
        );
        assert_eq!(a.block.cycles, want.cycles, "pack {adr}");
    }
    // All packs at once: one block per pack, the same values.
    let f = d
        .ask(&Command::Analog { pack: 0xFF }.request(FIRST))
        .unwrap();
    let blocks: Vec<_> = AnalogAll::decode(&f)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[1].cycles, model.block(FIRST + 1).cycles);

    let f = d
        .ask(&Command::Management { pack: FIRST }.request(FIRST))
        .unwrap();
    let m = Management::decode(&f).unwrap();
    assert_eq!(m, model.management(FIRST));
    assert!(
        m.discharge_current_da < 0,
        "negative on RS485, as real packs send it"
    );

    let f = d
        .ask(&Command::SystemParameters { pack: None }.request(FIRST))
        .unwrap();
    assert!(SystemParameters::decode(&f).is_ok());

    // A pack the stack does not have: RTN 06 (invalid data), a reply.
    let f = d
        .ask(&Command::Management { pack: 9 }.request(FIRST))
        .unwrap();
    assert_eq!(f.rtn(), Rtn::Data);
    // A command it does not know: RTN 04.
    let other = ydt1363::Request {
        ver: 0x20,
        adr: FIRST,
        cid1: 0x46,
        cid2: 0x4D,
        info: &[],
    };
    assert_eq!(d.ask(&other).unwrap().rtn(), Rtn::Command);
    // An address nobody answers for: silence, then the time-out.
    assert!(matches!(
        d.ask(&Command::Management { pack: 9 }.request(9)),
        Err(transports::Error::Timeout)
    ));
    assert_eq!(d.counters().stray, 0);
}
