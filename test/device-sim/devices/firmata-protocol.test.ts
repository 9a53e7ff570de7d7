import { describe, expect, it } from 'vitest';
import { encodeFirmware, encodePinState, HostMessageParser, unoPins, encodeCapabilities } from '../../../device-sim/devices/firmata-protocol.js';

describe('Firmata board-side protocol', () => {
  it('cuts host messages from a stream split anywhere, skipping stray data bytes', () => {
    const bytes = [0x05, 0xf9, 0xf4, 2, 0, 0xd0, 1, 0xf0, 0x6d, 8, 0xf7, 0x91, 0x7f, 0x01, 0xf5, 8, 1];
    const parser = new HostMessageParser();
    const out = bytes.flatMap((b) => parser.push(Uint8Array.of(b)));
    expect(out).toEqual([
      { kind: 'report-version' },
      { kind: 'set-pin-mode', pin: 2, mode: 0 },
      { kind: 'report-digital', port: 0, enable: true },
      { kind: 'sysex', command: 0x6d, data: [8] },
      { kind: 'digital-port', port: 1, mask: 0xff },
      { kind: 'set-digital-pin', pin: 8, value: 1 },
    ]);
    expect(parser.skippedBytes).toBe(1);
  });

  it('drops a message cut short by the next command', () => {
    const parser = new HostMessageParser();
    expect(parser.push(Uint8Array.of(0xf4, 2, 0xf9))).toEqual([{ kind: 'report-version' }]);
    expect(parser.skippedBytes).toBe(2);
  });

  it('encodes the firmware name as 7-bit pairs after the version', () => {
    expect([...encodeFirmware('Ab', 2, 5)]).toEqual([0xf0, 0x79, 2, 5, 0x41, 0, 0x62, 0, 0xf7]);
  });

  it('encodes a pin state wider than 7 bits in 7-bit groups', () => {
    expect([...encodePinState(9, 3, 200)]).toEqual([0xf0, 0x6e, 9, 3, 200 & 0x7f, 1, 0xf7]);
  });

  it('describes an Uno with serial pins 0–1 unusable and six analog inputs', () => {
    const pins = unoPins();
    const caps = encodeCapabilities(pins);
    expect(pins).toHaveLength(20);
    expect(pins.filter((p) => p.analogChannel !== undefined).map((p) => p.analogChannel)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...caps.subarray(0, 4)]).toEqual([0xf0, 0x6c, 0x7f, 0x7f]);
    expect(caps.filter((b) => b === 0x7f)).toHaveLength(20);
  });
});
