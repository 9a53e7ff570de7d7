// One simulated day of the district, from start to its checked summary: `nabo demo` runs it once,
// or twice with --value (first without control, then with). The district is left running so the
// caller may keep the dashboards up; `stop()` ends it.
import { ToolMissingError } from '../../device-sim/transports/pty-pair.js';
import { collectSummary } from './collect.js';
import type { DemoPrices } from './demo-prices.js';
import { DEMO_TIME_ZONE } from './demo-prices.js';
import { District, type DistrictOptions } from './district.js';
import { ToolMissing } from './mosquitto.js';
import { DemoProgress } from './progress.js';
import { demoProblems } from './summary-checks.js';
import type { Summary } from './summary.js';

export interface DemoDayOptions {
  district: DistrictOptions;
  prices: DemoPrices;
  fromMs: number;
  toMs: number;
  /** Simulated end: some minutes past the last interval for its settlement and acknowledgements. */
  endMs: number;
  date: string;
  /** The first traded interval as the user gave it (local HH:MM), for the log line. */
  fromText: string;
  seed: number;
  speed: number | 'max';
  /** Resolves when the user interrupts (Ctrl-C): the day ends early. */
  interrupted: Promise<void>;
  say: (line: string) => void;
  /** Where the progress goes (stderr). */
  progressOut: NodeJS.WritableStream & { isTTY?: boolean };
}

export type DemoDay =
  | { started: false; reason: string }
  | { started: true; district: District; summary: Summary; problems: string[]; finished: boolean };

/** Starts the district, runs it to the end of the day (or an interrupt) and collects the summary. Throws on a broken run; `started: false` when a tool is missing. */
export async function runDemoDay(o: DemoDayOptions): Promise<DemoDay> {
  const district = new District(o.district);
  const startedAt = performance.now();
  try {
    await district.start((step) => o.say(step));
    const b = district.operatorBroker;
    o.say(`started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s; operator broker ${b.url}${b.tls ? ` (CA ${b.tls.caFile})` : ''}, operator database ${district.operatorDatabase.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`);
  } catch (err) {
    await district.stop();
    if (err instanceof ToolMissing || err instanceof ToolMissingError) return { started: false, reason: `${err.message}${err instanceof ToolMissingError ? '; or run with --tcp-only' : ''}` };
    throw err;
  }
  const hours = (o.toMs - o.fromMs) / 3_600_000;
  o.say(`${district.gateways.size} gateways trading ${o.date} ${o.fromText} +${hours} h (${DEMO_TIME_ZONE}) at ${o.district.speed}x${o.district.control === false ? ', batteries not steered' : ''}; dashboards: ${[...district.gateways.values()].map((g) => `${g.id} http://127.0.0.1:${g.apiPort}/`).join(', ')}`);
  const progress = new DemoProgress(district, o.fromMs, o.toMs, o.progressOut);
  const finished = await Promise.race([district.until(o.endMs, (now) => progress.tick(now)).then(() => true), o.interrupted.then(() => false)]);
  progress.done();
  try {
    const lastMs = finished ? o.toMs : Math.max(o.fromMs, Math.floor((district.clock.now() - 20 * 60_000) / 900_000) * 900_000);
    const collected = collectSummary({
      roster: district.plan.roster,
      gateways: [...district.gateways.values()],
      prices: o.prices.between(o.fromMs, lastMs),
      operator: { recordsStored: district.operatorStats.stored, duplicatesDropped: district.operatorStats.duplicates, refused: district.operatorStats.refused },
      district: { date: o.date, timeZone: DEMO_TIME_ZONE, seed: o.seed, speed: o.speed, sources: o.prices.sources },
    });
    if (!collected.ok) throw new Error(`the day's summary does not check: ${collected.error.detail}`);
    // Without control the market may well cost more than alone: that is what the run measures, not a failure.
    const problems = demoProblems(collected.value, o.district.control === false ? { marketNotDearer: false } : {});
    return { started: true, district, summary: collected.value, problems, finished };
  } catch (err) {
    await district.stop();
    throw err;
  }
}
