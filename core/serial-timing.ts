// Time on a serial line: how long a character takes, and the Modbus RTU inter-frame silence
// (3.5 character times, fixed at 1.75 ms above 19200 baud: Modbus over serial line v1.02,
// §2.5.1.1). The planner, the gateway's RTU port and the simulator's bus all keep this one rule.

export interface CharFormat {
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

/** Bits on the wire per character: start + data + parity + stop. */
export function bitsPerCharacter(f: Omit<CharFormat, 'baudRate'>): number {
  return 1 + (f.dataBits ?? 8) + (f.parity && f.parity !== 'none' ? 1 : 0) + (f.stopBits ?? 1);
}

export function charTimeMs(f: CharFormat): number {
  return (bitsPerCharacter(f) * 1000) / f.baudRate;
}

/** The RTU silence that ends a frame, for a line whose character takes `charMs`. */
export function rtuSilenceMs(baudRate: number, charMs: number): number {
  return baudRate > 19_200 ? 1.75 : 3.5 * charMs;
}
