import type { Command } from 'commander';
import { unitOf, type Quantity } from '../../../core/quantities.js';
import { probeDevices, type ProbeResult } from '../../acquisition/probe.js';
import { loadConfigOrExit } from '../gateway-setup.js';
import { explainPortError, PORT_HELD_HINT } from '../port-hint.js';
import { EXIT_FAILED, EXIT_OK, atResolution, formatTable, printJson, resolveFormat } from '../output.js';

export function summarise(values: ProbeResult['values'], max = 4): string {
  const keys = Object.keys(values) as Quantity[];
  const preferred: Quantity[] = ['powerW', 'pvAcPowerW', 'batteryPowerW', 'socPercent', 'energyImportWh', 'energyExportWh', 'voltageL1V'];
  const chosen = [...preferred.filter((k) => keys.includes(k)), ...keys.filter((k) => !preferred.includes(k))].slice(0, max);
  return chosen.map((k) => `${k}=${atResolution(unitOf(k), values[k] as number)}${unitOf(k) ? ` ${unitOf(k)}` : ''}`).join(', ');
}

export function register(program: Command): void {
  program
    .command('check')
    .description('validate the config, open every bus, read every device once, and print what works; exit 1 if any device fails')
    .option('-c, --config <file>', 'the gateway config', 'nabo.yaml')
    .option('--push-wait <ms>', 'how long to wait for a HAN or P1 meter to push its first frame', '12000')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo check --config /etc/nabo/nabo.yaml\n')
    .action(async (opts: { config: string; pushWait: string; format?: string }) => {
      const config = loadConfigOrExit(opts.config);
      // Values as their meters mean them (float32 registers carry noise past their resolution).
      const results = (await probeDevices(config, { pushWaitMs: Number(opts.pushWait) })).map((r) => ({
        ...r,
        values: Object.fromEntries((Object.entries(r.values) as Array<[Quantity, number]>).map(([q, v]) => [q, atResolution(unitOf(q), v)])) as ProbeResult['values'],
      }));
      const failed = results.filter((r) => r.status !== 'ok');
      if (resolveFormat(opts.format) === 'json') printJson({ gateway: config.gateway.id, ok: failed.length === 0, devices: results });
      else {
        process.stdout.write(
          formatTable(
            ['device', 'bus', 'model', 'status', 'latency', 'last values', 'errors'],
            results.map((r) => [r.deviceId, r.busId, r.model, r.status, r.latencyMs === null ? '' : `${r.latencyMs} ms`, summarise(r.values), [...r.errors, ...(r.warnings ?? []).map((w) => `warning: ${w}`)].join('; ')]),
          ),
        );
      }
      if (results.some((r) => r.errors.some((e) => explainPortError(e) !== e))) process.stderr.write(`nabo check: ${PORT_HELD_HINT}\n`);
      process.exitCode = failed.length === 0 ? EXIT_OK : EXIT_FAILED;
    });
}
