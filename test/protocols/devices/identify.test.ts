import { describe, expect, it } from 'vitest';
import { DEVICE_DEFINITIONS, findDefinition } from '../../../protocols/devices/index.js';
import { answerReadRequest, buildRegisterImage, type RegisterImage } from '../../../protocols/modbus/image.js';
import type { DeviceDefinition } from '../../../protocols/modbus/registers.js';
import { matchSignature, recognise, signatureReads } from '../../../protocols/modbus/identify.js';

/** What `probe`'s signature reads get from a simulated `device` (exceptions give no block). */
function readSignature(device: DeviceDefinition, image: RegisterImage, probe: DeviceDefinition) {
  return signatureReads(probe).flatMap((r) => {
    const answer = answerReadRequest(device, image, { kind: 'read', functionCode: r.functionCode, address: r.address, quantity: r.quantity });
    return answer.kind === 'read' ? [{ functionCode: r.functionCode, address: r.address, registers: answer.registers.slice() }] : [];
  });
}

describe('device recognition from signatures', () => {
  const withSignature = DEVICE_DEFINITIONS.filter((d) => d.identification?.length);

  it('covers the Eastron family, ABB and the EM24, whose model codes are documented', () => {
    expect(withSignature.map((d) => d.id).sort()).toEqual(['abb-b23-b24', 'carlo-gavazzi-em24', 'eastron-sdm120', 'eastron-sdm630', 'eastron-sdm72d-m', 'eastron-sdm72d-m-v2']);
  });

  it('reads the EM24 model code as a one-word probe, and a block covering 0x000B does not count as the probe', () => {
    const em24 = findDefinition('carlo-gavazzi-em24')!;
    expect(signatureReads(em24)).toEqual([{ functionCode: 4, address: 0x000b, quantity: 1, names: ['probe@11'] }]);
    const image = buildRegisterImage(em24, { voltageL1V: 230 });
    expect(matchSignature(em24, [{ functionCode: 4, address: 0x000b, registers: [72] }])).toBe('match');
    expect(matchSignature(em24, [{ functionCode: 4, address: 0x000a, registers: image.input.slice(0x0a, 0x0c) }])).toBe('unknown');
    expect(matchSignature(em24, [{ functionCode: 4, address: 0x000b, registers: [5] }])).toBe('mismatch');
  });

  for (const device of withSignature) {
    it(`recognises a simulated ${device.id} as itself and as no other device`, () => {
      const image = buildRegisterImage(device, {});
      const blocks = DEVICE_DEFINITIONS.flatMap((probe) => readSignature(device, image, probe));
      expect(recognise(DEVICE_DEFINITIONS, blocks).map((d) => d.id)).toEqual([device.id]);
    });
  }

  it('says unknown for a definition without a signature and mismatch for a wrong code', () => {
    const em24 = findDefinition('carlo-gavazzi-em24')!;
    expect(matchSignature(em24, [])).toBe('unknown');
    const sdm630 = findDefinition('eastron-sdm630')!;
    const image = buildRegisterImage(sdm630, {}, { raw: { meterCode: 999 } });
    const blocks = readSignature(sdm630, image, sdm630);
    expect(matchSignature(sdm630, blocks)).toBe('mismatch');
  });
});
