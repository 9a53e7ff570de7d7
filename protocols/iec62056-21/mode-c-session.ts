// A full IEC 62056-21 readout as a pure state machine: the transport feeds it bytes and
// timeouts and carries out the actions it returns (send, change baud rate, wait, finish).
// Mode C: request at 300 baud → identification → ACK 0 Z 0 → switch to Z → data → BCC.
// Mode B switches baud without the ACK; mode A stays at 300 baud.
import type { Failure } from '../../core/result.js';
import { baudCharOf, baudOf, decodeIdentification, encodeAckOptionSelect, encodeSignOnRequest, EOT, ETX, type IecIdentification } from './messages.js';
import { decodeIecReadout, type IecErrorKind, type IecReadout } from './readout.js';

export type IecSessionErrorKind = 'timeout' | 'too-long' | IecErrorKind;

export type IecSessionAction =
  | { kind: 'send'; bytes: Uint8Array }
  /** Switch the port's baud rate, after everything sent so far has left the wire. */
  | { kind: 'set-baud'; baud: number }
  /** Call timeout() if no byte arrives within this time. */
  | { kind: 'await'; timeoutMs: number }
  | { kind: 'done'; readout: IecReadout }
  | { kind: 'failed'; error: Failure<IecSessionErrorKind> };

export type IecSessionState = 'idle' | 'identification' | 'data' | 'done' | 'failed';

export interface ModeCOptions {
  /** Device address for '/?address!' (several meters on one bus). */
  address?: string;
  /** Highest baud rate the port or optical head can do; the lower of this and the meter's offer is used. */
  maxBaud?: number;
  /** Wait for the identification (the standard allows the meter 1.5 s). */
  identificationTimeoutMs?: number;
  /** Longest silence inside the data message. */
  dataTimeoutMs?: number;
  maxBytes?: number;
}

export interface ModeCSession {
  start(): IecSessionAction[];
  receive(chunk: Uint8Array): IecSessionAction[];
  timeout(): IecSessionAction[];
  readonly state: IecSessionState;
  /** The identification, once received. */
  readonly identification: IecIdentification | undefined;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const latin1 = (b: number[]): string => String.fromCharCode(...b);

export function createModeCSession(options: ModeCOptions = {}): ModeCSession {
  const request = encodeSignOnRequest(options.address);
  const maxBytes = options.maxBytes ?? 32 * 1024;
  const idTimeout = options.identificationTimeoutMs ?? 2000;
  const dataTimeout = options.dataTimeoutMs ?? 5000;
  let state: IecSessionState = 'idle';
  let identification: IecIdentification | undefined;
  let idLine = '';
  let echo = '';
  let buf: number[] = [];
  let scanned = 0; // bytes of buf already searched for ETX

  const failWith = (kind: IecSessionErrorKind, detail: string): IecSessionAction[] => {
    state = 'failed';
    return [{ kind: 'failed', error: { kind, detail } }];
  };

  function onIdentification(): IecSessionAction[] {
    // Echo + '/XXXZ\\W' + 32 characters + CR LF fit well within this; more is not an identification.
    if (buf.length > request.length + 64) return failWith('bad-identification', 'no identification line within the first bytes');
    // Drop an echo of our own request (optical heads and some RS-485 adapters echo).
    let text = latin1(buf);
    if (text.startsWith(request)) text = text.slice(request.length);
    const nl = text.indexOf('\n');
    if (nl < 0) return [];
    const line = text.slice(0, nl + 1);
    const id = decodeIdentification(line);
    if (!id.ok) return failWith('bad-identification', id.error.detail);
    identification = id.value;
    idLine = line;
    buf = [...ascii(text.slice(nl + 1))];
    state = 'data';
    const out: IecSessionAction[] = [];
    const offered = id.value.maxBaud;
    const baud = Math.min(offered, options.maxBaud ?? 19200);
    if (id.value.mode === 'C') {
      const z = baudCharOf(baud) ?? '0';
      const ack = encodeAckOptionSelect({ protocolChar: '0', baudChar: z, modeChar: '0' });
      echo = ack;
      out.push({ kind: 'send', bytes: ascii(ack) });
      out.push({ kind: 'set-baud', baud: baudOf(z).baud });
    } else if (id.value.mode === 'B') {
      out.push({ kind: 'set-baud', baud: offered });
    }
    out.push({ kind: 'await', timeoutMs: dataTimeout });
    return [...out, ...onData()];
  }

  function onData(): IecSessionAction[] {
    if (echo !== '' && buf.length >= echo.length) {
      if (latin1(buf.slice(0, echo.length)) === echo) {
        buf = buf.slice(echo.length);
        scanned = 0;
      }
      echo = '';
    }
    // Complete when the byte after ETX (the BCC) is in; search only what is new.
    let end = -1;
    for (let i = scanned; i + 1 < buf.length; i++) {
      if (buf[i] === ETX || buf[i] === EOT) {
        end = i + 2;
        break;
      }
    }
    scanned = Math.max(scanned, buf.length - 1);
    if (end < 0) return [];
    const bytes = new Uint8Array([...ascii(idLine), ...buf.slice(0, end)]);
    const r = decodeIecReadout(bytes);
    if (!r.ok) return failWith(r.error.kind, r.error.detail);
    state = 'done';
    return [{ kind: 'done', readout: r.value }];
  }

  return {
    start(): IecSessionAction[] {
      if (state !== 'idle') throw new Error(`mode C session already ${state}`);
      state = 'identification';
      return [{ kind: 'send', bytes: ascii(request) }, { kind: 'await', timeoutMs: idTimeout }];
    },
    receive(chunk: Uint8Array): IecSessionAction[] {
      if (state !== 'identification' && state !== 'data') return [];
      for (const b of chunk) buf.push(b);
      if (buf.length > maxBytes) return failWith('too-long', `more than ${maxBytes} bytes without a complete readout`);
      return state === 'identification' ? onIdentification() : onData();
    },
    timeout(): IecSessionAction[] {
      if (state !== 'identification' && state !== 'data') return [];
      return failWith('timeout', state === 'identification' ? 'no identification from the meter' : 'the data message stopped');
    },
    get state(): IecSessionState {
      return state;
    },
    get identification(): IecIdentification | undefined {
      return identification;
    },
  };
}
