// Everything `nabo sim fleet` runs, as one call for tests and tools: the fleet's physics, its
// devices on their transports, the true interval energies and the control API.
import type { Clock } from '../../core/clock.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import type { DeviceEndpoint } from '../devices/simulated-device.js';
import type { FleetSpec } from './fleet-file.js';
import { startFleet, type RunningFleet } from './fleet-runner.js';
import { FleetWorld } from './fleet-world.js';
import { IntervalRecorder } from './interval-recorder.js';
import { buildListing, type FleetListing, type ListingOptions } from './listing.js';

export interface SimulatorOptions {
  clock: Clock;
  tcpOnly?: boolean;
  /** Length of the recorded true intervals, ms (15 minutes by default). */
  intervalMs?: number;
  /** 0 (default) picks a free port. */
  controlPort?: number;
  onStarted?: (deviceId: string, endpoint: DeviceEndpoint) => void;
}

export interface Simulator {
  world: FleetWorld;
  running: RunningFleet;
  intervals: IntervalRecorder;
  control: ControlServer;
  /** Where every running device listens. */
  listing(clock: ListingOptions['clock']): FleetListing;
  close(): Promise<void>;
}

export async function startSimulator(spec: FleetSpec, options: SimulatorOptions): Promise<Simulator> {
  const world = new FleetWorld(spec, options.clock);
  const running = await startFleet(world, { ...(options.tcpOnly ? { tcpOnly: true } : {}), ...(options.onStarted ? { onStarted: options.onStarted } : {}) });
  const intervals = new IntervalRecorder(options.clock, world.buildings, options.intervalMs);
  intervals.start();
  let control: ControlServer;
  try {
    control = await startControlServer({ world, clock: options.clock, devices: running.devices, intervals }, { port: options.controlPort ?? 0 });
  } catch (err) {
    intervals.stop();
    await running.close();
    throw err;
  }
  return {
    world,
    running,
    intervals,
    control,
    listing: (clock) => buildListing(world, { clock, controlUrl: control.url, endpoints: running.endpoints }),
    close: async () => {
      intervals.stop();
      await control.close();
      await running.close();
    },
  };
}
