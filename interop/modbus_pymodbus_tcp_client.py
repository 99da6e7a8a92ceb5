"""pymodbus as an RTU-over-TCP master (a serial device server's raw mode)
against our simulated gateway at HOST:PORT; prints JSON."""
import json
import sys

from pymodbus import FramerType
from pymodbus.client import ModbusTcpClient

host, port = sys.argv[1].rsplit(":", 1)
c = ModbusTcpClient(host, port=int(port), framer=FramerType.RTU, timeout=1, retries=0)
assert c.connect()
out = {}
out["write"] = not c.write_registers(0x2000, [5, 2000], device_id=2).isError()
out["unit2"] = c.read_holding_registers(0x2000, count=2, device_id=2).registers
out["state1"] = c.read_input_registers(0x2100, count=1, device_id=1).registers
out["coil"] = not c.write_coil(3, True, device_id=1).isError()
out["coils"] = c.read_coils(0, count=4, device_id=1).bits[:4]
r = c.read_holding_registers(0x3000, count=1, device_id=1)
out["exception"] = r.exception_code if r.isError() else None
c.close()
json.dump(out, sys.stdout)
