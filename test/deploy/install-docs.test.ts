import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../gateway/cli/run-cli.js';

const guide = readFileSync('docs/install.md', 'utf8');
/** Shell commands of the guide with their continuation lines joined. */
const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'));
const flagsOf = (line: string): string[] => [...line.replace(/#.*$/, '').matchAll(/(?<=\s)--[a-z][a-z0-9-]*/g)].map((m) => m[0]);

describe('docs/install.md agrees with what it describes', () => {
  it('gives install.sh only options it has', () => {
    const script = readFileSync('deploy/install.sh', 'utf8');
    const lines = [...commands.filter((c) => c.includes('install.sh')), ...guide.split('\n').filter((l) => /`[^`]*install\.sh[^`]*`/.test(l)).flatMap((l) => [...l.matchAll(/`([^`]*install\.sh[^`]*)`/g)].map((m) => ` ${m[1]}`))];
    expect(lines.length).toBeGreaterThan(3);
    for (const flag of new Set(lines.flatMap(flagsOf))) expect(script, flag).toMatch(new RegExp(`^\\s+${flag}\\)`, 'm'));
  });

  it('gives nabo init only options it has', async () => {
    const help = (await runCli(['init', '--help'])).stdout;
    const lines = commands.filter((c) => /\bnabo init\b/.test(c));
    expect(lines.length).toBeGreaterThan(0);
    for (const flag of new Set(lines.flatMap(flagsOf))) expect(help, flag).toContain(flag);
  });

  it('gives nabo market join, keys and roster only options they have', async () => {
    for (const sub of [['market', 'join'], ['market', 'intervals'], ['keys', 'show'], ['keys', 'init'], ['roster', 'init']]) {
      const help = (await runCli([...sub, '--help'])).stdout;
      // Each command on its own: `$(nabo keys show …)` inside a roster line is a separate one.
      const lines = commands.flatMap((c) => c.split(/\$\(|\)/)).filter((c) => new RegExp(`\\bnabo ${sub.join(' ')}\\b`).test(c));
      expect(lines.length, sub.join(' ')).toBeGreaterThan(0);
      for (const flag of new Set(lines.flatMap(flagsOf))) expect(help, `${sub.join(' ')} ${flag}`).toContain(flag);
    }
  });

  it('names files of the repository that exist', () => {
    const named = new Set([...guide.matchAll(/`((?:deploy|docs|test|scripts)\/[A-Za-z0-9_./-]+)`/g)].map((m) => m[1] ?? ''));
    expect(named.size).toBeGreaterThanOrEqual(3);
    for (const file of named) expect(existsSync(file.replace(/\/$/, '')), file).toBe(true);
  });
});
