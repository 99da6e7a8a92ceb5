"""Prints `benches/report`'s markdown table from criterion's JSON output
and the Python peers' timings.

  table.py CRITERION_DIR PEERS_JSON

Criterion writes, per benchmark, `<dir>/<group>/<function>/new/`
`benchmark.json` (its ids and throughput) and `estimates.json` (the
figures); the median per iteration is used (robust to the machine's other
work). In a group, the function `floor` is the floor, `vs <peer>` a peer
crate, any other ours. A group named `... [N frames]` handles N frames an
iteration: ns/frame is the iteration's time over N.

Ratios are of times on the same bytes: `x floor` is ours over the floor
(lower is better, 1.0 is the floor itself), `ours/peer` ours over the
peer's (below 1.0: ours is faster). MB/s is 10^6 bytes per second.
"""
import json
import pathlib
import re
import sys

# Where the goals of issue 11 apply (group prefix or exact group, the
# function, the bound over the floor).
TIGHT = {
    ("modbus/fc03 read registers: decode response, 125 registers", "ours"): 1.3,
    ("axpert/qpigs reply", "framer+decode"): 2.0,
}
DEFAULT_BOUND = 3.0
# Functions that decode or frame (the 3x goal); encoders (groups named
# "... encode ...") and baselines have no bound over the floor.
DECODING = {"ours", "framer", "decode", "framer+decode", "framer+decode+bms-can", "points only"}

# Python peers: (group, function) -> (peer, key in peers.json).
PY_PEERS = {
    ("axpert/qpigs reply", "framer+decode"): ("mppsolar", "qpigs"),
    ("axpert/qpiri reply", "framer+decode"): ("mppsolar", "qpiri"),
    ("axpert/qpgs0 reply", "framer+decode"): ("mppsolar", "qpgs0"),
    ("axpert/qpiws reply", "framer+decode"): ("mppsolar", "qpiws"),
    ("axpert/qmod reply", "framer+decode"): ("mppsolar", "qmod"),
    ("pylontech/0x42 analog reply, one pack (UP2500)", "framer+decode"): (
        "python-pylontech",
        "one pack",
    ),
    ("pylontech/0x42 analog reply, all packs (US2000 x3)", "framer+decode"): (
        "python-pylontech",
        "all packs",
    ),
}

SECTIONS = ["crc/", "modbus/", "axpert/", "enc/", "ydt1363/", "pylontech/", "bms-can/", "slcan/", "points/"]
FUNCTION_ORDER = [
    "ours",
    "framer",
    "decode",
    "points only",
    "framer+decode",
    "framer+decode+bms-can",
    "encode",
    "naive split+parse f32",
]


def load(root):
    groups = {}
    order = []
    for bench in sorted(pathlib.Path(root).glob("**/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        g = meta["group_id"]
        if g not in groups:
            groups[g] = {"bytes": (meta.get("throughput") or {}).get("Bytes"), "f": {}}
            order.append(g)
        groups[g]["f"][meta["function_id"]] = est["median"]["point_estimate"]
    return groups


def section(g):
    for i, s in enumerate(SECTIONS):
        if g.startswith(s):
            return i
    return len(SECTIONS)


def fnum(x, digits=3):
    if x is None:
        return ""
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def ratio(x):
    return f"{x:.2f}"


def main():
    groups = load(sys.argv[1])
    peers = json.loads(pathlib.Path(sys.argv[2]).read_text()) if len(sys.argv) > 2 else {}
    lines = [
        "| case | bytes | floor ns | ns/frame | MB/s | x floor | goal | peers ns/frame | ours/peer |",
        "| --- | --: | --: | --: | --: | --: | --- | --: | --: |",
    ]
    verdicts = []
    for g in sorted(groups, key=lambda g: (section(g), g)):
        data = groups[g]
        m = re.search(r"\[(\d+) frames\]", g)
        per = int(m.group(1)) if m else 1
        nbytes = data["bytes"]
        f = data["f"]
        floor = f.get("floor")
        peer_fns = {k[3:]: v for k, v in f.items() if k.startswith("vs ")}
        ours = [k for k in f if k != "floor" and not k.startswith("vs ")]
        ours.sort(key=lambda k: FUNCTION_ORDER.index(k) if k in FUNCTION_ORDER else 99)
        if g.startswith("crc/"):
            base = f.get("Table<1>, 512 B table")
            for k in sorted(f, key=lambda k: ("NoTable" not in k, "<16>" in k)):
                t = f[k]
                bpns = nbytes / t
                lines.append(
                    f"| {g[4:]}: {k} | {nbytes} | | {fnum(t)} | {fnum(bpns * 1000)} "
                    f"| | {bpns:.2f} B/ns, {ratio(t / base)}x Table<1> | | |"
                )
            continue
        bytes_cell = f"{nbytes} ({per} frames)" if per > 1 else f"{nbytes}"
        for k in ours:
            t = f[k]
            cells_peer, cells_ratio = [], []
            peer_ratios = []
            if k in ("ours", "framer+decode") and peer_fns and (k == "ours" or "ours" not in f):
                for p, pt in sorted(peer_fns.items()):
                    cells_peer.append(f"{p} {fnum(pt / per)}")
                    cells_ratio.append(ratio(t / pt))
                    peer_ratios.append((p, t / pt))
            py = PY_PEERS.get((g, k))
            if py and py[1] in peers.get(py[0], {}):
                pt = peers[py[0]][py[1]]
                cells_peer.append(f"{py[0]} (Python) {fnum(pt / per)}")
                cells_ratio.append(f"{t / pt:.5f}")
            goal = []
            x = t / floor if floor else None
            if floor and k in DECODING and "encode" not in g:
                bound = TIGHT.get((g, k), DEFAULT_BOUND)
                ok = x <= bound
                goal.append(f"<={bound:g}x {'yes' if ok else 'NO'}")
                verdicts.append((g, k, bound, x, ok))
            if peer_ratios:
                ok = all(r < 1.0 for _, r in peer_ratios)
                goal.append(f"faster than peers {'yes' if ok else 'NO'}")
                verdicts.append((g, k, "peers", max(r for _, r in peer_ratios), ok))
            name = g.split("/", 1)[1]
            name = re.sub(r" \[\d+ frames\]", "", name).replace("|", "\\|")
            section_name = g.split("/", 1)[0]
            lines.append(
                f"| {section_name}: {name}: {k} | {bytes_cell} | {fnum(floor / per) if floor else ''} "
                f"| {fnum(t / per)} | {fnum(nbytes / t * 1000)} | {ratio(x) if x else ''} "
                f"| {'; '.join(goal)} | {'<br>'.join(cells_peer)} | {'<br>'.join(cells_ratio)} |"
            )
    print("\n".join(lines))
    missed = [v for v in verdicts if not v[4]]
    print()
    print(f"Goals: {len(verdicts) - len(missed)} of {len(verdicts)} hold.", end="")
    if missed:
        print(" Missed:")
        for g, k, bound, x, _ in missed:
            what = f"{x:.2f}x floor, goal {bound:g}x" if bound != "peers" else f"slowest ours/peer {x:.2f}"
            print(f"- {g}: {k} ({what})")
    else:
        print()


if __name__ == "__main__":
    main()
