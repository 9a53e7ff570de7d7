import { describe, expect, it } from 'vitest';
import { formatStatusText } from '../../../gateway/api/status-client.js';

const table = (headers: string[], rows: Array<Array<string | number | null | undefined>>): string => [headers, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '–' : String(c))).join(' | ')).join('\n') + '\n';
const base = { gatewayId: 'gw-1', version: '0.1.0', uptimeS: 5, now: '2026-06-21T12:01:00.000Z', flows: {}, devices: [], buses: [], uplink: { backlogRecords: 0 }, alarms: { active: 0 } };

describe('nabo status as text', () => {
  it('prints the current and next market intervals as a table, not the section as JSON', () => {
    const text = formatStatusText(
      {
        ...base,
        market: {
          marketId: 'trondheim-demo',
          connected: true,
          rosterVersion: 1,
          rejections: { total: 2 },
          intervals: [{ intervalStart: '2026-06-21T12:00:00.000Z', status: 'final' }],
          current: { intervalStart: '2026-06-21T12:00:00.000Z', state: 'final', reason: null, offeredWh: 918, bidWh: 0, clearingPriceMinorPerKWh: 37.2, tradedWh: -918, amountMinor: -34, resultHash: 'ab' },
          next: { intervalStart: '2026-06-21T12:15:00.000Z', state: 'grid only', reason: 'no-majority', offeredWh: 500, bidWh: 0, clearingPriceMinorPerKWh: null, tradedWh: null, amountMinor: null, resultHash: null },
        },
      },
      table,
    );
    expect(text).toContain('market trondheim-demo: connected, roster version 1, 2 messages rejected');
    expect(text).toContain('2026-06-21T12:00:00.000Z | final | 918 | 0 | 37.2 | -918 | -34');
    expect(text).toContain('2026-06-21T12:15:00.000Z | grid only (no-majority) | 500 | 0 | – | – | –');
    expect(text).not.toContain('"intervals"');
  });

  it('says when no market is configured', () => {
    expect(formatStatusText({ ...base, market: null }, table)).toContain('market: no market configured');
  });
});
