// The `nabo` command. Each subcommand lives in commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { readPackageVersion } from './package-info.js';
import { loadCommands } from './commands/index.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './output.js';

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('nabo')
    .description('Edge gateway for Positive Energy Blocks: read meters, trade energy with the neighbours, sync upstream.')
    .version(readPackageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addHelpText('after', '\nExample:\n  $ nabo config check deploy/examples/building.yaml\n');
  for (const register of await loadCommands(argv.slice(2))) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`nabo: ${err.message}\n`);
      return EXIT_USAGE;
    }
    // One clear line (STYLE.md): the message says what went wrong and what to do; the stack
    // is for bug reports and comes with NABO_DEBUG=1.
    const message = err instanceof Error ? err.message : String(err);
    const debug = process.env.NABO_DEBUG === '1' && err instanceof Error ? `\n${err.stack ?? ''}` : '';
    process.stderr.write(`nabo: ${message.split('\n')[0] ?? message}${debug}\n`);
    return EXIT_FAILED;
  }
}
