"""pymodbus as the server on PORT, or with RTU framing on TCP port N when
given tcp:N: units 1 and 17 (docs/protocols/modbus.md §6.2): holding register n holds n,
input registers 0x1234, discrete inputs alternate."""
import logging
import sys
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.WARNING)

from pymodbus import FramerType
from pymodbus.datastore import ModbusDeviceContext, ModbusServerContext
from pymodbus.datastore import ModbusSequentialDataBlock as Block
from pymodbus.pdu.device import ModbusDeviceIdentification
from pymodbus.server import StartSerialServer, StartTcpServer


def device():
    return ModbusDeviceContext(co=Block(1, [False] * 2000), di=Block(1, [True, False] * 1000),
                               hr=Block(1, list(range(1000))), ir=Block(1, [0x1234] * 1000))


ctx = ModbusServerContext(devices={1: device(), 17: device()}, single=False)
identity = ModbusDeviceIdentification(info_name={"VendorName": "Pymodbus", "ProductCode": "PM",
                                                 "MajorMinorRevision": "3.16.1"})
if sys.argv[1].startswith("tcp:"):
    StartTcpServer(context=ctx, identity=identity, framer=FramerType.RTU,
                   address=("127.0.0.1", int(sys.argv[1][4:])), broadcast_enable=True)
    sys.exit(0)
StartSerialServer(context=ctx, identity=identity, framer=FramerType.RTU, port=sys.argv[1], baudrate=9600,
                  parity="N", broadcast_enable=True)
