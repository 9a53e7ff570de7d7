import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { loadConfigFile } from '../../config/load.js';
import { configJsonSchema } from '../../config/json-schema.js';
import { EXIT_OK, EXIT_USAGE, printJson, resolveFormat } from '../output.js';

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
