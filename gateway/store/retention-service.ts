// Retention as a service: once an hour, raw readings older than their retention are pruned in
// bounded chunks (gateway/store/retention.ts); a failing prune (a full disk) is an alarm and is
// tried again the next hour (gateway/store/retention-job.ts).
import type { Service, ServiceContext } from '../services/service.js';
import { RetentionJob } from './retention-job.js';

const HOUR_MS = 3_600_000;

export class RetentionService implements Service {
  readonly name = 'retention';
  private job: RetentionJob | undefined;

  start(ctx: ServiceContext): void {
    const { config, clock, store, log } = ctx;
    this.job = new RetentionJob(store, clock, log, { rawRetentionDays: config.store.rawRetentionDays, aggregateRetentionDays: config.store.aggregateRetentionDays }, { onAlarm: (alarm) => ctx.events.emit('alarm', alarm) });
    this.job.start(HOUR_MS);
  }

  stop(): void {
    this.job?.stop();
  }
}
