import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../gateway/cli/program.js';

function leaves(cmd: Command, path: string[] = []): Array<{ name: string; cmd: Command }> {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [{ name: path.join(' '), cmd }];
  return subs.flatMap((c) => leaves(c, [...path, c.name()]));
}

function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

describe('nabo --help', () => {
  it('gives every subcommand a description and a help text with an example', async () => {
    const program = await buildProgram(['node', 'nabo']);
    const all = leaves(program);
    expect(all.length).toBeGreaterThanOrEqual(9);
    const missing = all.filter(({ cmd }) => !/Examples?:\n\s+\$ nabo /.test(helpOf(cmd)) || cmd.description().length === 0).map((x) => x.name);
    expect(missing).toEqual([]);
  });
});
