"""Read a Pylontech stack on PORT with python-pylontech (Frankkkkk's), as
a host would, and print what it decodes as JSON.

  pylontech_python_pylontech.py PORT PACKS

python-pylontech reads a reply with pyserial's readline(), which waits
for a newline the protocol never sends (frames end with CR): each read
ends at its 2 s timeout. Its get_management_info() prints to stdout;
that is kept off ours.
"""
import contextlib
import io
import json
import sys

from pylontech import Pylontech

port, packs = sys.argv[1], int(sys.argv[2])
p = Pylontech(serial_port=port, baudrate=9600)


def plain(value):
    """construct's containers as plain JSON values."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return value


out = {}
out["values"] = plain(p.get_values())
out["values_single"] = {str(adr): plain(p.get_values_single(adr))
                        for adr in range(2, 2 + packs)}
out["system_parameters"] = plain(p.get_system_parameters(2))
with contextlib.redirect_stdout(io.StringIO()):
    out["management"] = plain(p.get_management_info(2))
out["serial"] = plain(p.get_module_serial_number(2))
# The request LENGTH it computes: the LCHKSUM nibble for INFO lengths
# whose nibble sum is a multiple of 16 (0x088 characters: 8+8=16).
out["length_field"] = {str(n): Pylontech.get_info_length(b"0" * n) for n in (2, 0x12, 0x88, 0xF1)}
json.dump(out, sys.stdout, default=str)
