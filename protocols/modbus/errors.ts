// The closed set of reasons a Modbus frame is rejected, and the exception codes a device sends.
import type { Failure } from '../../core/result.js';

export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** Closed set of reasons a Modbus frame is rejected; callers count rejections by kind. */
export type ModbusErrorKind =
  | 'truncated'
  | 'crc'
  | 'length-mismatch'
  | 'unexpected-function'
  | 'illegal-value'
  | 'exception'
  | 'unit-mismatch'
  | 'transaction-mismatch'
  | 'protocol-id'
  | 'response-mismatch'
  | 'lrc'
  | 'not-ascii';

export const MODBUS_ERROR_KINDS: readonly ModbusErrorKind[] = [
  'truncated',
  'crc',
  'length-mismatch',
  'unexpected-function',
  'illegal-value',
  'exception',
  'unit-mismatch',
  'transaction-mismatch',
  'protocol-id',
  'response-mismatch',
  'lrc',
  'not-ascii',
];

/** A rejection; exception answers carry the device's exception code. */
export interface ModbusError extends Failure<ModbusErrorKind> {
  exceptionCode?: number;
}

/** Structurally a `Result<T, ModbusErrorKind>`, with the exception code kept. */
export type ModbusResult<T> = { ok: true; value: T } | { ok: false; error: ModbusError };

export function modbusFail(kind: ModbusErrorKind, detail: string, exceptionCode?: number): { ok: false; error: ModbusError } {
  return exceptionCode === undefined ? { ok: false, error: { kind, detail } } : { ok: false, error: { kind, detail, exceptionCode } };
}

export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? 'unknown exception';
}
