import type { Command } from 'commander';
import { register as han } from '../decode/han.js';
import { register as p1 } from '../decode/p1.js';
import { register as iec62056 } from '../decode/iec62056.js';
import { register as sunspec } from '../decode/sunspec.js';

export function register(program: Command): void {
  const decode = program
    .command('decode')
    .description('decode a pasted capture: HAN frames, DSMR P1 telegrams, IEC 62056-21 readouts, SunSpec register dumps')
    .addHelpText('after', '\nExamples:\n  $ nabo decode han docs/examples/han-kaifa.hex\n  $ cat docs/examples/p1-iskra-dsmr5.txt | nabo decode p1 - --format table\n');
  for (const r of [han, p1, iec62056, sunspec]) r(decode);
}
