"""Decode captured YD/T 1363 frames with python-pylontech (Frankkkkk's),
as its host methods do, and print what it reads as JSON.

  pylontech_parse.py ROW...

Each ROW is `CID2:HEX`: the frame's bytes in hex (the `~` to the CR),
and, for a reply, the command it answers as two hex digits (`47`); `-`
for a request, whose frame alone is decoded.

For every row, python-pylontech's own frame decoding (its checksum check
and its field split, `_decode_hw_frame` and `_decode_frame`: they have no
public entry point apart from a serial port) gives `frame`, or `error`
when it refuses the bytes. A request it decodes is written again with its
own encoder (`_encode_cmd`) as `reencoded`.

For a reply, each of python-pylontech's host methods whose request
carries that CID2 is called with a stand-in serial port that hands it the
captured frame, so the reply goes through the method's whole path (frame
decoding, the INFO offset it skips, its construct layout): `parsed` maps
the method's name to what it returns, or to `{"error": ...}`. Which
method sends which CID2 is learnt by calling each one and reading the
request it writes, so a command it has no method for gives an empty
`parsed`. Methods that print (get_management_info) print elsewhere.
"""
import contextlib
import io
import json
import sys

from pylontech import Pylontech


class Port:
    """A serial port that records what is written and answers `reply`."""

    def __init__(self, reply=b""):
        self.reply = reply
        self.written = b""

    def write(self, data):
        self.written += data

    def readline(self):
        return self.reply


def host(reply=b""):
    p = Pylontech.__new__(Pylontech)
    p.s = Port(reply)
    return p


# The host methods that read a reply, with the arguments a host gives them
# for the first pack (address 2).
METHODS = [
    ("get_protocol_version", ()),
    ("get_manufacturer_info", ()),
    ("get_system_parameters", (2,)),
    ("get_management_info", (2,)),
    ("get_module_serial_number", (2,)),
    ("get_values", ()),
    ("get_values_single", (2,)),
]


def call(name, args, reply):
    p = host(reply)
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return p, getattr(p, name)(*args), None
        except Exception as e:  # what it refuses, reported as data
            return p, None, f"{type(e).__name__}: {e}"


def sent_cid2(name, args):
    """The CID2 of the request the method writes."""
    p, _, _ = call(name, args, b"")
    return int(p.s.written[7:9], 16)


def plain(value):
    """construct's containers as plain JSON values; bytes as hex."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex().upper()
    return value


sends = {name: sent_cid2(name, args) for name, args in METHODS}
out = {"sends": {name: f"{cid2:02X}" for name, cid2 in sends.items()}, "rows": []}
for arg in sys.argv[1:]:
    command, hexbytes = arg.split(":", 1)
    raw = bytes.fromhex(hexbytes)
    row = {}
    p = host()
    try:
        frame = p._decode_frame(p._decode_hw_frame(raw_frame=raw))
        row["frame"] = plain(frame)
    except Exception as e:
        row["error"] = f"{type(e).__name__}: {e}"
    if command == "-":
        if "frame" in row:
            f = row["frame"]
            again = p._encode_cmd(int(f["adr"], 16), int(f["cid2"], 16),
                                  f["info"].encode())
            row["reencoded"] = again.hex()
    else:
        row["parsed"] = {}
        for name, args in METHODS:
            if sends[name] != int(command, 16):
                continue
            _, value, error = call(name, args, raw)
            row["parsed"][name] = {"error": error} if error else plain(value)
    out["rows"].append(row)
json.dump(out, sys.stdout, default=str)
