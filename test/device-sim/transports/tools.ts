// Integration tests that need outside tools say so in their names and fail with this message
// when the tool is missing (the README's test line installs them).
import { execFile, execFileSync } from 'node:child_process';

export function requireTool(tool: 'socat' | 'mbpoll'): void {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is not installed: this test needs it (apt-get install ${tool})`);
  }
}

/** Runs mbpoll once (5 s answer timeout, for a busy CI machine) and returns the values it printed, by reference. */
export function mbpoll(args: string[]): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    execFile('mbpoll', ['-1', '-o', '5', ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      const values = new Map<number, number>();
      for (const m of stdout.matchAll(/^\[(\d+)\]:\s+(\S+)/gm)) values.set(Number(m[1]), Number(m[2]));
      if (err || values.size === 0) reject(new Error(`mbpoll ${args.join(' ')} failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      else resolve(values);
    });
  });
}
