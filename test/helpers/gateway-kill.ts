// The SIGKILL loop shared by the reliability test (20 kills) and `npm run bench:reliability`
// (200): a gateway child process produces and sends records until it is killed at a random
// point, again and again; then a last child drains the backlog.
import { runChild, startChild } from './child-process.js';

const GATEWAY_CHILD = ['--import', 'tsx', 'test/gateway/uplink/gateway-child.ts'];

/** Runs the gateway child until it has committed `after` records, then SIGKILLs it; returns every record it said it committed. */
export async function runAndKill(file: string, brokerUrl: string, after: number): Promise<string[]> {
  const child = startChild(process.execPath, [...GATEWAY_CHILD, file, brokerUrl]);
  const committed: string[] = [];
  child.onLine((line) => {
    const [what, id] = line.split(' ');
    if (what === 'committed' && id) committed.push(id);
    if (committed.length >= after && !child.proc.killed) child.proc.kill('SIGKILL');
  });
  let stalled = false;
  const guard = setTimeout(() => {
    stalled = true;
    child.proc.kill('SIGKILL');
  }, 30_000);
  // Lines still in the pipe when it dies were committed too: wait for the streams to end.
  const code = await child.closed;
  clearTimeout(guard);
  if (stalled) throw new Error(`gateway child stalled: ${child.stderr()}`);
  if (child.proc.signalCode !== 'SIGKILL') throw new Error(`gateway child exited with ${code}: ${child.stderr()}`);
  return committed;
}

export async function drainChild(file: string, brokerUrl: string): Promise<void> {
  const r = await runChild(process.execPath, [...GATEWAY_CHILD, file, brokerUrl, 'drain']);
  if (r.status !== 0) throw new Error(`drain child exited with ${r.status}: ${r.stdout}${r.stderr}`);
}
