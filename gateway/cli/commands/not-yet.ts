import type { Command } from 'commander';
import { EXIT_FAILED } from '../output.js';

/** A subcommand whose issue has not landed: it says so and exits 1, never pretends. */
export function registerNotYet(program: Command, name: string, summary: string, issue: number): void {
  program
    .command(name)
    .description(`${summary} (not yet available: issue ${issue})`)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', `\nThis command is not yet available; it arrives with issue ${issue}.\n`)
    .action(() => {
      process.stderr.write(`nabo ${name}: not yet available (issue ${issue})\n`);
      process.exitCode = EXIT_FAILED;
    });
}
