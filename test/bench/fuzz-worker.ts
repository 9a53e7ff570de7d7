// One fuzz family in a worker thread, so the watchdog in fuzz.bench.ts can stop it when a case
// never returns. Publishes the case it is on through shared memory and the decoder names and
// the finished rows by message.
import { parentPort, workerData } from 'node:worker_threads';
import { listenForDecoders, publishProgress, startDecoder, timeCase, type FuzzRow } from './fuzz-kit.js';

const { family, cases, progress } = workerData as { family: string; cases: number; progress: SharedArrayBuffer };
publishProgress(progress);
listenForDecoders((name) => parentPort?.postMessage({ type: 'decoder', name }));

const runners: Record<string, () => Promise<(n: number) => FuzzRow[]>> = {
  han: async () => {
    const { fuzzHan, fuzzHanOptions } = await import('./fuzz-han.js');
    return (n) => [...fuzzHan(n), ...fuzzHanOptions(n)];
  },
  text: async () => (await import('./fuzz-text.js')).fuzzText,
  modbus: async () => (await import('./fuzz-modbus.js')).fuzzModbus,
  sunspec: async () => (await import('./fuzz-sunspec.js')).fuzzSunSpec,
  devices: async () => (await import('./fuzz-devices.js')).fuzzDevices,
  // A decoder that never returns on its third case: proves the watchdog reports a hang.
  'selftest-hang': async () => () => {
    startDecoder('selftest-hang');
    const row: FuzzRow = { decoder: 'selftest-hang', cases: 3, decoded: 0, rejected: 0, byKind: {}, ms: 0 };
    for (let i = 0; i < 3; i++) {
      timeCase(row, i, () => {
        while (i === 2) {
          /* the bug the watchdog exists for */
        }
      });
    }
    return [row];
  },
};

const run = await (runners[family] as () => Promise<(n: number) => FuzzRow[]>)();
try {
  parentPort?.postMessage({ type: 'rows', rows: run(cases) });
} catch (err) {
  parentPort?.postMessage({ type: 'threw', error: (err as Error).stack ?? String(err) });
}
