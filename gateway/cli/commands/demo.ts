import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFleet } from '../../../device-sim/fleet/generate.js';
import { gatewayConfigFor } from '../../config/from-fleet.js';
import { startSimulator } from '../../../device-sim/fleet/simulator.js';
import { ToolMissingError } from '../../../device-sim/transports/pty-pair.js';
import { SimulatedClock } from '../../clock/clock.js';
import { validateConfig } from '../../config/load.js';
import { startGateway, type GatewayHandle } from '../../daemon.js';
import { createLogger } from '../../log/logger.js';
import { EXIT_FAILED, EXIT_OK, UsageError, formatTable, resolveFormat } from '../output.js';

interface DemoOptions {
  blocks: string;
  buildings: string;
  seed: string;
  speed: string;
  start: string;
  minutes?: string;
  every: string;
  tcpOnly?: boolean;
  data?: string;
  format?: string;
}

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number 1..${max}, got '${text}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('run a simulated block on one machine: the device simulator on real transports and one gateway per building reading it (the block market joins when its issue lands)')
    .option('--blocks <n>', 'blocks', '1')
    .option('--buildings <n>', 'buildings per block', '3')
    .option('--seed <n>', 'seed of everything random', '42')
    .option('--speed <x>', 'simulated time per real time', '60')
    .option('--start <iso>', 'simulated start', '2026-06-21T06:00:00Z')
    .option('--minutes <n>', 'stop after this many simulated minutes (default: run until Ctrl-C)')
    .option('--every <minutes>', 'simulated minutes between summaries', '15')
    .option('--tcp-only', 'Modbus TCP devices only (no socat needed)')
    .option('--data <dir>', 'where the gateways keep their stores (default: a fresh temp folder, removed when the demo ends)')
    .option('--format <format>', 'json (one line per summary) or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo demo\n  $ nabo demo --buildings 4 --speed 120 --minutes 240 --format json\n')
    .action(async (opts: DemoOptions) => {
      const speed = Number(opts.speed);
      if (!(speed > 0 && speed <= 3600)) throw new UsageError(`--speed must be a number in (0, 3600], got '${opts.speed}'`);
      const startMs = Date.parse(opts.start);
      if (!Number.isFinite(startMs)) throw new UsageError(`--start must be an ISO 8601 UTC time, got '${opts.start}'`);
      const everyMs = positiveInt('every', opts.every, 1440) * 60_000;
      const stopAfterMs = opts.minutes === undefined ? undefined : positiveInt('minutes', opts.minutes, 525_600) * 60_000;
      const format = resolveFormat(opts.format);
      const spec = generateFleet({
        blocks: positiveInt('blocks', opts.blocks, 20),
        buildings: positiveInt('buildings', opts.buildings, 20),
        seed: positiveInt('seed', opts.seed, 2 ** 31),
        tcpOnly: opts.tcpOnly === true,
        stepMs: 1000 * Math.max(1, Math.ceil(speed / 120)),
        speed,
      });
      const clock = new SimulatedClock({ startMs, speed });
      const log = createLogger({ level: process.env.NABO_LOG_LEVEL ?? 'warn', name: 'demo' });
      let sim: Awaited<ReturnType<typeof startSimulator>>;
      try {
        sim = await startSimulator(spec, { clock, tcpOnly: opts.tcpOnly === true });
      } catch (err) {
        if (!(err instanceof ToolMissingError)) throw err;
        process.stderr.write(`nabo demo: ${err.message}; or run with --tcp-only (Modbus TCP devices only)\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      const listing = sim.listing({ mode: 'simulated', startAt: new Date(startMs).toISOString(), speed });
      const dataRoot = opts.data ?? mkdtempSync(join(tmpdir(), 'nabo-demo-'));
      // Stores the demo made for itself go with it; --data keeps them.
      const removeData = (): void => {
        if (opts.data === undefined) rmSync(dataRoot, { recursive: true, force: true });
      };
      const gateways: Array<{ blockId: string; buildingId: string; gw: GatewayHandle; gridDevice?: string }> = [];
      // The devices answer on the simulated clock (the Firmata handshake too): run it from here.
      clock.start();
      try {
        for (const block of listing.blocks) {
          for (const building of block.buildings) {
            const raw = gatewayConfigFor(listing, block.id, building, { dataRoot }) as { devices: Array<Record<string, unknown>>; clock?: unknown };
            // Poll as often as the buses can carry at this speed: every 10 simulated seconds.
            for (const d of raw.devices) d.poll = { fastMs: Math.max(10_000, speed * 100), slowMs: 60_000 };
            const parsed = validateConfig(raw, {});
            if (!parsed.ok) throw new Error(`generated config of ${building.id} is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
            const gw = await startGateway(parsed.config, clock, log.child({ gateway: building.id }));
            const grid = parsed.config.devices.find((d) => d.role === 'grid-meter');
            gateways.push({ blockId: block.id, buildingId: building.id, gw, ...(grid ? { gridDevice: grid.id } : {}) });
          }
        }
      } catch (err) {
        for (const g of gateways) await g.gw.stop();
        await sim.close();
        removeData();
        throw err;
      }
      process.stderr.write(`nabo demo: ${gateways.length} buildings simulated and read by ${gateways.length} gateways at ${speed}x; stores in ${dataRoot}${opts.data === undefined ? ' (removed at the end; --data keeps them)' : ''}; control API ${sim.control.url}\n`);

      const summary = (): Record<string, unknown> => {
        const rows = gateways.map(({ blockId, buildingId, gw, gridDevice }) => {
          const latest = gw.acquisition.latestReadings();
          const grid = latest.find((r) => r.deviceId === gridDevice)?.values;
          const pv = latest.find((r) => r.values.pvAcPowerW !== undefined)?.values.pvAcPowerW;
          const soc = latest.find((r) => r.values.socPercent !== undefined)?.values.socPercent;
          // The newest interval the gateway has computed (it waits a grace period after each boundary).
          const truths = sim.intervals.of(buildingId);
          const storedFor = (startMs: number) => (gridDevice ? gw.store.intervals.range(gridDevice, startMs, startMs + 1)[0] : undefined);
          const truth = [...truths].reverse().find((t) => storedFor(t.startMs) !== undefined) ?? truths.at(-1);
          const stored = truth ? storedFor(truth.startMs) : undefined;
          const health = gw.health();
          return {
            block: blockId,
            building: buildingId,
            gridPowerW: grid?.powerW === undefined ? null : Math.round(grid.powerW),
            pvPowerW: pv === undefined ? null : Math.round(pv),
            socPercent: soc === undefined ? null : Math.round(soc),
            lastInterval: truth ? new Date(truth.startMs).toISOString() : null,
            importWhRead: stored?.importWh ?? null,
            importWhTrue: truth ? Math.round(truth.energyWh.gridImportWh) : null,
            exportWhRead: stored?.exportWh ?? null,
            exportWhTrue: truth ? Math.round(truth.energyWh.gridExportWh) : null,
            readErrors: health.devices.reduce((n, d) => n + Object.values(d.errorsByKind).reduce((a, b) => a + b, 0), 0),
          };
        });
        return { at: new Date(clock.now()).toISOString(), buildings: rows };
      };
      const print = (): void => {
        const s = summary();
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(s)}\n`);
          return;
        }
        const rows = s.buildings as Array<Record<string, unknown>>;
        process.stdout.write(`\n${String(s.at)}\n`);
        process.stdout.write(
          formatTable(
            ['building', 'grid W', 'PV W', 'SoC %', 'last interval', 'import Wh read/true', 'export Wh read/true', 'read errors'],
            rows.map((r) => [r.building as string, r.gridPowerW as number, r.pvPowerW as number, r.socPercent as number, (r.lastInterval as string | null)?.slice(11, 16) ?? '', `${r.importWhRead ?? '–'}/${r.importWhTrue ?? '–'}`, `${r.exportWhRead ?? '–'}/${r.exportWhTrue ?? '–'}`, r.readErrors as number]),
          ),
        );
      };
      const ticker = clock.setInterval(print, everyMs);
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
        if (stopAfterMs !== undefined) clock.setTimeout(done, stopAfterMs);
      });
      clock.clear(ticker);
      print();
      let failed = false;
      for (const g of gateways) await g.gw.stop().catch(() => (failed = true));
      await sim.close();
      clock.stop();
      removeData();
      process.exitCode = failed ? EXIT_FAILED : EXIT_OK;
    });
}
