// `nabo sim`: run a simulated fleet of meters, inverters, batteries and pulse boards on real
// transports, and write a gateway config for each of its buildings.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RealClock, SimulatedClock, type Clock } from '../../clock/clock.js';
import { loadFleetFile, type FleetSpec } from '../../../device-sim/fleet/fleet-file.js';
import { s0CapacityKW } from '../../../device-sim/fleet/fleet-runner.js';
import { startSimulator, type Simulator } from '../../../device-sim/fleet/simulator.js';
import { generateFleet } from '../../../device-sim/fleet/generate.js';
import { gatewayConfigs } from '../../config/from-fleet.js';
import { readListingFile, type FleetListing } from '../../../device-sim/fleet/listing.js';
import type { DeviceEndpoint } from '../../../device-sim/devices/simulated-device.js';
import { ToolMissingError } from '../../../device-sim/transports/pty-pair.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}..${max}, got '${raw}'`);
  return n;
}

function where(e: DeviceEndpoint): string {
  switch (e.transport) {
    case 'modbus-tcp':
      return `${e.host}:${e.port} unit ${e.unitId}`;
    case 'modbus-rtu':
      return `${e.path} unit ${e.unitId} (${e.baudRate} ${e.parity})`;
    case 'firmata':
      return `${e.path} pins ${e.s0Pins.map((p) => p.pin).join(',')}`;
    default:
      return e.path;
  }
}

function printProblems(problems: Array<{ path: string; message: string }>, what: string): void {
  process.stderr.write(`${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  for (const p of problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
}

interface FleetOptions {
  file?: string;
  blocks?: string;
  buildings?: string;
  seed?: string;
  speed?: string;
  start?: string;
  stepMs?: string;
  out?: string;
  tcpOnly?: boolean;
  controlPort?: string;
  format?: string;
}

function fleetSpecFrom(opts: FleetOptions, speed: number): FleetSpec | undefined {
  if (opts.file) {
    if (opts.blocks || opts.buildings || opts.seed) throw new UsageError('give either --file or --blocks/--buildings/--seed, not both');
    const r = loadFleetFile(opts.file);
    if (!r.ok) {
      printProblems(r.problems, opts.file);
      return undefined;
    }
    if (opts.stepMs) r.fleet.stepMs = intOption('step-ms', opts.stepMs, 1000, 100, 900_000);
    return r.fleet;
  }
  // Coarser physics cells at high speed keep the CPU cost per real second bounded.
  const stepMs = intOption('step-ms', opts.stepMs, 1000 * Math.max(1, Math.ceil(speed / 120)), 100, 900_000);
  return generateFleet({
    blocks: intOption('blocks', opts.blocks, 1, 1, 100),
    buildings: intOption('buildings', opts.buildings, 4, 1, 100),
    seed: intOption('seed', opts.seed, 42, 0, 2 ** 32 - 1),
    tcpOnly: opts.tcpOnly === true,
    stepMs,
    speed,
  });
}

async function runFleet(opts: FleetOptions): Promise<number> {
  // Checked before anything starts: a usage error after the devices are up would leave them running.
  const format = resolveFormat(opts.format);
  const speed = opts.speed === undefined ? 1 : Number(opts.speed);
  if (!(speed > 0 && Number.isFinite(speed))) throw new UsageError(`--speed must be a positive number, got '${opts.speed}'`);
  let startMs: number | undefined;
  if (opts.start !== undefined) {
    startMs = Date.parse(opts.start);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(opts.start) || Number.isNaN(startMs)) throw new UsageError(`--start must be an ISO 8601 UTC time such as 2026-06-21T00:00:00Z, got '${opts.start}'`);
  }
  const spec = fleetSpecFrom(opts, speed);
  if (!spec) return EXIT_USAGE;
  const simulated = speed !== 1 || startMs !== undefined;
  let clock: Clock;
  const wall = new RealClock();
  const realStartMs = wall.now();
  if (simulated) {
    const sim = new SimulatedClock({ startMs: startMs ?? realStartMs, speed });
    sim.start();
    clock = sim;
  } else clock = wall;

  for (const b of spec.blocks.flatMap((k) => k.buildings)) {
    for (const d of b.devices) {
      if (d.kind !== 's0-board') continue;
      for (const p of d.pins) {
        const kW = s0CapacityKW(speed, p.impulsesPerKWh);
        // Pulses that come faster than the line can carry are owed, not lost, but they lag.
        if (kW < 15) process.stderr.write(`warning: ${b.id}-${d.id} pin ${p.pin}: at speed ${speed} and ${p.impulsesPerKWh} imp/kWh an S0 output carries at most ${kW.toFixed(2)} kW; the pulse count lags the truth above that\n`);
      }
    }
  }
  // Every pushed frame costs CPU: thousands per real second can hold the simulated clock back
  // on a small machine, so say so rather than let the run quietly go slower.
  const pushesPerRealSecond = spec.blocks
    .flatMap((k) => k.buildings.flatMap((b) => b.devices))
    .reduce((n, d) => n + (d.kind === 'han' ? speed / (d.vendor === 'kamstrup' ? 10 : 2) : d.kind === 'p1' ? speed / (d.dsmrVersion === '4.2' ? 10 : 1) : 0), 0);
  if (simulated && pushesPerRealSecond > 2000) {
    process.stderr.write(`warning: at speed ${speed} the HAN and P1 meters push about ${Math.round(pushesPerRealSecond)} frames per real second; the simulated clock may fall behind ${speed}× (use --tcp-only or a lower speed)\n`);
  }
  let sim: Simulator;
  try {
    sim = await startSimulator(spec, {
      clock,
      tcpOnly: opts.tcpOnly === true,
      controlPort: intOption('control-port', opts.controlPort, 0, 0, 65535),
      onStarted: (id, e) => process.stderr.write(`started ${id} at ${where(e)}\n`),
    });
  } catch (err) {
    if (clock instanceof SimulatedClock) clock.stop();
    if (err instanceof ToolMissingError) {
      process.stderr.write(`nabo sim fleet: ${err.message}; or run with --tcp-only (Modbus TCP devices only)\n`);
      return EXIT_FAILED;
    }
    throw err;
  }
  const { running, control } = sim;
  // Devices that did not start have no endpoint: the listing leaves them out, `skipped` says why.
  const listing: FleetListing = sim.listing({
    mode: simulated ? 'simulated' : 'real',
    startAt: new Date(simulated ? (startMs ?? realStartMs) : sim.world.startMs).toISOString(),
    speed,
    realStartedAt: new Date(realStartMs).toISOString(),
  });
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(listing, null, 2)}\n`);
  if (format === 'json') printJson({ ...listing, skipped: running.skipped });
  else {
    const rows = listing.blocks.flatMap((b) => b.buildings.flatMap((h) => h.devices.map((d) => [b.id, h.id, d.deviceId, d.kind, d.endpoint.transport, where(d.endpoint)])));
    process.stdout.write(formatTable(['block', 'building', 'device', 'kind', 'transport', 'where'], rows));
    for (const s of running.skipped) process.stdout.write(`skipped ${s.deviceId}: ${s.reason}\n`);
    process.stdout.write(`control API: ${control.url}  (GET /clock, /buildings/:id[/intervals], /devices/:id; PUT /devices/:id/faults)\n`);
  }
  process.stderr.write(`fleet running (${running.devices.size} devices, speed ${speed}); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write('stopping the fleet\n');
  await sim.close();
  if (clock instanceof SimulatedClock) clock.stop();
  return EXIT_OK;
}

function writeConfigs(opts: { fleet?: string; out?: string; format?: string }): number {
  if (!opts.fleet) throw new UsageError('--fleet <fleet.json> is required (the file `nabo sim fleet --out` wrote)');
  if (!opts.out) throw new UsageError('--out <dir> is required');
  const format = resolveFormat(opts.format);
  const read = readListingFile(opts.fleet);
  if (!read.ok) {
    printProblems(read.problems, opts.fleet);
    return EXIT_USAGE;
  }
  const outDir = path.resolve(opts.out);
  const result = gatewayConfigs(read.listing, { dataRoot: path.join(outDir, 'data') });
  if (!result.ok) {
    printProblems(result.problems, `config for building ${result.buildingId}`);
    return EXIT_FAILED;
  }
  const written: Array<{ building: string; block: string; file: string }> = [];
  for (const c of result.configs) {
    const file = path.join(outDir, c.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, c.yaml);
    written.push({ building: c.buildingId, block: c.blockId, file });
  }
  if (format === 'json') printJson({ configs: written });
  else process.stdout.write(formatTable(['block', 'building', 'config'], written.map((w) => [w.block, w.building, w.file])));
  return EXIT_OK;
}

export function register(program: Command): void {
  const sim = program.command('sim').description('run simulated devices and fleets');
  sim
    .command('fleet')
    .description('start a simulated fleet on real transports, print where every device listens, run until stopped')
    .option('--file <fleet.yaml>', 'a fleet file (blocks, buildings, devices)')
    .option('--blocks <n>', 'generated fleet: number of blocks (default 1)')
    .option('--buildings <n>', 'generated fleet: buildings per block (default 4)')
    .option('--seed <n>', 'generated fleet: seed of everything random (default 42)')
    .option('--speed <x>', 'simulated ms per real ms: 1 real time, 60 an hour a minute, 1440 a day a minute', '1')
    .option('--start <iso>', 'simulated start time, e.g. 2026-06-21T00:00:00Z (default: now)')
    .option('--step-ms <ms>', 'physics cell length (default 1000, coarser at high speed)')
    .option('--out <fleet.json>', 'also write the listing as JSON (input of `nabo sim configs`)')
    .option('--tcp-only', 'only Modbus TCP devices: no pseudo-terminals, no socat needed')
    .option('--control-port <port>', 'port of the control API (default: a free one)')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo sim fleet --blocks 3 --buildings 4 --seed 42 --speed 60 --start 2026-06-21T00:00:00Z --out fleet.json\n  $ nabo sim fleet --file deploy/examples/fleet.yaml --out fleet.json\n')
    .action(async (opts: FleetOptions) => {
      process.exitCode = await runFleet(opts);
    });
  sim
    .command('configs')
    .description('write one gateway config (nabo.yaml) per building of a running fleet')
    .option('--fleet <fleet.json>', 'the listing `nabo sim fleet --out` wrote')
    .option('--out <dir>', 'output directory; configs go to <dir>/<building>/nabo.yaml')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo sim configs --fleet fleet.json --out sim-configs/\n  $ nabo config check sim-configs/b1-h1/nabo.yaml\n')
    .action((opts: { fleet?: string; out?: string; format?: string }) => {
      process.exitCode = writeConfigs(opts);
    });
  sim
    .command('check')
    .description('validate a fleet file; print every problem with its path; exit 2 when invalid')
    .argument('<fleet.yaml>', 'the fleet file')
    .addHelpText('after', '\nExample:\n  $ nabo sim check deploy/examples/fleet.yaml\n')
    .action((file: string) => {
      const r = loadFleetFile(file);
      if (r.ok) {
        const buildings = r.fleet.blocks.reduce((n, b) => n + b.buildings.length, 0);
        process.stdout.write(`${file}: valid (${r.fleet.blocks.length} blocks, ${buildings} buildings)\n`);
        process.exitCode = EXIT_OK;
        return;
      }
      printProblems(r.problems, file);
      process.exitCode = EXIT_USAGE;
    });
}
