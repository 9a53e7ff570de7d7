// Which device models a bus kind can read: the Modbus definitions of protocols/devices on
// Modbus buses, and one model per push or pull protocol. `nabo config check` refuses a model
// nabo does not know, and one on a bus that cannot carry it.
import { ALL_DEFINITIONS } from '../../protocols/devices/index.js';

export type BusKind = 'modbus-rtu' | 'modbus-tcp' | 'han' | 'dsmr-p1' | 'iec62056-21' | 'firmata';

export function modelsForBus(kind: BusKind): string[] {
  switch (kind) {
    case 'modbus-rtu':
    case 'modbus-tcp':
      return ALL_DEFINITIONS.map((d) => d.id);
    case 'han':
      return ['han'];
    case 'dsmr-p1':
      return ['dsmr-p1'];
    case 'iec62056-21':
      return ['iec62056-21'];
    case 'firmata':
      return ['s0', 'relay'];
  }
}

const KINDS: readonly BusKind[] = ['modbus-rtu', 'modbus-tcp', 'han', 'dsmr-p1', 'iec62056-21', 'firmata'];

/** Why `model` cannot be read on a bus of `kind`, or undefined when it can. */
export function modelProblem(model: string, kind: BusKind): string | undefined {
  if (modelsForBus(kind).includes(model)) return undefined;
  const home = KINDS.filter((k) => modelsForBus(k).includes(model));
  if (home.length === 0) {
    const known = [...new Set(KINDS.flatMap((k) => modelsForBus(k)))];
    const close = known.filter((m) => m.startsWith(model.split('-')[0] ?? model));
    return `unknown model '${model}'${close.length > 0 ? `; did you mean ${close.map((m) => `'${m}'`).join(', ')}?` : ''} (docs/devices.md lists every model)`;
  }
  return `model '${model}' is read on a ${home.join(' or ')} bus, not on a ${kind} bus`;
}
