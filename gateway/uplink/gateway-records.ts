// The gateway's own records for the operator besides the market's: metered interval energy per
// device with its quality (enqueued in the transaction that writes the rows, through the
// interval job's withinWrite hook) and alarms (enqueued as they are raised, each durably).
import type { Alarm } from '../events/events.js';
import type { Service, ServiceContext } from '../services/service.js';
import type { IntervalEnergyRow } from '../store/intervals.js';
import type { Store } from '../store/store.js';
import type { IntervalEnergyPayload } from './payloads.js';
import { enqueueRecord, recordId, type UplinkRecord } from './record.js';

/**
 * `interval-energy:<gw>:<device>:<intervalStartMs>:<quality>`: a revision with another quality
 * (an estimate reconciled to the counters) is a new fact and a new record; the same row
 * recomputed is the same id and queued once.
 */
export function intervalEnergyRecord(gatewayId: string, row: IntervalEnergyRow, createdMs: number): UplinkRecord<IntervalEnergyPayload> {
  return {
    id: recordId('interval-energy', gatewayId, `${row.deviceId}:${row.intervalStartMs}:${row.quality}`),
    kind: 'interval-energy',
    gatewayId,
    createdMs,
    payload: { deviceId: row.deviceId, intervalStartMs: row.intervalStartMs, intervalMs: row.intervalMs, importWh: row.importWh, exportWh: row.exportWh, quality: row.quality, gapReason: row.gapReason },
  };
}

/** For IntervalEnergyService's withinWrite: queues each row's record in the rows' own transaction. */
export function intervalEnergyRecorder(store: () => Store, gatewayId: string, seed: Uint8Array, nowMs: () => number): (rows: readonly IntervalEnergyRow[]) => void {
  return (rows) => {
    for (const row of rows) enqueueRecord(store(), intervalEnergyRecord(gatewayId, row, nowMs()), seed);
  };
}

export type AlarmPayload = Omit<Alarm, 'atMs'> & { atMs: number };

/** Sends every alarm the gateway raises (and every clearing of one) to the operator. */
export class AlarmRecordService implements Service {
  readonly name = 'alarm-records';
  private off: (() => void) | undefined;
  private sequence = 0;

  constructor(private readonly seed: Uint8Array) {}

  start(ctx: ServiceContext): void {
    const gatewayId = ctx.config.gateway.id;
    this.off = ctx.events.on('alarm', (alarm) => {
      // Two alarms may share a millisecond and a code: the sequence keeps their ids apart.
      const key = `${alarm.atMs}:${alarm.code}:${alarm.deviceId ?? '-'}:${this.sequence++}`;
      try {
        enqueueRecord(ctx.store, { id: recordId('alarm', gatewayId, key), kind: 'alarm', gatewayId, createdMs: ctx.clock.now(), payload: alarm as AlarmPayload }, this.seed);
      } catch (err) {
        // A full disk raises its own alarm; recording it must not loop or throw into the emitter.
        ctx.log.warn({ err, code: alarm.code }, 'alarm not queued for the operator');
      }
    });
  }

  stop(): void {
    this.off?.();
  }
}
