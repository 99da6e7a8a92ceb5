"""Decode frames with cantools and the public Pylontech DBC, or encode values.

Reads a JSON request on stdin and prints JSON on stdout:
  {"decode": [{"id": 849, "data": "1402..."}...]}  -> [{signal: value}...]
  {"encode": [{"id": 849, "values": {...}}...]}     -> ["hex data"...]
"""
import json
import sys

import cantools

req = json.load(sys.stdin)
db = cantools.database.load_file(req["dbc"])
if "decode" in req:
    out = [db.decode_message(f["id"], bytes.fromhex(f["data"]), decode_choices=False)
           for f in req["decode"]]
else:
    out = [db.encode_message(f["id"], f["values"]).hex() for f in req["encode"]]
json.dump(out, sys.stdout)
