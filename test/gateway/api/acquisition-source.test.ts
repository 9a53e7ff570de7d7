import { describe, expect, it } from 'vitest';
import { acquisitionSourceOf, type AcquisitionLike } from '../../../gateway/api/acquisition-source.js';
import { HealthRegistry } from '../../../gateway/acquisition/health.js';

/** An acquisition service that can be stopped and started again, as the service host does. */
function restartable() {
  let running: { health: HealthRegistry; latestReadings: () => [] } | undefined;
  const target: AcquisitionLike = {
    health: () => running?.health.snapshot() ?? { devices: [], buses: [] },
    get acquisition() {
      if (!running) throw new Error('acquisition is not running');
      return running;
    },
  };
  return {
    target,
    start: () => (running = { health: new HealthRegistry(), latestReadings: () => [] }).health,
    stop: () => (running = undefined),
  };
}

describe('acquisition source', () => {
  it('hears read latencies, and follows the acquisition across a restart', () => {
    const svc = restartable();
    const source = acquisitionSourceOf(svc.target);
    const heard: number[] = [];
    const first = svc.start();
    const unsubscribe = source.onReadLatency!((_bus, _device, ms) => heard.push(ms));
    first.recordSuccess('grid', 'lan', 0, 12);
    svc.stop();
    expect(source.latest()).toEqual([]);
    expect(source.health()).toEqual({ devices: [], buses: [] });
    const second = svc.start();
    source.health(); // what the API does every second or scrape
    second.recordSuccess('grid', 'lan', 0, 34);
    first.recordSuccess('grid', 'lan', 0, 99); // the old registry is no longer heard
    expect(heard).toEqual([12, 34]);
    unsubscribe();
    second.recordSuccess('grid', 'lan', 0, 56);
    expect(heard).toEqual([12, 34]);
  });

  it('reads nothing, without throwing, before the acquisition runs', () => {
    const svc = restartable();
    const source = acquisitionSourceOf(svc.target);
    expect(source.latest()).toEqual([]);
    expect(() => source.onReadLatency!(() => undefined)).not.toThrow();
  });
});
