// The gateway's store: one SQLite file in WAL mode, opened once per process.
import { openDatabase, type Db, type OpenOptions } from './database.js';
import { Outbox } from './outbox.js';
import { ReadingStore } from './readings.js';
import { IntervalStore } from './intervals.js';
import { CounterEventStore } from './counter-events.js';
import { prune, type PruneResult, type RetentionPolicy } from './retention.js';

export class Store {
  readonly readings: ReadingStore;
  readonly outbox: Outbox;
  readonly intervals: IntervalStore;
  readonly counterEvents: CounterEventStore;

  private constructor(readonly db: Db) {
    this.readings = new ReadingStore(db);
    this.outbox = new Outbox(db);
    this.intervals = new IntervalStore(db);
    this.counterEvents = new CounterEventStore(db);
  }

  static open(file: string, options?: OpenOptions): Store {
    return new Store(openDatabase(file, options));
  }

  prune(nowMs: number, policy: RetentionPolicy): PruneResult {
    return prune(this.db, nowMs, policy);
  }

  /** Flushes buffered readings and closes the file; the file is closed even when the flush fails (then it throws). */
  close(): void {
    if (!this.db.open) return;
    try {
      this.readings.flush();
    } finally {
      this.db.close();
    }
  }
}
