// `nabo schedule <case.csv>`: the day-ahead community LP on a case file, printed as JSON (or a
// KPI table for people). Bad files and flags exit 2 naming the line, column or flag.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { BACKEND_NAMES, BACKENDS, isBackendName } from '../../../edge-solver/lp/index.js';
import { parseCaseCsv, solveSchedule, type BatterySpec, type ScheduleCase, type ScheduleOptions } from '../../../edge-solver/schedule/index.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

interface ScheduleFlags {
  p2p: boolean;
  batteries?: string;
  batteryKwh: string;
  batteryKw: string;
  efficiency: string;
  gridCharging: boolean;
  ownSurplusOnly?: boolean;
  loss: string;
  backend: string;
  stepHours: string;
  poolHub?: boolean;
  export: boolean;
  capacityTariff?: string;
  terminalSoc?: string;
  compareAlone: boolean;
  format?: string;
}

function number(flag: string, text: string, check: (x: number) => boolean, want: string): number {
  const x = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(x) || !check(x)) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not ${want}`);
  return x;
}

function readCase(file: string, stepHours: number): ScheduleCase {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const parsed = parseCaseCsv(text, { stepHours });
  if (!parsed.ok) {
    const e = parsed.error;
    throw new UsageError(`${file}:${e.line}${e.column ? ` column ${e.column}` : ''}: ${e.detail} (${e.kind})`);
  }
  return parsed.value;
}

/** Puts the battery on the listed houses, or pools them into one hub for the Pool Hub design. */
function withBatteries(c: ScheduleCase, houses: string[], spec: BatterySpec, poolHub: boolean): ScheduleCase {
  const known = new Set(c.buildings.map((b) => b.id));
  const seen = new Set<string>();
  for (const h of houses) {
    if (!known.has(h)) throw new UsageError(`--batteries: no house ${JSON.stringify(h)} in the case (houses ${c.buildings[0]?.id}..${c.buildings.at(-1)?.id})`);
    if (seen.has(h)) throw new UsageError(`--batteries: house ${h} listed twice`);
    seen.add(h);
  }
  if (houses.length === 0) return c;
  if (poolHub) {
    const n = houses.length;
    const hub: BatterySpec = { ...spec, capacityKWh: n * spec.capacityKWh, chargePowerKW: n * spec.chargePowerKW, dischargePowerKW: n * spec.dischargePowerKW, terminalSocKWh: n * (spec.terminalSocKWh ?? 0) };
    return { ...c, blocks: c.blocks.map((b) => ({ ...b, hubBattery: hub })) };
  }
  return { ...c, buildings: c.buildings.map((b) => (seen.has(b.id) ? { ...b, battery: spec } : b)) };
}

const round = (x: number | null, digits = 6): number | null => (x === null ? null : Number(x.toFixed(digits)));

/** Every number to 6 decimals: an LP's answers carry solver noise below that (1 mWh, 1e-6 pence). */
function toMicro<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? Number(value.toFixed(6)) + 0 : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => toMicro(v)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toMicro(v)])) as T;
  return value;
}

/** The case file's prices are pence per kWh (its columns say so), so costs are in pence. */
const COST_UNIT = 'pence';

export function register(program: Command): void {
  program
    .command('schedule')
    .description('solve the day-ahead community LP (Lüth et al. 2018) on a case CSV and print objective, KPIs and schedules')
    .argument('<case.csv>', 'case in the format of test/fixtures/market-cases (step, house, demand, PV, wind, prices)')
    .option('--no-p2p', 'no trade between houses (each house alone)')
    .option('--batteries <houses>', 'comma-separated houses with a battery, e.g. 5,15,23')
    .option('--battery-kwh <kWh>', 'battery capacity', '4')
    .option('--battery-kw <kW>', 'battery charge and discharge power', '2.5')
    .option('--efficiency <share>', 'charge and (separately) discharge efficiency', '0.9408')
    .option('--no-grid-charging', 'batteries charge only from distributed generation, the house\'s own or bought from a neighbour, never from the grid (Lüth et al. 2018)')
    .option('--own-surplus-only', 'stricter: batteries charge only from the house\'s own surplus in the step (hub: from the houses\' surplus)')
    .option('--loss <share>', 'share of P2P energy lost (Lüth: 0.076)', '0.076')
    .option('--backend <name>', `LP backend: ${BACKEND_NAMES.join(', ')}`, 'highs')
    .option('--step-hours <h>', 'hours per step of the case', '0.5')
    .option('--pool-hub', 'Pool Hub design: the listed batteries become one shared battery of the block')
    .option('--no-export', 'no feed-in: surplus that nobody uses is curtailed (as in the PCDG app)')
    .option('--capacity-tariff <price per kW>', 'add price × mean of the 3 highest daily import peaks per house')
    .option('--terminal-soc <kWh>', 'each battery ends the horizon with at least this energy', '0')
    .option('--no-compare-alone', 'skip solving each house alone (no savings KPI)')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ nabo schedule test/fixtures/market-cases/pcdg-25-houses-day.csv --no-p2p\n' +
        '  $ nabo schedule test/fixtures/market-cases/pcdg-25-houses-day.csv --batteries 5,15,23 --no-grid-charging --format table\n',
    )
    .action(async (file: string, flags: ScheduleFlags) => {
      if (!isBackendName(flags.backend)) throw new UsageError(`--backend: ${JSON.stringify(flags.backend)} is not one of ${BACKEND_NAMES.join(', ')}`);
      const format = resolveFormat(flags.format);
      if (flags.format !== undefined && flags.format !== format) throw new UsageError(`--format: ${JSON.stringify(flags.format)} is not json or table`);
      const stepHours = number('--step-hours', flags.stepHours, (x) => x > 0 && x <= 24, 'a step length in hours (0, 24]');
      const capacityKWh = number('--battery-kwh', flags.batteryKwh, (x) => x >= 0, 'an energy ≥ 0');
      const spec: BatterySpec = {
        capacityKWh,
        chargePowerKW: number('--battery-kw', flags.batteryKw, (x) => x >= 0, 'a power ≥ 0'),
        dischargePowerKW: number('--battery-kw', flags.batteryKw, (x) => x >= 0, 'a power ≥ 0'),
        chargeEfficiency: number('--efficiency', flags.efficiency, (x) => x > 0 && x <= 1, 'a share in (0, 1]'),
        dischargeEfficiency: number('--efficiency', flags.efficiency, (x) => x > 0 && x <= 1, 'a share in (0, 1]'),
        terminalSocKWh: number('--terminal-soc', flags.terminalSoc ?? '0', (x) => x >= 0 && x <= capacityKWh, `an energy in [0, ${capacityKWh}] kWh`),
      };
      const houses = flags.batteries === undefined ? [] : flags.batteries.split(',').map((h) => h.trim());
      if (houses.some((h) => h === '')) throw new UsageError(`--batteries: ${JSON.stringify(flags.batteries)} has an empty house id`);
      if (flags.poolHub && !flags.p2p) throw new UsageError('--pool-hub needs P2P (the hub sits on the pool); drop --no-p2p');
      const options: ScheduleOptions = {
        p2p: flags.p2p,
        lossShare: number('--loss', flags.loss, (x) => x >= 0 && x < 1, 'a share in [0, 1)'),
        design: flags.poolHub ? 'pool-hub' : 'flexi-user',
        gridCharging: flags.ownSurplusOnly ? 'own-surplus-only' : flags.gridCharging,
        exportAllowed: flags.export,
        compareAlone: flags.compareAlone,
        ...(flags.capacityTariff === undefined ? {} : { capacityTariff: { pricePerKW: number('--capacity-tariff', flags.capacityTariff, (x) => x >= 0, 'a price ≥ 0') } }),
      };
      const scheduleCase = withBatteries(readCase(file, stepHours), houses, spec, flags.poolHub === true);
      const result = await solveSchedule(scheduleCase, options, BACKENDS[flags.backend]);
      if (!result.ok) {
        process.stderr.write(`nabo schedule: ${result.error.kind}: ${result.error.detail}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      const r = result.value;
      if (format === 'json') {
        // Costs are in the case's currency per its price columns (pence per kWh).
        printJson(toMicro({ case: file, batteries: houses, costUnit: COST_UNIT, ...r }));
      } else {
        const k = r.kpis;
        process.stdout.write(`${file}: objective ${round(r.objective, 2)} ${COST_UNIT} (${r.backend}, ${r.model.variables} variables, ${r.model.rows} rows)\n`);
        // Money to 0.01 of its unit, energy to 1 Wh, shares as percent to 0.1.
        const percent = (x: number | null): number | null => (x === null ? null : round(x * 100, 1));
        const rows: Array<[string, number | null, string]> = [
          ['cost', round(k.costTotal, 2), COST_UNIT], ['cost of each house alone', round(k.costAlone, 2), COST_UNIT], ['savings', round(k.savingsVsAlone, 2), COST_UNIT],
          ['demand', round(k.demandKWh, 3), 'kWh'], ['generation', round(k.generationKWh, 3), 'kWh'], ['grid import', round(k.importKWh, 3), 'kWh'], ['grid export', round(k.exportKWh, 3), 'kWh'],
          ['P2P bought', round(k.p2pPurchasedKWh, 3), 'kWh'], ['P2P loss', round(k.p2pLossKWh, 3), 'kWh'], ['curtailed', round(k.curtailedKWh, 3), 'kWh'],
          ['self-sufficiency', percent(k.selfSufficiency), '%'], ['self-consumption', percent(k.selfConsumption), '%'], ['peak import', round(k.peakImportKW, 3), 'kW'],
        ];
        process.stdout.write(formatTable(['KPI', 'value', 'unit'], rows));
        process.stdout.write(formatTable(['house', 'import kWh', 'sold kWh', 'bought kWh', `cost ${COST_UNIT}`, `alone ${COST_UNIT}`], r.buildings.map((b) => [
          b.id, round(b.importKWh.reduce((s, x) => s + x, 0), 3), round(b.saleKWh.reduce((s, x) => s + x, 0), 3), round(b.purchaseKWh.reduce((s, x) => s + x, 0), 3), round(b.costInCommunity, 2), round(b.costAlone, 2),
        ])));
      }
      process.exitCode = EXIT_OK;
    });
}
