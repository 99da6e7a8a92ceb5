"""Talk to an SLCAN device on PORT with python-can's own slcan interface.

  receive PORT SECONDS   print the frames received, as JSON
  send PORT              send the frames given as JSON on stdin
"""
import json
import sys
import time

import can

mode, port = sys.argv[1], sys.argv[2]
bus = can.Bus(interface="slcan", channel=port, bitrate=500000)
try:
    if mode == "receive":
        end = time.time() + float(sys.argv[3])
        frames = []
        while time.time() < end:
            msg = bus.recv(timeout=0.2)
            if msg is not None:
                frames.append({"id": msg.arbitration_id, "extended": msg.is_extended_id,
                               "data": msg.data.hex()})
        json.dump(frames, sys.stdout)
    else:
        for f in json.load(sys.stdin):
            bus.send(can.Message(arbitration_id=f["id"], is_extended_id=False,
                                 data=bytes.fromhex(f["data"])))
            time.sleep(0.02)
        time.sleep(0.2)
        print("sent")
finally:
    bus.shutdown()
