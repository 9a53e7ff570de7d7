// The questions of `nabo init`, in a fixed order so a script can answer them line by line:
// what a flag already says is not asked; without a prompter (--non-interactive) a missing
// value takes its default or is a usage error.
import { hostname } from 'node:os';
import type { ScanFinding } from '../../acquisition/scan.js';
import { UsageError } from '../output.js';
import { Hardware, type InitAnswers } from './config-document.js';
import { describeTarget, parseUnitList, roleOf, scanTarget, type ModbusTarget, type SerialPortSeen } from './discover.js';
import { answers, type LinePrompter, type Question } from './prompter.js';

export interface InitFlags {
  gatewayId?: string;
  name?: string;
  latitude?: string;
  longitude?: string;
  timeZone?: string;
  dataDir?: string;
  rs485?: string[];
  han?: string[];
  p1?: string[];
  modbusHost?: string[];
  units?: string;
  scanTimeout: string;
  broker?: string;
  caFile?: string;
  blockId?: string;
  roster?: string;
}

const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

type Parse<T> = Question<T>['parse'];

/** Progress and notes for people, on stderr. */
export type Note = (line: string) => void;

export class Gatherer {
  constructor(
    private readonly flags: InitFlags,
    private readonly prompter: LinePrompter | undefined,
    private readonly note: Note,
  ) {}

  /** A flag's value, else the answer to the question, else the default. */
  private async value<T>(flag: string | undefined, flagName: string, q: Question<T>): Promise<T> {
    if (flag !== undefined) {
      const r = q.parse(flag);
      if (!r.ok) throw new UsageError(`--${flagName}: ${r.message}`);
      return r.value;
    }
    if (this.prompter) return this.prompter.ask(q);
    if (q.defaultAnswer !== undefined) {
      const r = q.parse(q.defaultAnswer);
      if (r.ok) return r.value;
    }
    throw new UsageError(`--${flagName} is required with --non-interactive`);
  }

  async answers(): Promise<InitAnswers> {
    const idParse: Parse<string> = (a) => (ID.test(a) ? { ok: true, value: a } : { ok: false, message: 'must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit' });
    const host = hostname().toLowerCase().replace(/[^a-z0-9_-]/g, '-');
    const gatewayId = await this.value(this.flags.gatewayId, 'gateway-id', { text: 'Gateway id (also its MQTT user name)', ...(this.prompter && ID.test(host) ? { defaultAnswer: host } : {}), parse: idParse });
    const name = await this.value(this.flags.name, 'name', { text: 'Building name (optional)', defaultAnswer: '', parse: answers.text });
    const latitude = await this.value(this.flags.latitude, 'latitude', { text: 'Site latitude (degrees north, e.g. 63.43)', parse: answers.number(-90, 90) });
    const longitude = await this.value(this.flags.longitude, 'longitude', { text: 'Site longitude (degrees east, e.g. 10.40)', parse: answers.number(-180, 180) });
    const timeZone = await this.value(this.flags.timeZone, 'time-zone', {
      text: 'Time zone',
      defaultAnswer: Intl.DateTimeFormat().resolvedOptions().timeZone,
      parse: (a) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: a });
          return { ok: true, value: a };
        } catch {
          return { ok: false, message: 'must be an IANA time zone such as Europe/Oslo' };
        }
      },
    });
    const dataDir = await this.value(this.flags.dataDir, 'data-dir', { text: 'Data directory (store and identity key)', defaultAnswer: '/var/lib/nabo', parse: (a) => (a.startsWith('/') ? { ok: true, value: a } : { ok: false, message: 'must be an absolute path' }) });
    return { gatewayId, ...(name ? { name } : {}), latitude, longitude, timeZone, dataDir };
  }

  /** Market specifics: the block broker (mqtt), the block id and the roster file. */
  async market(a: InitAnswers): Promise<InitAnswers> {
    const urlParse: Parse<string> = (x) => (x === '' || /^(mqtts?|wss?|tcp):\/\/.+/.test(x) ? { ok: true, value: x } : { ok: false, message: 'must be an MQTT URL such as mqtts://broker.block.local:8883' });
    const brokerUrl = await this.value(this.flags.broker, 'broker', { text: 'Block broker URL (empty: no market yet)', defaultAnswer: '', parse: urlParse });
    if (!brokerUrl) return a;
    const optional = { defaultAnswer: '', parse: answers.text };
    const caFile = await this.value(this.flags.caFile, 'ca-file', { text: 'CA certificate of the broker (empty: system CAs)', ...optional });
    const blockId = await this.value(this.flags.blockId, 'block-id', { text: 'Block (market) id (empty: not yet)', defaultAnswer: '', parse: (x) => (x === '' || ID.test(x) ? { ok: true, value: x } : { ok: false, message: 'must be an id of a-z, 0-9, _ and -' }) });
    const rosterFile = await this.value(this.flags.roster, 'roster', { text: 'Roster file from the operator (empty: not yet)', ...optional });
    return { ...a, brokerUrl, ...(caFile ? { caFile } : {}), ...(blockId ? { blockId } : {}), ...(rosterFile ? { rosterFile } : {}) };
  }

  async hardware(seen: readonly SerialPortSeen[]): Promise<Hardware> {
    const hw = new Hardware();
    const found = seen.length > 0 ? `found: ${seen.map((p) => p.path + (p.serialNumber ? ` (${p.serialNumber})` : '')).join(', ')}` : 'none found';
    const list = (x: string): { ok: true; value: string[] } => ({ ok: true, value: x.split(/[\s,]+/).filter((s) => s !== '') });
    const timeoutMs = Number(this.flags.scanTimeout);
    if (!(timeoutMs > 0)) throw new UsageError('--scan-timeout must be a positive number of ms');

    const han = await this.value(this.flags.han?.join(' '), 'han', { text: `HAN port of the AMS meter (M-Bus adapter) (${found}; empty for none)`, defaultAnswer: '', parse: list });
    // The utility's meter (HAN, P1) is the grid meter; Modbus meters found later are sub-meters.
    for (const path of han) hw.addDevice(hw.hasGridMeter() ? 'han-meter' : 'grid-meter', { bus: hw.addBus('han', { kind: 'han', path }), model: 'han', role: hw.hasGridMeter() ? 'sub-meter' : 'grid-meter' });
    const p1 = await this.value(this.flags.p1?.join(' '), 'p1', { text: `P1 port of a DSMR meter (${found}; empty for none)`, defaultAnswer: '', parse: list });
    for (const path of p1) hw.addDevice(hw.hasGridMeter() ? 'p1-meter' : 'grid-meter', { bus: hw.addBus('p1', { kind: 'dsmr-p1', path }), model: 'dsmr-p1', role: hw.hasGridMeter() ? 'sub-meter' : 'grid-meter' });
    const rs485 = await this.value(this.flags.rs485?.join(' '), 'rs485', { text: `RS-485 adapter ports, path[:baud[:parity]] (${found}; empty for none)`, defaultAnswer: '', parse: list });
    for (const spec of rs485) {
      const [path = '', baud = '9600', parity = 'none'] = spec.split(':');
      if (!['none', 'even', 'odd'].includes(parity) || !(Number(baud) > 0)) throw new UsageError(`RS-485 port '${spec}': give path[:baud[:none|even|odd]]`);
      const target: ModbusTarget = { kind: 'rtu', path, baudRate: Number(baud), parity: parity as 'none' | 'even' | 'odd' };
      const busId = hw.addBus('rs485', { kind: 'modbus-rtu', path, baudRate: Number(baud), parity });
      await this.scanInto(hw, busId, target, await this.scanUnits(), timeoutMs);
    }
    const hosts = await this.value(this.flags.modbusHost?.join(' '), 'modbus-host', { text: 'Modbus TCP hosts to scan, host[:port] (empty for none)', defaultAnswer: '', parse: list });
    for (const spec of hosts) {
      const m = /^(.+?)(?::(\d+))?$/.exec(spec);
      const host = m?.[1] ?? spec;
      const port = Number(m?.[2] ?? 502);
      if (!(port >= 1 && port <= 65535)) throw new UsageError(`Modbus TCP host '${spec}': port must be 1..65535`);
      const busId = hw.addBus('lan', { kind: 'modbus-tcp', host, port });
      await this.scanInto(hw, busId, { kind: 'tcp', host, port }, await this.scanUnits(), timeoutMs);
    }
    // A bus where nothing was kept is left out: the config lists only what is read.
    const used = new Set(hw.devices.map((d) => d.bus));
    const keep = hw.buses.filter((b) => used.has(b.id));
    hw.buses.splice(0, hw.buses.length, ...keep);
    return hw;
  }

  private units: number[] | undefined;

  /** Asked once, when the first bus is to be scanned. */
  private async scanUnits(): Promise<number[]> {
    this.units ??= await this.value(this.flags.units, 'units', {
      text: 'Modbus unit ids to scan',
      defaultAnswer: '1-10',
      parse: (x) => {
        const r = parseUnitList(x);
        return r.ok ? r : { ok: false, message: r.error.detail };
      },
    });
    return this.units;
  }

  private async scanInto(hw: Hardware, busId: string, target: ModbusTarget, units: readonly number[], timeoutMs: number): Promise<void> {
    this.note(`scanning ${describeTarget(target)}, unit ids ${units[0]}..${units[units.length - 1]}…`);
    const r = await scanTarget(target, units, timeoutMs);
    if (!r.ok) {
      this.note(`  ${r.error.detail}; nothing added from it`);
      return;
    }
    if (r.value.length === 0) this.note('  nothing answered');
    for (const f of r.value) this.note(`  unit ${f.unitId}: ${f.description}`);
    const accept = async (f: ScanFinding): Promise<boolean> => {
      if (!this.prompter) return true;
      return this.prompter.ask({ text: `Add unit ${f.unitId} (${f.description}) as ${roleOf(f, hw.hasGridMeter())}? (y/n)`, defaultAnswer: 'y', parse: answers.yesNo });
    };
    const chosen: ScanFinding[] = [];
    for (const f of r.value) if (f.model && (await accept(f))) chosen.push(f);
    hw.addFindings(busId, chosen);
  }
}
