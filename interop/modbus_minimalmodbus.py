"""minimalmodbus as the master against our simulated drive on PORT; prints JSON."""
import json
import sys
import time

import minimalmodbus

i = minimalmodbus.Instrument(sys.argv[1], 1)
i.serial.baudrate = 9600
i.serial.timeout = 1
out = {
    "regs": i.read_registers(0x2000, 2),
    "input": i.read_registers(0x2100, 5, functioncode=4),
}
i.write_register(0x2001, 2500, functioncode=6)
i.write_registers(0x2000, [5])
out["after_write"] = i.read_register(0x2001)
out["bits"] = i.read_bits(0, 3, functioncode=2)
i.write_bit(2, 1, functioncode=5)
out["coils"] = i.read_bits(0, 3, functioncode=1)
i.write_bits(4, [1, 0, 1])
out["coils_fc0f"] = i.read_bits(4, 3, functioncode=1)
try:
    i.read_register(0x3000)
    out["exception"] = None
except minimalmodbus.IllegalRequestError as e:
    out["exception"] = str(e)
# Broadcast: minimalmodbus sends to address 0 and reads no reply.
everyone = minimalmodbus.Instrument(sys.argv[1], 0)
everyone.serial = i.serial
everyone.write_register(0x2001, 1111, functioncode=6)
time.sleep(0.2)
out["after_broadcast"] = i.read_register(0x2001)
json.dump(out, sys.stdout)
