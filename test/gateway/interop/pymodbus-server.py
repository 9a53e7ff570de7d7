#!/usr/bin/python3
"""An independent Modbus server for interop tests: Debian's python3-pymodbus serving a register
image given as JSON ({"units": {"1": {"input": [...], "holding": [...]}}}), over TCP or RTU.
Prints 'ready' on stdout once it serves."""
import json
import sys
import threading
import time

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext


def main():
    spec = json.load(open(sys.argv[1]))
    slaves = {}
    for unit, tables in spec["units"].items():
        slaves[int(unit)] = ModbusSlaveContext(
            di=ModbusSequentialDataBlock(0, [0] * 8),
            co=ModbusSequentialDataBlock(0, [0] * 8),
            hr=ModbusSequentialDataBlock(0, tables.get("holding", [0])),
            ir=ModbusSequentialDataBlock(0, tables.get("input", [0])),
            zero_mode=True,
        )
    context = ModbusServerContext(slaves=slaves, single=False)

    def announce():
        time.sleep(0.5)
        print("ready", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    if spec["transport"] == "tcp":
        from pymodbus.server import StartTcpServer

        StartTcpServer(context=context, address=("127.0.0.1", int(spec["port"])))
    else:
        from pymodbus.server import StartSerialServer
        from pymodbus.transaction import ModbusRtuFramer

        StartSerialServer(context=context, framer=ModbusRtuFramer, port=spec["path"], baudrate=int(spec.get("baudRate", 9600)), timeout=0.05)


if __name__ == "__main__":
    main()
