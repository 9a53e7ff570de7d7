import type { Command } from 'commander';
import { EXIT_FAILED } from '../output.js';

export function register(decode: Command): void {
  decode
    .command('iec62056')
    .description('decode a iec62056 capture (not yet available: issue 3)')
    .argument('[file]', 'capture file, or - for stdin')
    .action(() => {
      process.stderr.write('nabo decode iec62056: not yet available (issue 3)\n');
      process.exitCode = EXIT_FAILED;
    });
}
