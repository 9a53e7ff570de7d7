// Retention as a service: once an hour, raw readings older than their retention are pruned in
// bounded chunks (gateway/store/retention.ts). A failing prune is logged and tried next hour.
import type { Service, ServiceContext } from '../services/service.js';

const HOUR_MS = 3_600_000;

export class RetentionService implements Service {
  readonly name = 'retention';

  start(ctx: ServiceContext): void {
    const { config, clock, store, log } = ctx;
    clock.setInterval(() => {
      try {
        const r = store.prune(clock.now(), { rawRetentionDays: config.store.rawRetentionDays, aggregateRetentionDays: config.store.aggregateRetentionDays });
        if (r.readingsDeleted + r.aggregatesDeleted > 0) log.info(r, 'retention pruned old rows');
      } catch (err) {
        log.error({ err }, 'retention prune failed; trying again in an hour');
      }
    }, HOUR_MS);
  }

  stop(): void {}
}
