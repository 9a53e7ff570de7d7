// A simulated clock that holds until a file names the real instant it started. A district of
// processes (the demo, the district tests) starts every gateway first and lets time move only
// once all of them follow it; a gateway that starts later reads the file and catches up.
import { existsSync, readFileSync } from 'node:fs';
import { fail, ok, type Result } from '../../core/result.js';
import { RealClock, type SimulatedClock } from './clock.js';

/** The instant in the file (`{"anchoredAt": "<ISO 8601>"}`), or why it cannot be read (yet). */
export function readAnchorFile(file: string): Result<number> {
  if (!existsSync(file)) return fail('missing', `${file} does not exist yet`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // A writer renames the file into place, so a partial file means something else wrote it.
    return fail('parse', `${file}: ${(err as Error).message}`);
  }
  const at = typeof parsed === 'object' && parsed !== null ? (parsed as { anchoredAt?: unknown }).anchoredAt : undefined;
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  if (!Number.isFinite(ms)) return fail('parse', `${file}: anchoredAt must be an ISO 8601 time`);
  return ok(ms);
}

export interface AnchorWait {
  /** Resolves with the anchor once the clock runs. */
  readonly started: Promise<number>;
  cancel(): void;
}

/**
 * Starts `clock` as of the instant the file names, checking for it every `pollMs` real ms. The
 * check does not keep the process alive: a gateway stopped before time moved still exits.
 */
export function startWhenAnchored(clock: SimulatedClock, file: string, pollMs = 50, real = new RealClock()): AnchorWait {
  let timer: NodeJS.Timeout | undefined;
  let resolveStarted!: (ms: number) => void;
  const started = new Promise<number>((r) => (resolveStarted = r));
  const check = (): boolean => {
    const anchor = readAnchorFile(file);
    if (!anchor.ok) return false;
    if (timer) clearInterval(timer);
    clock.start(real.now() - anchor.value);
    resolveStarted(anchor.value);
    return true;
  };
  if (!check()) timer = setInterval(check, pollMs).unref();
  return { started, cancel: () => timer && clearInterval(timer) };
}
