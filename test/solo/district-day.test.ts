// A whole simulated day of the district, as issues #10 and #11 ask it: the simulator, 9
// separate `nabo run` processes (3 blocks × 3 buildings) reading their simulated meters, a
// real Mosquitto for the block (password file, ACL from the roster) and one for the operator
// on TLS, `nabo operator` on SQLite (DISTRICT_DAY_OPERATOR=postgres: on a throwaway PostgreSQL
// 15 cluster). Then, from what the processes left behind: every interval final on every
// gateway with one hash; every block balances; every stored snapshot replays to its hash; every
// settlement's metered energy matches the simulator's truth; the operator holds every
// acknowledged record exactly once and each verifies; its day report reconciles.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrueInterval } from '../../device-sim/fleet/interval-recorder.js';
import type { ClearingResult } from '../../edge-solver/clearing/index.js';
import { parseSummary } from '../../gateway/demo/summary.js';
import { checkDistrictDayFiles } from '../../gateway/demo/truth-check-files.js';
import { MarketStore } from '../../gateway/market/market-store.js';
import { verifyPlanSnapshot, solveSnapshot } from '../../gateway/plan/plan-snapshot.js';
import { PlanStore } from '../../gateway/plan/plan-store.js';
import type { SettlementRecord } from '../../gateway/market/records.js';
import { MemberIndex } from '../../gateway/market/order-rules.js';
import { verifyRoster } from '../../gateway/market/roster.js';
import { clearSnapshot, verifySnapshot } from '../../gateway/market/snapshot.js';
import { MajorityFinality } from '../../gateway/operator/finality.js';
import { readRosterFile } from '../../gateway/operator/member-directory.js';
import { verifyIncoming } from '../../gateway/operator/verify-record.js';
import { Store } from '../../gateway/store/store.js';
import { RECORD_KINDS_SQL } from '../../gateway/uplink/record.js';
import { runCli } from '../gateway/cli/run-cli.js';
import { readOperatorDatabase } from '../helpers/operator-database.js';
import { TestPostgres } from '../helpers/postgres.js';
import { removeTempFolders, tempFolder } from '../temp-folders.js';

const SPEED = Number(process.env.DISTRICT_DAY_SPEED ?? 300);
const OPERATOR = process.env.DISTRICT_DAY_OPERATOR ?? 'sqlite';
if (OPERATOR !== 'sqlite' && OPERATOR !== 'postgres') throw new Error(`DISTRICT_DAY_OPERATOR must be sqlite or postgres, not ${OPERATOR}`);
let pg: TestPostgres | undefined;

beforeAll(async () => {
  if (OPERATOR === 'postgres') pg = await TestPostgres.start();
}, 60_000);

afterAll(() => {
  pg?.close();
  removeTempFolders();
});

/**
 * Every block balances to the Wh: what its sellers sold, what it imported from the grid and what
 * the DSO lines delivered into it equals what its buyers bought, what it exported, what it sent
 * into the lines and its fixed net load. (The clearing rounds to whole Wh and lets the grid
 * exchange take a block's rounding residual, so a market-only balance can miss by a Wh.)
 */
function blockBalances(result: ClearingResult): string[] {
  const problems: string[] = [];
  for (const b of result.blocks) {
    const into = result.lines.reduce((s, l) => s + (l.to === b.id ? l.forwardDeliveredWh : 0) + (l.from === b.id ? l.backwardDeliveredWh : 0), 0);
    const out = result.lines.reduce((s, l) => s + (l.from === b.id ? l.forwardWh : 0) + (l.to === b.id ? l.backwardWh : 0), 0);
    const supplyWh = b.soldWh + b.gridImportWh + into;
    const demandWh = b.boughtWh + b.gridExportWh + out + b.netLoadWh;
    if (supplyWh !== demandWh) problems.push(`${result.intervalStart} ${b.id}: sold ${b.soldWh} + import ${b.gridImportWh} + delivered in ${into} != bought ${b.boughtWh} + export ${b.gridExportWh} + sent out ${out} + net load ${b.netLoadWh}`);
  }
  return problems;
}

/** What the gateways logged about the given intervals (warnings and errors; the test's failure message). */
function logLinesAbout(data: string, intervalStarts: string[]): string {
  const lines: string[] = [];
  for (const g of readdirSync(join(data, 'gateways'))) {
    const log = join(data, 'gateways', g, 'gateway.log');
    if (!existsSync(log)) continue;
    for (const line of readFileSync(log, 'utf8').split('\n')) if (intervalStarts.some((t) => line.includes(t))) lines.push(`${g}: ${line.slice(0, 400)}`);
  }
  return lines.slice(0, 60).join('\n');
}

describe(`a district day: 9 gateway processes, two Mosquittos, nabo operator on ${OPERATOR} (needs mosquitto, openssl${OPERATOR === 'postgres' ? ', PostgreSQL 15' : ''})`, () => {
  it('clears, agrees, settles against the truth and reaches the operator exactly once, all day', async () => {
    // DISTRICT_DAY_KEEP=DIR keeps what the district left behind there, to look at after a failure.
    const dir = process.env.DISTRICT_DAY_KEEP ?? tempFolder('nabo-district-day-');
    const data = join(dir, 'data');
    const out = join(dir, 'out');
    const database = pg ? pg.url : join(data, 'operator.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', 'demo', '--tcp-only', '--speed', String(SPEED), '--plan', '--exit', '--data', data, '--out', out, '--format', 'json', ...(pg ? ['--operator-database', pg.url] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    if (!existsSync(join(out, 'summary.json'))) throw new Error(`nabo demo exited ${code} without a summary:\n${stderr.slice(-3000)}`);
    const parsed = parseSummary(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
    expect(parsed.ok ? 'valid' : parsed.error.detail).toBe('valid');
    if (!parsed.ok) return;
    const s = parsed.value;

    // 96 intervals, each final on all 9 gateways with the same hash.
    expect(s.intervals).toHaveLength(96);
    const notFinal = s.intervals.filter((i) => !i.final).map((i) => `${i.intervalStart}: ${JSON.stringify(i.hashes)}`);
    expect.soft(notFinal, `${stderr.slice(-2000)}\n${logLinesAbout(data, s.intervals.filter((i) => !i.final).map((i) => i.intervalStart))}`).toEqual([]);
    expect.soft(code, stderr.slice(-3000)).toBe(0);
    // Each block balances in every result (soft: one failed check must not hide the others).
    expect.soft(s.intervals.flatMap((i) => (i.result ? blockBalances(i.result) : ['no result']))).toEqual([]);

    const rosterEnvelope = JSON.parse(readFileSync(join(data, 'roster.json'), 'utf8')) as { payload: { operatorPublicKey: string } };
    const verified = verifyRoster(rosterEnvelope, rosterEnvelope.payload.operatorPublicKey);
    if (!verified.ok) throw new Error(verified.error.detail);
    const roster = verified.value.roster;
    const members = new MemberIndex(roster);
    const truth = JSON.parse(readFileSync(join(data, 'truth.json'), 'utf8')) as Record<string, TrueInterval[]>;
    // Issue #12 on the simulator's truth: no limit ever exceeded; where the battery had room, the
    // metered net exchange is within max(5 %, 50 Wh) of what the building traded (docs/control.md).
    const onTruth = checkDistrictDayFiles(data, out, { warmUpIntervals: 1 });
    if (!onTruth.ok) throw new Error(onTruth.error.detail);
    const control = onTruth.value;
    process.stdout.write(`control on truth: ${control.compliant}/${control.judged} within tolerance, worst ${control.worst ? `${control.worst.buildingId} ${control.worst.intervalStart} ${control.worst.deviationWh} Wh on ${control.worst.tradedWh} Wh traded` : 'none'}, ${control.violations.length} limit violations\n`);
    expect.soft(control.violations).toEqual([]);
    expect.soft(control.judged).toBeGreaterThan(100);
    expect.soft(control.complianceShare ?? 0, JSON.stringify(control.deviations.slice(0, 10))).toBeGreaterThanOrEqual(0.95);
    const gatewayIds = roster.members.map((m) => m.gatewayId);
    const fromMs = Date.parse(s.intervals[0]!.intervalStart);
    const toMs = Date.parse(s.intervals.at(-1)!.intervalStart) + 900_000;

    // The day-ahead plan: made the evening before, final on every gateway with one hash, all nine
    // buildings in it, and its stored snapshot solves to that hash again.
    const planStartMs = fromMs;
    const plans = gatewayIds.map((id) => {
      const store = Store.open(join(data, 'gateways', id, 'nabo.db'), { readonly: true });
      try {
        return new PlanStore(store).plan(roster.marketId, planStartMs);
      } finally {
        store.db.close();
      }
    });
    expect(plans.map((p, k) => `${gatewayIds[k]}: ${p?.status ?? 'none'}${p?.reason ? ` (${p.reason})` : ''}`)).toEqual(gatewayIds.map((id) => `${id}: final`));
    expect(new Set(plans.map((p) => p?.planHash)).size).toBe(1);
    const plan = plans[0]!;
    expect(plan.plan.buildings.map((b) => b.gatewayId).sort()).toEqual([...gatewayIds].sort());
    if (!plan.snapshot) throw new Error("a final plan without its snapshot");
    const planSnapshot = verifyPlanSnapshot(plan.snapshot, roster);
    expect(planSnapshot.ok).toBe(true);
    if (planSnapshot.ok) expect((await solveSnapshot(planSnapshot.value, roster)).planHash).toBe(plan.planHash);

    let replayed = 0;
    let settled = 0;
    let worstWh = 0;
    const errorsWh: number[] = [];
    const dayWh = new Map<string, { metered: number; true: number }>();
    const unsettled: string[] = [];
    const noTruth: string[] = [];
    const acked = new Set<string>();
    for (const id of gatewayIds) {
      const store = Store.open(join(data, 'gateways', id, 'nabo.db'), { readonly: true });
      try {
        const market = new MarketStore(store);
        for (let T = fromMs; T < toMs; T += 900_000) {
          // Replaying the stored, certified snapshot gives the certified hash.
          const row = market.interval(T);
          if (row?.status !== 'final') continue;
          const snap = market.snapshots(T).find((x) => x.hash === row.snapshotHash)!;
          const v = verifySnapshot(snap.envelope, roster, members);
          expect(v.ok, `${id} ${T}`).toBe(true);
          if (v.ok) expect((await clearSnapshot(v.value, roster)).resultHash).toBe(row.resultHash);
          replayed++;
          // The settlement's metered energy is the simulator's true grid exchange, to the meter's whole Wh.
          const settlements = market.settlements(T).map((e) => e.payload as SettlementRecord);
          const settlement = settlements.find((x) => x.status === 'settled');
          // The simulator's physics marks each boundary as its integration reaches it, whoever advanced it.
          const t = truth[id]!.find((x) => x.startMs === T && x.endMs === T + 900_000);
          if (!settlement) unsettled.push(`${id} ${new Date(T).toISOString()}: ${settlements.map((x) => `${x.status} (${x.gapReason})`).join(', ') || 'no settlement'}`);
          else if (!t) noTruth.push(`${id} ${new Date(T).toISOString()}`);
          if (settlement && t) {
            const trueNet = t.registersAtEnd.gridImportWh - t.registersAtStart.gridImportWh - (t.registersAtEnd.gridExportWh - t.registersAtStart.gridExportWh);
            worstWh = Math.max(worstWh, Math.abs(settlement.meteredWh! - trueNet));
            errorsWh.push(Math.abs(settlement.meteredWh! - trueNet));
            const day = dayWh.get(id) ?? { metered: 0, true: 0 };
            day.metered += settlement.meteredWh!;
            day.true += trueNet;
            dayWh.set(id, day);
            settled++;
          }
        }
        for (const r of store.db.prepare(`SELECT id FROM outbox WHERE acked_ms IS NOT NULL AND kind IN (${RECORD_KINDS_SQL})`).all() as Array<{ id: string }>) acked.add(r.id);
      } finally {
        store.db.close();
      }
    }
    expect(replayed).toBe(s.intervals.filter((i) => i.final).length * 9);
    // Most intervals are settled (a meter's gap is settled as a gap) and each within the meters' resolution:
    // counters are read every simulated minute and interpolated at the boundary, SDM630 floats resolve 4 Wh at 40 MWh.
    expect(settled, `not settled: ${unsettled.length} (${unsettled.slice(0, 12).join('; ')}); no true interval: ${noTruth.length} (${noTruth.slice(0, 6).join('; ')}); truth has ${Object.values(truth)[0]?.length} intervals a building, first ${JSON.stringify(Object.values(truth)[0]?.slice(0, 2).map((x) => [x.startMs, x.endMs]))}`).toBeGreaterThan(96 * 9 * 0.8);
    const within60 = errorsWh.filter((e) => e <= 60).length;
    const dayErrors = [...dayWh].map(([id, d]) => `${id} ${d.metered - d.true}`);
    process.stdout.write(`district day at ${SPEED}x: ${settled} settled intervals, ${within60} within 60 Wh of the truth, worst |metered - true| ${worstWh} Wh; day totals metered - true: ${dayErrors.join(', ')}\n`);
    // A boundary is interpolated between the counter reads around it, once a simulated minute
    // (0.2 s real at 300x): on a quiet machine every interval is within 60 Wh (14–27 Wh seen);
    // a starved gateway reads minutes apart and moves energy between neighbouring intervals
    // (75–111 Wh seen at load 15), which the day's total does not feel.
    expect(within60 / settled).toBeGreaterThanOrEqual(0.98);
    expect(worstWh).toBeLessThanOrEqual(250);
    expect([...dayWh].filter(([, d]) => Math.abs(d.metered - d.true) > 60).map(([id, d]) => `${id}: metered ${d.metered}, true ${d.true}`)).toEqual([]);

    // The operator stored every acknowledged record once, and each verifies against the roster.
    {
      const { records: rows, refusals } = await readOperatorDatabase(database);
      const ids = new Set(rows.map((r) => r.id));
      expect(ids.size).toBe(rows.length);
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      const directory = readRosterFile(join(data, 'roster.json'));
      if (!directory.ok) throw new Error(directory.error.detail);
      const refusedHere = rows.map((r) => verifyIncoming(r.envelope, r.gatewayId, { directory: directory.value, finality: new MajorityFinality() })).filter((v) => !v.ok);
      expect(refusedHere).toEqual([]);
      expect(rows.filter((r) => r.id.startsWith('trade:')).length).toBeGreaterThan(0);
      expect(refusals).toBe(0);
    }
    // nabo verify agrees on a trade of each gateway that traded, and the operator's day report reconciles.
    const trades = [...acked].filter((id) => id.startsWith('trade:'));
    for (const id of trades.slice(0, 5)) {
      const r = await runCli(['verify', id, '--database', database, '--roster', join(data, 'roster.json'), '--format', 'json']);
      expect(r.code, `${id}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    const report = await runCli(['operator', 'report', '--day', '2026-06-21', '--database', database, '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    const day = JSON.parse(report.stdout) as { reconciles: boolean; problems: string[] };
    expect(day.problems).toEqual([]);
  }, 900_000);
});
