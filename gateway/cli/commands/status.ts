import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseYamlText } from '../../../core/yaml-text.js';
import { resolveApiConfig } from '../../api/config.js';
import { fetchStatus, formatStatusText, localUrl } from '../../api/status-client.js';
import { RealClock } from '../../clock/clock.js';
import { EXIT_FAILED, EXIT_OK, UsageError, formatTable, printJson, resolveFormat } from '../output.js';

/** The config's `api:` section, validated alone: the daemon owns the rest of the file. */
function apiSection(file: string): ReturnType<typeof resolveApiConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = parseYamlText(text);
  if (!parsed.ok) throw new UsageError(`${file} is not valid YAML:\n${parsed.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  const raw = parsed.value && typeof parsed.value === 'object' ? (parsed.value as Record<string, unknown>).api : undefined;
  return resolveApiConfig(raw);
}

export function register(program: Command): void {
  program
    .command('status')
    .description("what the running daemon reads, trades and reports now (asks its API; use this instead of `nabo read` while the daemon holds the ports)")
    .option('-c, --config <file>', 'the gateway config (its api: section says where the daemon listens)', 'nabo.yaml')
    .option('--url <url>', 'ask this API instead (e.g. http://gateway.local:8080)')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo status --config /etc/nabo/nabo.yaml\n  $ NABO_API_TOKEN=... nabo status --url http://192.0.2.10:8080 --format json\n')
    .action(async (opts: { config: string; url?: string; format?: string }) => {
      const format = resolveFormat(opts.format);
      if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'table') throw new UsageError(`--format must be json or table, got ${opts.format}`);
      // With --url and no config file here, the token may still come from NABO_API_TOKEN.
      const api = opts.url !== undefined && !existsSync(opts.config) ? resolveApiConfig({}) : apiSection(opts.config);
      if (!api.ok) throw new UsageError(`${opts.config}: ${api.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      if (!api.config.enabled) throw new UsageError(`${opts.config}: api.enabled is false, so the daemon serves no status`);
      const base = (opts.url ?? localUrl(api.config)).replace(/\/+$/, '');
      const answer = await fetchStatus(base, api.config.token, new RealClock());
      if (!answer.ok) {
        process.stderr.write(`nabo: ${answer.message}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      if (format === 'json') printJson(answer.status);
      else process.stdout.write(formatStatusText(answer.status, formatTable));
      process.exitCode = EXIT_OK;
    });
}
