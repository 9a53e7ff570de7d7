// One simulated building on real transports (Modbus TCP, a pty RTU bus, HAN, P1, a Firmata S0
// board) and a gateway reading it with the config the simulator writes for it, both on one
// SimulatedClock stepped in lockstep. Records the physics' counters at chosen instants.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SimulatedClock } from '../../gateway/clock/clock.js';
import { validateConfig } from '../../gateway/config/load.js';
import type { NaboConfig } from '../../gateway/config/schema.js';
import { startGateway, type GatewayHandle } from '../../gateway/daemon.js';
import type { FirmataBus, PushBus } from '../../gateway/acquisition/build.js';
import { createLogger } from '../../gateway/log/logger.js';
import type { FirmataBoard } from '../../device-sim/devices/firmata-board.js';
import type { PushMeter } from '../../device-sim/devices/push-meter.js';
import { pacePushMeters, type PushPace } from '../../device-sim/devices/paced-push-meters.js';
import { validateFleet } from '../../device-sim/fleet/fleet-file.js';
import { s0PulseWidthMs, startFleet, type RunningFleet } from '../../device-sim/fleet/fleet-runner.js';
import { FleetWorld, type SimBuilding } from '../../device-sim/fleet/fleet-world.js';
import { gatewayConfigFor } from '../../gateway/config/from-fleet.js';
import { buildListing } from '../../device-sim/fleet/listing.js';
import { Lockstep, type QuietCheck } from './lockstep.js';

export interface RigOptions {
  fleet: unknown;
  startMs: number;
  /** Changes to the generated gateway config (poll periods, flush period) before validation. */
  adjustConfig?: (raw: Record<string, unknown>) => void;
  maxQuietWaitMs?: number;
  /** Push HAN list 2 and P1 telegrams at this pace instead of the meters' own (every 10 s). */
  pushPace?: PushPace;
}

export interface CounterTruth {
  energyImportWh: number;
  energyExportWh: number;
}

export interface Rig {
  clock: SimulatedClock;
  world: FleetWorld;
  building: SimBuilding;
  fleet: RunningFleet;
  config: NaboConfig;
  gateway: GatewayHandle;
  lockstep: Lockstep;
  /** Log lines the gateway wrote (JSON). */
  logLines: string[];
  /** Grid meter counters of the physics, by instant, as recorded by `recordTruth`. */
  truth: Map<number, CounterTruth>;
  /** S0 pulses each board had started, by instant and fleet device id. */
  pulsesAt: Map<number, Map<string, number>>;
  recordTruth(atMs: number): void;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions): Promise<Rig> {
  const checked = validateFleet(options.fleet);
  if (!checked.ok) throw new Error(`fleet: ${JSON.stringify(checked.problems)}`);
  const spec = checked.fleet;
  const clock = new SimulatedClock({ startMs: options.startMs });
  const world = new FleetWorld(spec, clock);
  if (world.buildings.length !== 1) throw new Error('the rig runs one building');
  const building = world.buildings[0] as SimBuilding;
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'nabo-day-'));
  const fleet = await startFleet(world);
  const closers: Array<() => Promise<void> | void> = [() => fleet.close(), () => rmSync(dataRoot, { recursive: true, force: true })];
  try {
    if (options.pushPace) await pacePushMeters(fleet, options.pushPace);
    const listing = buildListing(world, { clock: { mode: 'simulated', startAt: new Date(options.startMs).toISOString(), speed: 1 }, endpoints: fleet.endpoints });
    const block = listing.blocks[0];
    const listed = block?.buildings[0];
    if (!block || !listed) throw new Error('listing has no building');
    const raw = gatewayConfigFor(listing, block.id, listed, { dataRoot });
    options.adjustConfig?.(raw);
    const validated = validateConfig(raw, {});
    if (!validated.ok) throw new Error(`generated config: ${JSON.stringify(validated.problems)}`);
    const config = validated.config;
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
        cb();
      },
    });
    const log = createLogger({ level: 'info', pretty: false, destination: sink });
    const gateway = await startGateway(config, clock, log);
    closers.unshift(() => gateway.stop());

    const checks: QuietCheck[] = [
      {
        name: 'gateway reads',
        pending: () => (gateway.acquisition.readsInFlight > 0 ? `${gateway.acquisition.readsInFlight} in flight` : undefined),
        settle: () => gateway.acquisition.idle(),
      },
    ];
    const busByPath = (p: string) => [...gateway.built.buses.values()].find((b) => 'path' in b.config && b.config.path === p);
    for (const [deviceId, device] of fleet.devices) {
      const endpoint = fleet.endpoints.get(deviceId);
      if (endpoint?.transport === 'han' || endpoint?.transport === 'dsmr-p1') {
        const meter = device as unknown as PushMeter;
        const bus = busByPath(endpoint.path) as PushBus | undefined;
        if (!bus) throw new Error(`no gateway bus for ${deviceId} at ${endpoint.path}`);
        checks.push({
          name: `${deviceId} frames`,
          pending: () => {
            const got = bus.port.frames + bus.port.rejected;
            return got < meter.framesSent ? `${meter.framesSent - got} of ${meter.framesSent} frames not arrived` : undefined;
          },
        });
      } else if (endpoint?.transport === 'firmata') {
        const board = device as unknown as FirmataBoard;
        const bus = busByPath(endpoint.path) as FirmataBus | undefined;
        if (!bus) throw new Error(`no gateway bus for ${deviceId} at ${endpoint.path}`);
        // Rising edges are the pulses the board started; each falls a pulse width later.
        const rises: number[] = [];
        const widthMs = s0PulseWidthMs(clock.speed);
        let falls = 0;
        checks.push({
          name: `${deviceId} S0 edges`,
          pending: () => {
            const now = clock.now();
            let pulses = 0;
            for (const n of board.pulseCounts().values()) pulses += n;
            while (rises.length < pulses) rises.push(now);
            while (falls < rises.length && (rises[falls] as number) + widthMs <= now) falls++;
            const seen = bus.port.edgesSeen;
            if (seen.rising < rises.length || seen.falling < falls) return `johnny-five saw ${seen.rising}/${rises.length} rising and ${seen.falling}/${falls} falling edges`;
            return undefined;
          },
        });
      }
    }
    const lockstep = new Lockstep({ clock, checks, maxWaitMs: options.maxQuietWaitMs ?? 10_000 });
    const truth = new Map<number, CounterTruth>();
    const pulsesAt = new Map<number, Map<string, number>>();
    const recordTruth = (atMs: number): void => {
      if (clock.now() !== atMs) throw new Error(`truth asked for ${atMs} at ${clock.now()}`);
      const v = building.valuesFor('sdm630');
      truth.set(atMs, { energyImportWh: v.energyImportWh ?? NaN, energyExportWh: v.energyExportWh ?? NaN });
      const pulses = new Map<string, number>();
      for (const [id, d] of fleet.devices) if (fleet.endpoints.get(id)?.transport === 'firmata') pulses.set(id, [...(d as unknown as FirmataBoard).pulseCounts().values()].reduce((a, b) => a + b, 0));
      pulsesAt.set(atMs, pulses);
    };
    let closed = false;
    return {
      clock,
      world,
      building,
      fleet,
      config,
      gateway,
      lockstep,
      logLines,
      truth,
      pulsesAt,
      recordTruth,
      close: async () => {
        if (closed) return;
        closed = true;
        for (const c of closers) await c();
      },
    };
  } catch (err) {
    for (const c of closers) await c();
    throw err;
  }
}
