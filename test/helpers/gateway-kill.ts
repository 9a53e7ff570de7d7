// The SIGKILL loop shared by the reliability test (20 kills) and `npm run bench:reliability`
// (200): a gateway child process produces and sends records until it is killed at a random
// point, again and again; then a last child drains the backlog.
import { spawn } from 'node:child_process';

/** Runs the gateway child until it has committed `after` records, then SIGKILLs it. */
export function runAndKill(file: string, brokerUrl: string, after: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/gateway/uplink/gateway-child.ts', file, brokerUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
  const committed: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway child stalled: ${stderr}`));
    }, 30_000);
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [what, id] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (what === 'committed' && id) committed.push(id);
        if (committed.length >= after && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`gateway child exited with ${code}: ${stderr}`));
    });
  });
}

export function drainChild(file: string, brokerUrl: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/gateway/uplink/gateway-child.ts', file, brokerUrl, 'drain'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`drain child exited with ${code}: ${out}`)))));
}
