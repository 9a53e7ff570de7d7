import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../gateway/cli/program.js';
import { runCli } from './run-cli.js';

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

/** The `$ nabo …` lines of a help text, split into words (single quotes group, as a shell does). */
function examples(help: string): string[][] {
  return [...help.matchAll(/^\s+\$ nabo (.+)$/gm)].map((m) => [...(m[1] as string).matchAll(/'([^']*)'|(\S+)/g)].map((w) => (w[1] ?? w[2]) as string));
}

/** Drops the examples that read what an earlier example of the same help writes (`--out`). */
function withoutWrittenBefore(list: string[][]): string[][] {
  const written: string[] = [];
  return list.filter((words) => {
    const reads = words.some((w) => written.some((out) => w.startsWith(out)));
    const at = words.indexOf('--out');
    if (at >= 0 && words[at + 1]) written.push(words[at + 1] as string);
    return !reads;
  });
}

describe('nabo help examples', () => {
  it('use only options their command knows, give its required arguments, and name files that exist', async () => {
    const { existsSync } = await import('node:fs');
    const program = await buildProgram(['node', 'nabo']);
    const wrong: string[] = [];
    const check = (words: string[], where: string): void => {
      let cmd: Command = program;
      let i = 0;
      for (; i < words.length; i++) {
        const sub = cmd.commands.find((c) => c.name() === words[i]);
        if (!sub) break;
        cmd = sub;
      }
      const known = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined)));
      const positional: string[] = [];
      for (; i < words.length; i++) {
        const w = words[i] as string;
        if (!w.startsWith('-')) {
          positional.push(w);
          continue;
        }
        const name = w.split('=')[0] as string;
        const option = cmd.options.find((o) => o.long === name || o.short === name);
        if (!known.has(name) || !option) wrong.push(`${where}: ${words.join(' ')}: unknown option ${name}`);
        else if ((option.required || option.optional) && !w.includes('=')) i++;
      }
      const required = cmd.registeredArguments.filter((a) => a.required).length;
      if (positional.length < required) wrong.push(`${where}: ${words.join(' ')}: needs ${required} argument(s)`);
      // Inputs an example names are in the repository (docs/examples/ holds the samples); an
      // installer's own paths (/etc/nabo/…, /dev/ttyUSB0) are absolute.
      for (const p of positional) if ((/^(deploy|docs|test)\//.test(p) || /\.(json|hex|txt|csv|ya?ml|bin)$/.test(p)) && !p.startsWith('/') && !existsSync(p)) wrong.push(`${where}: ${words.join(' ')}: ${p} does not exist`);
    };
    const all = leaves(program);
    for (const { name, cmd } of [{ name: '(nabo)', cmd: program }, ...all]) for (const words of withoutWrittenBefore(examples(helpOf(cmd)))) check(words, name);
    expect(wrong).toEqual([]);
  });
});

describe('nabo help examples of the offline commands', () => {
  it('run as written from the repository root and succeed', async () => {
    const program = await buildProgram(['node', 'nabo']);
    const offline = /^(decode|clear|schedule|config check|sim check)\b/;
    const runs: string[][] = [];
    for (const { cmd } of [{ cmd: program }, ...leaves(program)]) for (const words of withoutWrittenBefore(examples(helpOf(cmd)))) if (offline.test(words.join(' ')) && !words.includes('-')) runs.push(words);
    // The README's offline commands too (what follows `#` is a comment).
    const { readFileSync } = await import('node:fs');
    for (const m of readFileSync('README.md', 'utf8').matchAll(/^npx nabo (.+?)(?:\s+#.*)?$/gm)) {
      const words = (m[1] as string).split(/\s+/);
      // An installer's own files (/etc/nabo/…) are not in the repository.
      if (offline.test(words.join(' ')) && !words.some((w) => w.startsWith('/'))) runs.push(words);
    }
    expect(runs.length).toBeGreaterThanOrEqual(11);
    const failed: string[] = [];
    for (const words of runs) {
      const r = await runCli(words);
      if (r.code !== 0) failed.push(`nabo ${words.join(' ')}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
    }
    expect(failed).toEqual([]);
  }, 120_000);
});
