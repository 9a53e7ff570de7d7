import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/canonical-json.js';
import { hashOf } from '../../../core/hash.js';
import { coordinatorFor } from '../../../gateway/market/roster.js';
import { clearSnapshot, verifySnapshot } from '../../../gateway/market/snapshot.js';
import { MarketBlock } from './market-block.js';
import { PARAMS, START, T0 } from './market-block-suite.js';
import { district, OPERATOR } from './market-fixtures.js';
import { signPriceList } from '../../../gateway/market/prices.js';
import { marketTopics } from '../../../gateway/market/topics.js';
import { runCli } from '../cli/run-cli.js';
import { MajorityFinality } from '../../../gateway/operator/finality.js';
import { StaticDirectory } from '../../../gateway/operator/member-directory.js';
import { verifyIncoming } from '../../../gateway/operator/verify-record.js';
import { settlementPayloadSchema, type TradePayload } from '../../../gateway/uplink/payloads.js';
import { parseSignedRecord } from '../../../gateway/uplink/record.js';

let block: MarketBlock | undefined;
afterEach(async () => {
  await block?.dispose();
  block = undefined;
});

describe('block market over a real Mosquitto (needs mosquitto)', () => {
  it('brings every gateway to the same final hash each interval and stores its trade with its outbox record', async () => {
    block = new MarketBlock(district({ blocks: 2, buildings: 3, parameters: PARAMS }), START);
    await block.start();
    const ids = block.district.gatewayIds;
    const directory = new StaticDirectory(block.roster.members.map((m) => ({ gatewayId: m.gatewayId, publicKey: m.publicKey })));
    for (let k = 0; k < 3; k++) {
      const T = T0 + k * block.intervalMs;
      await block.runInterval(T, ids);
      const hashes = new Set(ids.map((id) => block!.gateways.get(id)!.service.round(T)!.certificate!.resultHash));
      expect(hashes.size).toBe(1);
      const [hash] = [...hashes];
      // Every gateway stored the same result, and the result re-hashes to the certified hash.
      for (const id of ids) {
        const g = block.gateways.get(id)!;
        const result = g.service.store.result(T, block.roster.marketId)!;
        expect(hashOf(result)).toBe(hash);
        const row = g.service.store.interval(T)!;
        expect(row.status).toBe('final');
        expect(row.certificate!.votes.length).toBeGreaterThanOrEqual(4);
      }
      const result = block.gateways.get(ids[0]!)!.service.store.result(T, block.roster.marketId)!;
      expect(result.totals.tradedWh).toBeGreaterThan(0);
      // Each participant with accepted energy holds exactly its trade, and the same record waits in its outbox.
      for (const id of ids) {
        const g = block.gateways.get(id)!;
        const accepted = result.orders.filter((o) => o.participant === id && o.acceptedWh > 0);
        const trades = g.service.store.trades(T);
        expect(trades.length).toBe(accepted.length > 0 ? 1 : 0);
        if (trades.length === 1) {
          const t = trades[0]!.payload;
          expect(t.energyWh).toBe(accepted.reduce((s, o) => s + (o.side === 'bid' ? o.acceptedWh : -o.acceptedWh), 0));
          expect(t.certificate.resultHash).toBe(hash);
          // What leaves the gateway: one signed uplink record per side, which the operator's checks accept.
          const records = g.store.outbox.pending(100).filter((r) => r.kind === 'trade' && r.id.includes(`:${T}:`));
          expect(records.map((r) => r.id).sort()).toEqual([...(t.boughtWh > 0 ? [`trade:${id}:${T}:buy`] : []), ...(t.soldWh > 0 ? [`trade:${id}:${T}:sell`] : [])].sort());
          for (const r of records) {
            const v = verifyIncoming(r.payload, id, { directory, finality: new MajorityFinality() });
            expect(v.ok ? 'accepted' : `${v.error.kind}: ${v.error.detail}`).toBe('accepted');
            const p = v.ok ? (v.value.signed.payload.payload as TradePayload) : undefined;
            expect(p?.resultHash).toBe(hash);
            expect(p?.energyWh).toBe(p?.side === 'buy' ? t.boughtWh : t.soldWh);
          }
          expect(g.store.outbox.pending(100).filter((r) => r.kind === 'result').map((r) => r.id)).toContain(`result:${id}:${T}`);
        }
      }
      // Replaying the stored snapshot re-clears to the certified hash.
      const g0 = block.gateways.get(ids[0]!)!;
      const snap = g0.service.store.snapshots(T).find((s) => s.hash === g0.service.store.interval(T)!.snapshotHash)!;
      const v = verifySnapshot(snap.envelope, block.roster);
      expect(v.ok).toBe(true);
      if (v.ok) expect((await clearSnapshot(v.value, block.roster)).resultHash).toBe(hash);
    }
  });

  it('clears without a gateway cut off from the broker for 4 intervals; the cut-off one trades nothing and records no conflicting trade', async () => {
    block = new MarketBlock(district({ blocks: 2, buildings: 3, parameters: PARAMS }), START);
    await block.start();
    const ids = block.district.gatewayIds;
    // Cut off one that does not coordinate these intervals.
    const cut = ids.find((id) => [0, 1, 2, 3, 4].every((k) => coordinatorFor(block!.roster, T0 + k * block!.intervalMs, 0)!.gatewayId !== id))!;
    const live = ids.filter((id) => id !== cut);
    await block.gateways.get(cut)!.service.disconnect();
    for (let k = 0; k < 4; k++) {
      const T = T0 + k * block.intervalMs;
      await block.runInterval(T, live);
      await block.clock.advanceTo(block.gate(T) + PARAMS.finalityTimeoutMs);
      const cutRound = block.gateways.get(cut)!.service.round(T);
      expect(cutRound?.status ?? 'grid-only').not.toBe('final');
      expect(block.gateways.get(cut)!.service.store.trades(T)).toEqual([]);
      const result = block.gateways.get(live[0]!)!.service.store.result(T, block.roster.marketId)!;
      expect(result.orders.some((o) => o.participant === cut)).toBe(false);
      expect(new Set(live.map((id) => block!.gateways.get(id)!.service.round(T)!.certificate!.resultHash)).size).toBe(1);
    }
    // Back online, it trades again in the next interval.
    block.gateways.get(cut)!.service.reconnect();
    await block.until(() => block!.gateways.get(cut)!.service.connected, 'reconnected');
    const T = T0 + 4 * block.intervalMs;
    await block.runInterval(T, ids);
    expect(block.gateways.get(cut)!.service.round(T)!.status).toBe('final');
  });

  it('settles a final interval against the metered energy, and a metering gap as a gap, each with its outbox record', async () => {
    block = new MarketBlock(district({ blocks: 1, buildings: 3, parameters: PARAMS }), START);
    await block.start();
    const ids = block.district.gatewayIds;
    await block.runInterval(T0, ids);
    const result = block.gateways.get(ids[0]!)!.service.store.result(T0, block.roster.marketId)!;
    const trader = ids.find((id) => result.orders.some((o) => o.participant === id && o.acceptedWh > 0))!;
    const g = block.gateways.get(trader)!;
    const trade = g.service.store.trades(T0)[0]!.payload;
    g.events.emit('intervalEnergyFinal', { deviceId: 'grid-meter', intervalStartMs: T0, intervalMs: block.intervalMs, importWh: 900, exportWh: 100, quality: 'measured', gapReason: null });
    const [settled] = g.service.store.settlements(T0);
    expect(settled!.payload).toMatchObject({ status: 'settled', market: 'final', meteredWh: 800, tradedWh: trade.energyWh, imbalanceWh: 800 - trade.energyWh, tradeId: trade.tradeId });
    expect(settled!.payload.totalMinor).toBe(settled!.payload.tradeMinor + settled!.payload.imbalanceMinor!);
    const other = block.gateways.get(ids.find((id) => id !== trader)!)!;
    other.events.emit('intervalEnergyFinal', { deviceId: 'grid-meter', intervalStartMs: T0, intervalMs: block.intervalMs, importWh: null, exportWh: null, quality: 'gap', gapReason: 'no readings around the interval end' });
    other.events.emit('intervalEnergyFinal', { deviceId: 'pv-inverter', intervalStartMs: T0, intervalMs: block.intervalMs, importWh: 0, exportWh: 500, quality: 'measured', gapReason: null });
    const gaps = other.service.store.settlements(T0);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.payload).toMatchObject({ status: 'gap', meteredWh: null, imbalanceWh: null, totalMinor: null, gapReason: 'no readings around the interval end' });
    // The settled interval goes upstream in the documented shape; the gap waits for repaired metering.
    const up = g.store.outbox.pending(100).filter((r) => r.kind === 'settlement');
    expect(up.map((r) => r.id)).toEqual([`settlement:${trader}:${T0}`]);
    const parsed = parseSignedRecord(up[0]!.payload);
    const sp = settlementPayloadSchema.parse(parsed.ok ? parsed.value.payload.payload : undefined);
    expect(sp).toMatchObject({ meteredImportWh: 900, meteredExportWh: 100, boughtWh: trade.boughtWh, soldWh: trade.soldWh, tradeAmountMinor: trade.amountMinor });
    expect(sp.meteredImportWh - sp.meteredExportWh).toBe(sp.boughtWh - sp.soldWh + sp.imbalanceImportWh - sp.imbalanceExportWh);
    expect(other.store.outbox.pending(100).filter((r) => r.kind === 'settlement')).toEqual([]);

    // nabo market show and replay read the same store.
    const db = join(block.dir, `${trader}.db`);
    const iso = new Date(T0).toISOString();
    const show = await runCli(['market', 'show', '--interval', iso, '--db', db, '--format', 'json']);
    expect(show.code).toBe(0);
    const view = JSON.parse(show.stdout);
    expect(view).toMatchObject({ status: 'final', resultHash: g.service.round(T0)!.certificate!.resultHash });
    expect(view.trades[0].tradeId).toBe(trade.tradeId);
    expect(view.settlements[0].status).toBe('settled');
    expect(view.certificate.length).toBeGreaterThanOrEqual(2);
    const table = await runCli(['market', 'show', '--interval', iso, '--db', db, '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${iso}: final`);
    expect(table.stdout).toContain(trade.tradeId);
    const replay = await runCli(['market', 'replay', '--interval', iso, '--db', db, '--format', 'json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ same: true, replayedHash: view.resultHash });
    g.store.db.prepare('UPDATE market_intervals SET result_hash = ? WHERE interval_start_ms = ?').run('0'.repeat(64), T0);
    const tampered = await runCli(['market', 'replay', '--interval', iso, '--db', db, '--format', 'json']);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout).same).toBe(false);
    expect((await runCli(['market', 'show', '--interval', 'yesterday', '--db', db])).code).toBe(2);
  });

  it('clears with the operator\'s signed price list received over MQTT, embedded in the snapshot', async () => {
    block = new MarketBlock(district({ blocks: 1, buildings: 3, parameters: PARAMS }), START);
    await block.start();
    const iso = new Date(T0).toISOString();
    const list = signPriceList({ marketId: block.roster.marketId, version: 1, intervals: [{ intervalStart: iso, blocks: [{ block: 'block-1', gridImportPriceMinorPerKWh: 77, gridTariffMinorPerKWh: 33, gridExportPriceMinorPerKWh: 21 }] }] }, OPERATOR.seed);
    await block.publishAsOperator(marketTopics(block.roster.marketId).prices, list, true);
    const ids = block.district.gatewayIds;
    await block.runInterval(T0, ids);
    const g = block.gateways.get(ids[0]!)!;
    const snap = g.service.store.snapshots(T0)[0]!;
    expect(snap.envelope.payload.prices).toEqual(list);
    const v = verifySnapshot(snap.envelope, block.roster);
    expect(v.ok && v.value.priceSource).toBe('price-list');
    expect(v.ok && v.value.book.blocks[0]).toMatchObject({ gridImportPriceMinorPerKWh: 77, gridTariffMinorPerKWh: 33, gridExportPriceMinorPerKWh: 21 });
    // Orders were priced inside the list's spread, 21..110.
    for (const o of v.ok ? v.value.book.orders : []) for (const s of o.steps) expect(s.priceMinorPerKWh >= 21 && s.priceMinorPerKWh <= 110).toBe(true);
    expect(new Set(ids.map((id) => block!.gateways.get(id)!.service.round(T0)!.certificate!.resultHash)).size).toBe(1);
  });
});
