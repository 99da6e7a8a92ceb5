"""The Python peers, timed on the same frames as the Rust benchmarks, for
`benches/report`: prints one JSON object, nanoseconds per frame.

- mppsolar (`pi30` protocol, `decode(frame, command)`: CRC check, split,
  every field converted) on the Axpert replies of
  `testdata/captures/axpert.jsonl` that `benches/src/lib.rs` names
  (`AXPERT_ROWS`: the same lines, checked here by command);
- python-pylontech on the real 0x42 replies in `benches/src/lib.rs`
  (`PYLON_42_*`), the way its `get_values_single` / `get_values` read a
  reply: `_decode_hw_frame` (checksum), `_decode_frame` (fields, INFO from
  hex) and the construct layout of the analog values.

Timing is `timeit`: the loop count is raised until a run takes 0.2 s,
then the best of 5 runs is kept (the usual `timeit` practice: the other
runs are slower only because of other work on the machine).

  peers.py [--quick]
"""
import json
import logging
import pathlib
import re
import sys
import timeit
from importlib.metadata import version

logging.disable(logging.CRITICAL)

from mppsolar.protocols.pi30 import pi30  # noqa: E402
from pylontech import Pylontech  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIB = (ROOT / "benches" / "src" / "lib.rs").read_text()


def axpert_rows():
    """(name, line, command) from AXPERT_ROWS in lib.rs."""
    block = LIB.split("pub const AXPERT_ROWS")[1].split("];")[0]
    return re.findall(r'\("(\w+)", (\d+), "(\w+)"\)', block)


def rust_bytes(name):
    """A `b"..."` constant of lib.rs, as bytes."""
    m = re.search(r"pub const %s: &\[u8\] = b\"([^\"]*)\";" % name, LIB)
    text = m.group(1)
    return text.encode().decode("unicode_escape").encode("latin-1")


def per_frame_ns(fn, quick):
    target = 0.05 if quick else 0.2
    t = timeit.Timer(fn)
    n = 1
    while True:
        took = t.timeit(n)
        if took >= target:
            break
        n *= 2 if took * 4 > target else 10
    runs = [took] + t.repeat(repeat=2 if quick else 4, number=n)
    return min(runs) / n * 1e9


def main():
    quick = "--quick" in sys.argv
    out = {
        "versions": {
            "python": sys.version.split()[0],
            "mppsolar": version("mppsolar"),
            "python-pylontech": version("python-pylontech"),
        },
        "mppsolar": {},
        "python-pylontech": {},
    }

    rows = (ROOT / "testdata" / "captures" / "axpert.jsonl").read_text().splitlines()
    proto = pi30()
    for name, line, command in axpert_rows():
        row = json.loads(rows[int(line) - 1])
        assert row["command"] == command, (name, line)
        frame = bytes.fromhex(row["response_hex"])
        decoded = proto.decode(frame, command)
        assert "validity check" not in decoded, (name, decoded)
        out["mppsolar"][name] = per_frame_ns(lambda: proto.decode(frame, command), quick)

    host = Pylontech.__new__(Pylontech)

    def one_pack(raw):
        f = host._decode_frame(host._decode_hw_frame(raw))
        return Pylontech.get_values_single_fmt.parse(f.info[1:])

    def all_packs(raw):
        f = host._decode_frame(host._decode_hw_frame(raw))
        return Pylontech.get_values_fmt.parse(f.info[1:])

    up2500 = rust_bytes("PYLON_42_UP2500")
    us2000 = rust_bytes("PYLON_42_US2000X3")
    assert one_pack(up2500).NumberOfCells == 8
    assert all_packs(us2000).NumberOfModules == 3
    out["python-pylontech"]["one pack"] = per_frame_ns(lambda: one_pack(up2500), quick)
    out["python-pylontech"]["all packs"] = per_frame_ns(lambda: all_packs(us2000), quick)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
