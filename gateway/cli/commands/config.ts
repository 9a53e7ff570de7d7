import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parseYamlText } from '../../../core/yaml-text.js';
import { loadConfigFile, validateConfig } from '../../config/load.js';
import { migrateConfig } from '../../config/migrations.js';
import { CONFIG_VERSION } from '../../config/schema.js';
import { configJsonSchema } from '../../config/json-schema.js';
import { EXIT_OK, EXIT_USAGE, UsageError, printJson, resolveFormat } from '../output.js';

export function register(program: Command): void {
  const config = program.command('config').description('validate a gateway config and export its schema');
  config
    .command('check')
    .description('validate a nabo.yaml; print every problem with its path; exit 2 when invalid')
    .argument('[file]', 'the config file', 'nabo.yaml')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo config check deploy/examples/building.yaml\n')
    .action((file: string, opts: { format?: string }) => {
      const result = loadConfigFile(file);
      const format = resolveFormat(opts.format);
      if (result.ok) {
        const summary = { file, valid: true, gateway: result.config.gateway.id, buses: result.config.buses.length, devices: result.config.devices.length, ...(result.migratedFrom ? { migratedFrom: result.migratedFrom } : {}) };
        if (format === 'json') printJson(summary);
        else process.stdout.write(`${file}: valid (gateway ${summary.gateway}, ${summary.buses} buses, ${summary.devices} devices)\n`);
        process.exitCode = EXIT_OK;
        return;
      }
      // Each problem once per reader: JSON on stdout for tools (and the lines on stderr for the
      // person watching), or a list for people. A YAML syntax error comes whole, its excerpt
      // and caret indented under its place.
      if (format === 'json') {
        printJson({ file, valid: false, problems: result.problems });
        for (const p of result.problems) process.stderr.write(`${p.path}: ${p.message}\n`);
      } else {
        process.stdout.write(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n`);
        for (const p of result.problems) process.stdout.write(`  ${p.path}: ${p.message.split('\n').join('\n    ')}\n`);
      }
      process.exitCode = EXIT_USAGE;
    });
  config
    .command('migrate')
    .description('lift a config written for an older nabo to the current version and print it (or write it)')
    .argument('<file>', 'the config file')
    .option('--out <file>', 'write the lifted config here instead of stdout (may be the same file)')
    .addHelpText('after', '\nExample:\n  $ nabo config migrate /etc/nabo/nabo.yaml --out /etc/nabo/nabo.yaml\n')
    .action((file: string, opts: { out?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      const parsed = parseYamlText(text);
      const migrated = parsed.ok && parsed.value && typeof parsed.value === 'object' ? migrateConfig(parsed.value as Record<string, unknown>) : undefined;
      if (!parsed.ok || !migrated?.ok) {
        const problems = !parsed.ok ? parsed.problems : migrated && !migrated.ok ? [migrated.problem] : [{ path: '(root)', message: 'must be a mapping of fields' }];
        for (const p of problems) process.stderr.write(`${p.path}: ${p.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      // Comments do not survive a lift; the file's values do (checked before anything is written).
      const checked = validateConfig(migrated.value, {});
      if (!checked.ok) {
        for (const p of checked.problems) process.stderr.write(`${p.path}: ${p.message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      const out = `# Lifted from version ${migrated.from} to ${CONFIG_VERSION} by nabo config migrate.\n${stringify(migrated.value)}`;
      if (opts.out) writeFileSync(opts.out, out);
      else process.stdout.write(out);
      process.exitCode = EXIT_OK;
    });
  config
    .command('schema')
    .description('print (or write) the JSON Schema of nabo.yaml, for editor completion')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExample:\n  $ nabo config schema --out deploy/nabo.schema.json\n')
    .action((opts: { out?: string }) => {
      const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
