import type { Command } from 'commander';
import { EXIT_FAILED } from '../output.js';

export function register(decode: Command): void {
  decode
    .command('han')
    .description('decode a han capture (not yet available: issue 3)')
    .argument('[file]', 'capture file, or - for stdin')
    .action(() => {
      process.stderr.write('nabo decode han: not yet available (issue 3)\n');
      process.exitCode = EXIT_FAILED;
    });
}
