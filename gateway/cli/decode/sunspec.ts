import type { Command } from 'commander';
import { EXIT_FAILED } from '../output.js';

export function register(decode: Command): void {
  decode
    .command('sunspec')
    .description('decode a sunspec capture (not yet available: issue 3)')
    .argument('[file]', 'capture file, or - for stdin')
    .action(() => {
      process.stderr.write('nabo decode sunspec: not yet available (issue 3)\n');
      process.exitCode = EXIT_FAILED;
    });
}
