// Small constructors that keep the device tables readable: one line per register.
import type { Quantity } from '../../core/quantities.js';
import type { PollGroup, RegisterDef, RegisterType } from '../modbus/registers.js';

/** Eastron style: float32, big-endian, high word first, function 4. */
export function input(name: string, address: number, unit: string, poll: PollGroup, description: string, quantity?: Quantity): RegisterDef {
  return { name, address, functionCode: 4, type: 'float32', unit, poll, description, ...(quantity ? { quantity } : {}) };
}

/** Eastron style float32 holding register (settings). */
export function holdingFloat(name: string, address: number, unit: string, description: string): RegisterDef {
  return { name, address, functionCode: 3, type: 'float32', unit, poll: 'identity', description };
}

export interface IntOptions {
  functionCode?: 3 | 4;
  wordOrder?: 'high-first' | 'low-first';
  divisor?: number;
  notImplemented?: readonly number[];
}

/** Scaled integer register (Carlo Gavazzi, ABB). */
export function scaled(
  name: string,
  address: number,
  type: RegisterType,
  unit: string,
  poll: PollGroup,
  description: string,
  quantity: Quantity | undefined,
  options: IntOptions,
): RegisterDef {
  return {
    name,
    address,
    functionCode: options.functionCode ?? 4,
    type,
    unit,
    poll,
    description,
    ...(options.wordOrder ? { wordOrder: options.wordOrder } : {}),
    ...(options.divisor ? { divisor: options.divisor } : {}),
    ...(options.notImplemented ? { notImplemented: options.notImplemented } : {}),
    ...(quantity ? { quantity } : {}),
  };
}
