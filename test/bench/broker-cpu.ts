// CPU time of the test Mosquitto (bench:market): the broker fans every order and vote out to
// every gateway, the one piece of work a block of separate boxes still shares. Read from
// /proc (Linux) by the config path in its command line; NaN where that is not available.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICKS_PER_SECOND = 100;

export function brokerCpuMs(brokerDir: string): number {
  try {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(join('/proc', pid, 'cmdline'), 'utf8');
      } catch {
        continue; // the process ended while we looked
      }
      if (!cmdline.includes(join(brokerDir, 'mosquitto.conf'))) continue;
      // Fields after the command name in parentheses; utime and stime are the 14th and 15th.
      const stat = readFileSync(join('/proc', pid, 'stat'), 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    }
  } catch {
    return NaN;
  }
  return NaN;
}
