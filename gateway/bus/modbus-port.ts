// What a Modbus bus owner needs from its physical link, whatever it is (TCP with MBAP, RTU
// bytes over TCP, RTU on a serial line): one exchange at a time, a link state, and events.
import type { ModbusRequest, ModbusResponse } from '../../protocols/modbus/pdu.js';

export interface ModbusPort {
  readonly id: string;
  readonly connected: boolean;
  /** Opens the link; resolves when it is up, rejects (and keeps retrying in the background) when not. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** One request/answer; rejects with a BusError (timeout via signal, transport, protocol, exception). */
  exchange(unitId: number, request: ModbusRequest, signal: AbortSignal): Promise<ModbusResponse>;
  /** Times the link was lost and came back. */
  readonly reconnects: number;
  /** Minimum silence before each request on this link (RTU: 3.5 characters + configured delay). */
  readonly interFrameMs: number;
}
