// Child process for the crash test: writes batches of readings and outbox records and says on
// stdout what it has committed, until the parent kills it with SIGKILL.
import { Store } from '../../../gateway/store/store.js';

const [file, batchSizeText] = process.argv.slice(2);
if (!file || !batchSizeText) throw new Error('usage: crash-writer <file> <batchSize>');
const batchSize = Number(batchSizeText);
const store = Store.open(file);
let t = 1_700_000_000_000;
for (let batch = 0; ; batch++) {
  for (let i = 0; i < batchSize; i++) {
    t += 10;
    store.readings.add({ deviceId: `meter-${i % 5}`, quantity: 'powerW', unit: 'W', atMs: t, value: i });
  }
  process.stdout.write(`begin ${batch}\n`);
  store.readings.flush();
  process.stdout.write(`committed ${batch}\n`);
  const id = `msg-${batch}`;
  store.outbox.enqueue({ id, kind: 'test', payload: JSON.stringify({ batch }), createdMs: t });
  process.stdout.write(`enqueued ${id}\n`);
}
