// Shared start-up of the gateway commands: the config (exit 2 with paths when invalid), the
// clock (real, or simulated from the config or the command line) and the logger.
import { startWhenAnchored } from '../clock/anchor-file.js';
import { SimulatedClock, RealClock, type Clock } from '../clock/clock.js';
import { loadConfigFile } from '../config/load.js';
import type { NaboConfig } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { UsageError } from './output.js';

export interface ClockFlags {
  speed?: string;
  start?: string;
}

export function loadConfigOrExit(file: string): NaboConfig {
  const r = loadConfigFile(file);
  if (!r.ok) throw new UsageError(`${file} is not a valid config:\n${r.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return r.config;
}

export function clockFrom(config: NaboConfig, flags: ClockFlags): Clock {
  const speed = flags.speed !== undefined ? Number(flags.speed) : config.clock.mode === 'simulated' ? config.clock.speed : undefined;
  if (speed !== undefined && !(speed > 0 && Number.isFinite(speed))) throw new UsageError(`--speed must be a positive number, got ${flags.speed}`);
  const startText = flags.start ?? (config.clock.mode === 'simulated' ? config.clock.startAt : undefined);
  if (speed === undefined && startText === undefined) return new RealClock();
  let startMs = startText === undefined ? new RealClock().now() : Date.parse(startText);
  if (!Number.isFinite(startMs)) throw new UsageError(`--start must be an ISO 8601 time, got ${startText}`);
  // Follow a simulator that started earlier: simulated time has moved on by the real time since.
  if (flags.start === undefined && config.clock.mode === 'simulated' && config.clock.anchoredAt !== undefined && config.clock.anchorFile === undefined) {
    startMs += (new RealClock().now() - Date.parse(config.clock.anchoredAt)) * (speed ?? 1);
  }
  const clock = new SimulatedClock({ startMs, speed: speed ?? 1 });
  // Hold at startAt until the district's anchor file says when time began (then catch up).
  if (flags.start === undefined && config.clock.mode === 'simulated' && config.clock.anchorFile !== undefined) startWhenAnchored(clock, config.clock.anchorFile);
  else clock.start();
  return clock;
}

export function loggerFor(config: NaboConfig, name: string): Logger {
  return createLogger({ level: process.env.NABO_LOG_LEVEL ?? config.log.level, name });
}
