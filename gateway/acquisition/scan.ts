// Finding Modbus devices for `nabo scan`: for each unit id, look for a SunSpec chain, then for
// a known meter by its identification registers; a unit that answers but matches nothing is
// reported as unknown. Dead unit ids cost one short timeout each.
import { DEVICE_DEFINITIONS } from '../../protocols/devices/index.js';
import type { ReadBlock } from '../../protocols/modbus/device-decode.js';
import { recognise, signatureReads } from '../../protocols/modbus/identify.js';
import type { LineModel } from '../../protocols/modbus/line-time.js';
import type { ModbusPort } from '../bus/modbus-port.js';
import { BusError, RequestQueue } from '../bus/request-queue.js';
import { SunSpecDevice } from './sunspec-device.js';

export interface ScanFinding {
  unitId: number;
  kind: 'sunspec' | 'meter' | 'unknown';
  /** Config model id (`sunspec`, `eastron-sdm630`, …), when recognised. */
  model?: string;
  description: string;
  sunspecModels?: number[];
  identity?: Record<string, unknown>;
}

/**
 * Exceptions a Modbus gateway (TCP to RS-485) answers for a unit id behind it: 0x0A "gateway
 * path unavailable", 0x0B "gateway target device failed to respond". The gateway answered, but
 * no device did: nothing lives at that unit id.
 */
const GATEWAY_EXCEPTIONS: ReadonlySet<number> = new Set([0x0a, 0x0b]);

function gatewayException(err: BusError): boolean {
  const code = /exception (\d+)/.exec(err.message)?.[1];
  return err.kind === 'exception' && code !== undefined && GATEWAY_EXCEPTIONS.has(Number(code));
}

export interface ScanOptions {
  port: ModbusPort;
  line: LineModel;
  units: readonly number[];
  timeoutMs: number;
  onProgress?(unitId: number): void;
}

export async function scanBus(options: ScanOptions): Promise<ScanFinding[]> {
  const findings: ScanFinding[] = [];
  for (const unitId of options.units) {
    options.onProgress?.(unitId);
    // A fresh queue per unit: the scan must not rest a unit id because its neighbour was silent.
    const queue = new RequestQueue({ failuresBeforeRest: 1000 });
    let answered = false;
    const read = async (functionCode: 3 | 4, address: number, quantity: number): Promise<Uint16Array | undefined> => {
      try {
        const r = await queue.enqueue({ deviceId: `unit-${unitId}`, priority: 'fast', timeoutMs: options.timeoutMs, run: (signal) => options.port.exchange(unitId, { kind: 'read', functionCode, address, quantity }, signal) });
        answered = true;
        return r.kind === 'read' ? r.registers : undefined;
      } catch (err) {
        if (err instanceof BusError && (err.kind === 'exception' || err.kind === 'protocol') && !gatewayException(err)) answered = true;
        return undefined;
      }
    };
    // Silence at the first probe: nothing lives at this unit id.
    const probe = await read(3, 40000, 2);
    if (!answered) {
      const probe2 = await read(4, 0, 2);
      if (!answered && probe2 === undefined) continue;
    }
    if (probe && probe[0] === 0x5375 && probe[1] === 0x6e53) {
      const sunspec = new SunSpecDevice({ deviceId: `unit-${unitId}`, busId: options.port.id, unitId, port: options.port, queue, line: options.line, timeoutMs: options.timeoutMs * 2 });
      try {
        const chain = await sunspec.discover('fast');
        const first = await sunspec.read('slow', 'fast');
        findings.push({ unitId, kind: 'sunspec', model: 'sunspec', description: `SunSpec ${first.model ?? 'device'} (models ${chain.map((m) => m.id).join(', ')})`, sunspecModels: chain.map((m) => m.id), identity: { serial: first.meterId } });
        continue;
      } catch (err) {
        findings.push({ unitId, kind: 'unknown', description: `SunSpec marker found but the chain could not be read: ${(err as Error).message}` });
        continue;
      }
    }
    const blocks: ReadBlock[] = [];
    const tried = new Set<string>();
    for (const def of DEVICE_DEFINITIONS) {
      for (const r of signatureReads(def, options.line)) {
        const key = `${r.functionCode}:${r.address}:${r.quantity}`;
        if (tried.has(key)) continue;
        tried.add(key);
        const words = await read(r.functionCode, r.address, r.quantity);
        if (words) blocks.push({ functionCode: r.functionCode, address: r.address, registers: words });
      }
    }
    const matches = recognise(DEVICE_DEFINITIONS, blocks);
    const match = matches[0];
    if (match) findings.push({ unitId, kind: 'meter', model: match.id, description: `${match.manufacturer} ${match.model}` });
    else if (answered) findings.push({ unitId, kind: 'unknown', description: 'answers Modbus but matches no known signature; try `nabo read` with a candidate model' });
  }
  return findings;
}

/** The bus a scan ran on, as the config's `buses:` entry defines it. */
export type ScannedBus =
  | { id: string; kind: 'modbus-tcp'; host: string; port: number }
  | { id: string; kind: 'modbus-rtu'; path: string; baudRate: number; parity: 'none' | 'even' | 'odd' };

/**
 * A config snippet (YAML) for what the scan found. Given the bus itself (not only its id), the
 * snippet defines it too, so it pastes into a config as a whole.
 */
export function configSnippet(bus: string | ScannedBus, findings: readonly ScanFinding[]): string {
  const busId = typeof bus === 'string' ? bus : bus.id;
  const lines: string[] = [];
  if (typeof bus !== 'string') {
    lines.push('buses:', `  - id: ${bus.id}`, `    kind: ${bus.kind}`);
    if (bus.kind === 'modbus-tcp') lines.push(`    host: ${bus.host}`, `    port: ${bus.port}`);
    else lines.push(`    path: ${bus.path}`, `    baudRate: ${bus.baudRate}`, `    parity: ${bus.parity}`);
  }
  lines.push('devices:');
  const before = lines.length;
  for (const f of findings) {
    if (!f.model) {
      lines.push(`  # unit ${f.unitId}: ${f.description}`);
      continue;
    }
    lines.push(`  - id: ${f.model === 'sunspec' ? 'sunspec' : f.model.split('-').slice(1).join('-') || f.model}-${f.unitId}`, `    bus: ${busId}`, `    model: ${f.model}`, `    unitId: ${f.unitId}`, `    # ${f.description}`);
  }
  // YAML reads a bare `devices:` as null; an empty list says what was meant.
  if (!lines.slice(before).some((l) => l.startsWith('  - '))) lines[before - 1] = 'devices: []';
  return `${lines.join('\n')}\n`;
}
