import type { Command } from 'commander';
import { EXIT_FAILED } from '../output.js';

export function register(decode: Command): void {
  decode
    .command('p1')
    .description('decode a p1 capture (not yet available: issue 3)')
    .argument('[file]', 'capture file, or - for stdin')
    .action(() => {
      process.stderr.write('nabo decode p1: not yet available (issue 3)\n');
      process.exitCode = EXIT_FAILED;
    });
}
