// Alarms as the API shows them, kept from the event bus: which are active now (an alarm stays
// active until the same code, for the same device, is raised again with `cleared`), and the
// most recent ones in a bounded history.
import type { Alarm } from '../events/events.js';

export class AlarmLog {
  private readonly active = new Map<string, Alarm>();
  private history: Alarm[] = [];

  constructor(private readonly capacity: number) {}

  static key(alarm: Pick<Alarm, 'code' | 'deviceId'>): string {
    return `${alarm.code}\u0000${alarm.deviceId ?? ''}`;
  }

  record(alarm: Alarm): void {
    const key = AlarmLog.key(alarm);
    if (alarm.cleared) this.active.delete(key);
    else this.active.set(key, alarm);
    this.history.push(alarm);
    if (this.history.length > this.capacity * 2) this.history = this.history.slice(-this.capacity);
  }

  activeAlarms(): Alarm[] {
    return [...this.active.values()].sort((a, b) => b.atMs - a.atMs);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Newest first. */
  recent(limit = this.capacity): Alarm[] {
    return this.history.slice(-Math.min(limit, this.capacity)).reverse();
  }
}
