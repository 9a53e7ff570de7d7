// Retention on a period, for the store service: prunes old raw readings and aggregates, and
// never lets a failure (a full or read-only disk, a locked file) escape its timer: it is logged,
// raised as an alarm once, and tried again next period; the alarm clears when a prune succeeds.
import type { Clock, TimerHandle } from '../../core/clock.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { Alarm } from '../events/events.js';
import type { Logger } from '../log/logger.js';
import { storeWriteErrorKind, type StoreWriteErrorKind } from './flusher.js';
import type { PruneResult, RetentionPolicy } from './retention.js';
import type { Store } from './store.js';

export class RetentionJob {
  private timer: TimerHandle | undefined;
  private failing = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly policy: RetentionPolicy,
    private readonly options: { onAlarm?: (alarm: Alarm) => void } = {},
  ) {}

  /** Prunes every `periodMs` (an hour in the daemon). */
  start(periodMs: number): void {
    this.stop();
    this.timer = this.clock.setInterval(() => void this.runNow(), periodMs);
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = undefined;
  }

  /** One prune; never throws. */
  runNow(): Result<PruneResult, StoreWriteErrorKind> {
    let r: PruneResult;
    try {
      r = this.store.prune(this.clock.now(), this.policy);
    } catch (err) {
      const kind = storeWriteErrorKind(err);
      const message = err instanceof Error ? err.message : String(err);
      this.log.error({ err, kind }, `retention failed (${kind}): ${message}; trying again next period`);
      if (!this.failing) {
        this.failing = true;
        this.alarm({ code: 'retention-failed', severity: 'warning', message: `retention failed: ${message}`, details: { kind } });
      }
      return fail(kind, message);
    }
    if (r.readingsDeleted + r.aggregatesDeleted + r.outboxDeleted > 0) this.log.info(r, 'retention pruned old rows');
    if (this.failing) {
      this.failing = false;
      this.alarm({ code: 'retention-failed', severity: 'info', message: 'retention runs again', cleared: true });
    }
    return ok(r);
  }

  private alarm(a: Omit<Alarm, 'atMs'>): void {
    try {
      this.options.onAlarm?.({ ...a, atMs: this.clock.now() });
    } catch (err) {
      this.log.error({ err, code: a.code }, 'alarm hook failed');
    }
  }
}
