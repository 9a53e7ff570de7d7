import type { Command } from 'commander';
import { unitOf, type Quantity } from '../../../core/quantities.js';
import { probeDevices } from '../../acquisition/probe.js';
import { loadConfigOrExit } from '../gateway-setup.js';
import { explainPortError } from '../port-hint.js';
import { EXIT_FAILED, EXIT_OK, UsageError, atResolution, formatTable, printJson, resolveFormat } from '../output.js';

export function register(program: Command): void {
  program
    .command('read')
    .description('read one configured device now and print every quantity with its unit')
    .argument('<device>', 'the device id from the config')
    .option('-c, --config <file>', 'the gateway config', 'nabo.yaml')
    .option('--push-wait <ms>', 'how long to wait for a HAN or P1 frame', '12000')
    .option('--raw', 'also print every register or point read, by name')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExample:\n  $ nabo read grid-meter --config /etc/nabo/nabo.yaml\n')
    .action(async (deviceId: string, opts: { config: string; pushWait: string; raw?: boolean; format?: string }) => {
      const config = loadConfigOrExit(opts.config);
      if (!config.devices.some((d) => d.id === deviceId)) throw new UsageError(`no device '${deviceId}' in ${opts.config} (devices: ${config.devices.map((d) => d.id).join(', ')})`);
      const [r] = await probeDevices(config, { deviceId, pushWaitMs: Number(opts.pushWait) });
      if (!r) throw new Error('probe returned nothing');
      r.errors = r.errors.map(explainPortError);
      const quantities = (Object.entries(r.values) as Array<[Quantity, number]>).map(([q, v]) => ({ quantity: q, value: atResolution(unitOf(q), v), unit: unitOf(q) }));
      if (resolveFormat(opts.format) === 'json') {
        printJson({ device: r.deviceId, status: r.status, latencyMs: r.latencyMs, meterId: r.meterId, model: r.deviceModel, meterTime: r.meterTimeMs !== undefined ? new Date(r.meterTimeMs).toISOString() : undefined, quantities, errors: r.errors, ...(opts.raw ? { raw: r.raw } : {}) });
      } else {
        process.stdout.write(`${r.deviceId} (${r.model}${r.deviceModel ? `: ${r.deviceModel}` : ''}${r.meterId ? `, id ${r.meterId}` : ''}): ${r.status}${r.latencyMs !== null ? ` in ${r.latencyMs} ms` : ''}\n`);
        process.stdout.write(formatTable(['quantity', 'value', 'unit'], quantities.map((x) => [x.quantity, x.value, x.unit])));
        if (opts.raw) process.stdout.write(formatTable(['register', 'raw'], Object.entries(r.raw).map(([k, v]) => [k, String(v)])));
        for (const e of r.errors) process.stderr.write(`${r.deviceId}: ${e}\n`);
      }
      // A serial port the running daemon holds cannot be opened twice: point at its API instead.
      if (r.errors.some((e) => /cannot lock port|EBUSY|resource temporarily unavailable/i.test(e))) {
        process.stderr.write(`nabo: the port is held by another process, most likely the running daemon; see its live values with \`nabo status --config ${opts.config}\` or its dashboard (docs/api.md)\n`);
      }
      process.exitCode = r.status === 'ok' ? EXIT_OK : EXIT_FAILED;
    });
}
