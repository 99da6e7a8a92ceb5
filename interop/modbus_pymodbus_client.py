"""pymodbus as the master against our simulated drives on PORT; prints JSON."""
import json
import sys
import time

from pymodbus import FramerType
from pymodbus.client import ModbusSerialClient

c = ModbusSerialClient(sys.argv[1], framer=FramerType.RTU, baudrate=9600, parity="N",
                       timeout=1, retries=0)
assert c.connect()
out = {}
out["state"] = c.read_holding_registers(0x2100, count=5, device_id=1).registers
out["write_set_point"] = not c.write_register(0x2001, 4000, device_id=1).isError()
out["set_point"] = c.read_input_registers(0x2001, count=1, device_id=1).registers
out["write_regs"] = not c.write_registers(0x2000, [5, 3000], device_id=2).isError()
out["unit2"] = c.read_holding_registers(0x2000, count=2, device_id=2).registers
out["write_coils"] = not c.write_coils(0, [True, False, True], device_id=1).isError()
out["coils"] = c.read_coils(0, count=3, device_id=1).bits[:3]
out["write_coil"] = not c.write_coil(1, True, device_id=1).isError()
out["coils_after"] = c.read_coils(0, count=3, device_id=1).bits[:3]
out["inputs"] = c.read_discrete_inputs(0, count=2, device_id=2).bits[:2]
r = c.read_holding_registers(0x3000, count=1, device_id=1)
out["exception_address"] = r.exception_code if r.isError() else None
r = c.write_register(0x2001, 6000, device_id=1)
out["exception_value"] = r.exception_code if r.isError() else None
info = c.read_device_information(device_id=1)
out["device_id"] = {str(k): v.decode() for k, v in info.information.items()}
c.write_register(0x2001, 1234, device_id=0, no_response_expected=True)   # broadcast
time.sleep(0.3)
out["after_broadcast"] = [c.read_holding_registers(0x2001, count=1, device_id=u).registers[0] for u in (1, 2)]
c.close()
json.dump(out, sys.stdout)
