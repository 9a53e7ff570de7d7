import type { Command } from 'commander';

type Registrar = (program: Command) => void;

/**
 * Each subcommand by name, loaded on demand: `nabo run` on a Raspberry Pi must not pay for the
 * LP solvers' WebAssembly or the simulator it never uses. Order is the order of `--help`.
 */
export const COMMAND_LOADERS: ReadonlyArray<[string, () => Promise<{ register: Registrar }>]> = [
  ['init', () => import('./init.js')],
  ['config', () => import('./config.js')],
  ['demo', () => import('./demo.js')],
  ['demo-report', () => import('./demo-report.js')],
  ['run', () => import('./run.js')],
  ['status', () => import('./status.js')],
  ['check', () => import('./check.js')],
  ['read', () => import('./read.js')],
  ['scan', () => import('./scan.js')],
  ['decode', () => import('./decode.js')],
  ['sim', () => import('./sim.js')],
  ['clear', () => import('./clear.js')],
  ['schedule', () => import('./schedule.js')],
  ['control', () => import('./control.js')],
  ['keys', () => import('./keys.js')],
  ['roster', () => import('./roster.js')],
  ['market', () => import('./market.js')],
  ['plan', () => import('./plan.js')],
  ['operator', () => import('./operator.js')],
  ['verify', () => import('./verify.js')],
];

/** The registrars needed for these arguments: only the named subcommand's, or all of them. */
export async function loadCommands(args: readonly string[]): Promise<Registrar[]> {
  const first = args.find((a) => !a.startsWith('-'));
  const only = COMMAND_LOADERS.find(([name]) => name === first);
  const chosen = only ? [only] : COMMAND_LOADERS;
  const modules = await Promise.all(chosen.map(([, load]) => load()));
  return modules.map((m) => m.register);
}
