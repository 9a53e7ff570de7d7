// Any unit a meter declares for its quantity is accepted and normalised (Austrian Sagemcom
// T210-D prints Wh and W, Dutch meters kWh and kW); a unit of the wrong dimension is refused.
// Telegrams without a CRC keep the syntax rules that stand in for it. Constructed telegrams.
import { describe, expect, it } from 'vitest';
import { crc16Arc } from '../../../protocols/checksums/crc16-arc.js';
import { decodeP1Telegram } from '../../../protocols/dsmr/index.js';
import { bytesOf } from './dsmr-fixtures.js';

function withCrc(lines: string[]): string {
  const body = `${lines.join('\r\n')}\r\n!`;
  return `${body}${crc16Arc(bytesOf(body)).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}
const noCrc = (lines: string[]): string => `${lines.join('\r\n')}\r\n!\r\n`;
const kindOf = (text: string): string => {
  const r = decodeP1Telegram(text);
  return r.ok ? 'ok' : r.error.kind;
};

describe('P1 units', () => {
  it('normalises Wh, W, varh and var as it does kWh, kW, kvarh and kvar', () => {
    const base = decodeP1Telegram(withCrc(['/EST5\\253710000_A', '', '1-3:0.2.8(50)', '1-0:1.8.0(006545766*Wh)', '1-0:1.7.0(000000286*W)', '1-0:4.8.0(003897726*varh)', '1-0:4.7.0(000000166*var)']));
    const kilo = decodeP1Telegram(withCrc(['/XMX5LGF0000000000', '', '1-3:0.2.8(50)', '1-0:1.8.0(006545.766*kWh)', '1-0:1.7.0(00.286*kW)', '1-0:4.8.0(003897.726*kvarh)', '1-0:4.7.0(00.166*kVAr)']));
    if (!base.ok || !kilo.ok) throw new Error('decode failed');
    expect(base.value.values).toEqual({ energyImportWh: 6_545_766, powerImportW: 286, powerW: 286, reactiveEnergyExportVarh: 3_897_726, reactivePowerExportVar: 166, reactivePowerVar: -166 });
    expect(kilo.value.values).toEqual(base.value.values);
  });

  it('accepts MWh and refuses a unit of the wrong dimension', () => {
    expect(kindOf(withCrc(['/XMX5LGF0000000000', '', '1-3:0.2.8(50)', '1-0:1.8.0(000006.545766*MWh)']))).toBe('ok');
    expect(kindOf(withCrc(['/XMX5LGF0000000000', '', '1-3:0.2.8(50)', '1-0:1.8.0(006545766*W)']))).toBe('bad-unit');
    expect(kindOf(withCrc(['/XMX5LGF0000000000', '', '1-3:0.2.8(50)', '1-0:1.7.0(00.286*kvar)']))).toBe('bad-unit');
    expect(kindOf(withCrc(['/XMX5LGF0000000000', '', '1-3:0.2.8(50)', '1-0:1.7.0(00.286)']))).toBe('bad-unit');
    expect(kindOf(withCrc(['/XMX5LGF0000000000', '', '1-3:0.2.8(50)', '0-1:24.1.0(003)', '0-1:24.2.1(161129200000W)(00981.443*kWh)']))).toBe('bad-unit');
  });

  it('without a CRC, wants decimals on kilo units and whole numbers on base units', () => {
    const header = ['/ISk5\\2MT382-1004', ''];
    expect(kindOf(noCrc([...header, '1-0:1.8.1(00001.001*kWh)']))).toBe('ok');
    expect(kindOf(noCrc([...header, '1-0:1.8.1(000001001*Wh)']))).toBe('ok');
    // A 'k' lost in transit would read a thousand times off: refused.
    expect(kindOf(noCrc([...header, '1-0:1.8.1(00001.001*Wh)']))).toBe('bad-unit');
    expect(kindOf(noCrc([...header, '1-0:1.8.1(000001001*kWh)']))).toBe('bad-value');
  });
});

describe('P1 equipment id', () => {
  it('reads it from 0-0:96.1.1, else 0-0:96.1.0, else the logical device name 0-0:42.0.0', () => {
    const id = (lines: string[]): string | undefined => {
      const r = decodeP1Telegram(withCrc(['/SAG5SAG-METER', '', ...lines, '1-0:1.8.0(000173.640*kWh)']));
      if (!r.ok) throw new Error(r.error.detail);
      return r.value.meterId;
    };
    expect(id(['0-0:42.0.0(53414733303832323030303032313630)'])).toBe('SAG3082200002160');
    expect(id(['0-0:42.0.0(53414733303832323030303032313630)', '0-0:96.1.0(383930303832323030303032313630)'])).toBe('890082200002160');
    expect(id(['0-0:96.1.0(3839)', '0-0:96.1.1(4B384547)'])).toBe('K8EG');
  });
});
