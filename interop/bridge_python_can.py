"""Be the inverter on an SLCAN link: python-can's slcan interface on PORT.

  bridge_python_can.py PORT DBC SECONDS

For SECONDS, receives every frame, and sends the inverter's keep-alive
(0x305, eight zero bytes) once a second. Prints JSON: the frames, each with
its arrival time (seconds from the start), its data, and its signals as
cantools decodes them with the DBC (null for an ID the DBC lacks); and how
many keep-alives were sent.
"""
import json
import sys
import time

import can
import cantools

port, dbc, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
db = cantools.database.load_file(dbc)
ids = {m.frame_id for m in db.messages}
bus = can.Bus(interface="slcan", channel=port, bitrate=500000)
frames, sent = [], 0
try:
    start = time.time()
    next_keep_alive = start
    while time.time() - start < seconds:
        if time.time() >= next_keep_alive:
            bus.send(can.Message(arbitration_id=0x305, is_extended_id=False, data=bytes(8)))
            sent += 1
            next_keep_alive += 1.0
        msg = bus.recv(timeout=0.05)
        if msg is None:
            continue
        signals = None
        if msg.arbitration_id in ids:
            signals = db.decode_message(msg.arbitration_id, bytes(msg.data),
                                        decode_choices=False)
        frames.append({"t": time.time() - start, "id": msg.arbitration_id,
                       "extended": msg.is_extended_id, "data": bytes(msg.data).hex(),
                       "signals": signals})
finally:
    bus.shutdown()
json.dump({"frames": frames, "keep_alives_sent": sent}, sys.stdout)
