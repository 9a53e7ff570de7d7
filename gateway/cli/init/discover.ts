// What `nabo init` can find out by itself: the serial ports present (serialport's list, with
// the USB serial numbers the udev rules key on) and the Modbus devices that answer on an
// RS-485 port or a LAN host (the same scan as `nabo scan`).
import { SerialPort } from 'serialport';
import { fail, ok, type Result } from '../../../core/result.js';
import { rtuLine, tcpLine } from '../../../protocols/modbus/line-time.js';
import { scanBus, type ScanFinding } from '../../acquisition/scan.js';
import type { ModbusPort } from '../../bus/modbus-port.js';
import { ModbusRtuPort } from '../../bus/modbus-rtu-port.js';
import { ModbusTcpPort } from '../../bus/modbus-tcp-port.js';

export interface SerialPortSeen {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export async function listSerialPorts(): Promise<Result<SerialPortSeen[], 'io'>> {
  try {
    const ports = await SerialPort.list();
    return ok(
      ports.map((p) => ({
        path: p.path,
        ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
        ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
        ...(p.vendorId ? { vendorId: p.vendorId } : {}),
        ...(p.productId ? { productId: p.productId } : {}),
      })),
    );
  } catch (err) {
    return fail('io', `cannot list serial ports: ${(err as Error).message}`);
  }
}

export type ModbusTarget = { kind: 'tcp'; host: string; port: number } | { kind: 'rtu'; path: string; baudRate: number; parity: 'none' | 'even' | 'odd' };

export function describeTarget(t: ModbusTarget): string {
  return t.kind === 'tcp' ? `${t.host}:${t.port}` : `${t.path} (${t.baudRate} ${t.parity})`;
}

/** Scans one port or host; a port that cannot be opened is a failure, silence is an empty list. */
export async function scanTarget(target: ModbusTarget, units: readonly number[], timeoutMs: number): Promise<Result<ScanFinding[], 'open'>> {
  const port: ModbusPort = target.kind === 'tcp' ? new ModbusTcpPort({ id: 'scan', host: target.host, port: target.port }) : new ModbusRtuPort({ id: 'scan', path: target.path, baudRate: target.baudRate, parity: target.parity });
  try {
    await port.open();
  } catch (err) {
    await port.close();
    return fail('open', `cannot open ${describeTarget(target)}: ${(err as Error).message}`);
  }
  try {
    return ok(await scanBus({ port, line: target.kind === 'tcp' ? tcpLine(1) : rtuLine(target.baudRate), units, timeoutMs }));
  } finally {
    await port.close();
  }
}

/** SunSpec storage (124) or battery (802, 803) models make a battery; other SunSpec devices are taken as PV. */
export function roleOf(f: ScanFinding, gridMeterTaken: boolean): 'grid-meter' | 'pv' | 'battery' | 'sub-meter' {
  if (f.kind === 'sunspec') return (f.sunspecModels ?? []).some((m) => m === 124 || m === 802 || m === 803) ? 'battery' : 'pv';
  return gridMeterTaken ? 'sub-meter' : 'grid-meter';
}

/** Unit ids from a list like 1-10,20. */
export function parseUnitList(text: string): Result<number[], 'usage'> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return fail('usage', `'${part}' is not a unit id or a range like 1-10`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b > 247 || a > b) return fail('usage', `${part} must lie within 1..247`);
    for (let u = a; u <= b; u++) out.add(u);
  }
  return ok([...out].sort((x, y) => x - y));
}
