import type { Command } from 'commander';
import { rtuLine, tcpLine } from '../../../protocols/modbus/line-time.js';
import { configSnippet, scanBus, type ScannedBus } from '../../acquisition/scan.js';
import { ModbusRtuPort } from '../../bus/modbus-rtu-port.js';
import { ModbusTcpPort } from '../../bus/modbus-tcp-port.js';
import type { ModbusPort } from '../../bus/modbus-port.js';
import { EXIT_FAILED, EXIT_OK, UsageError, formatTable, printJson, resolveFormat } from '../output.js';

function parseUnits(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`--units: '${part}' is not a unit id or a range like 1-10`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b > 247 || a > b) throw new UsageError(`--units: ${part} must lie within 1..247`);
    for (let u = a; u <= b; u++) out.add(u);
  }
  return [...out].sort((x, y) => x - y);
}

export function register(program: Command): void {
  program
    .command('scan')
    .description('find Modbus devices on a serial port or a TCP host (unit ids, SunSpec models, known meters) and print a config snippet')
    .option('--port <path>', 'serial port of an RS-485 adapter, e.g. /dev/ttyUSB0')
    .option('--baud <rate>', 'baud rate on --port', '9600')
    .option('--parity <parity>', 'none, even or odd', 'none')
    .option('--host <host>', 'Modbus TCP host')
    .option('--tcp-port <port>', 'Modbus TCP port on --host', '502')
    .option('--units <list>', 'unit ids to try, e.g. 1-10,20 (default: 1-247 on a serial port, 1-10 on TCP)')
    .option('--timeout <ms>', 'how long to wait for each unit', '250')
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo scan --port /dev/ttyUSB0 --baud 9600 --units 1-20\n  $ nabo scan --host 10.0.0.5\n')
    .action(async (opts: { port?: string; baud: string; parity: string; host?: string; tcpPort: string; units?: string; timeout: string; format?: string }) => {
      // `--port 502` is a TCP port number given where a serial port's path belongs.
      if (opts.port !== undefined && /^\d+$/.test(opts.port)) throw new UsageError(`--port takes a serial port such as /dev/ttyUSB0; for Modbus TCP give --host <host> --tcp-port ${opts.port}`);
      if (!opts.port === !opts.host) throw new UsageError('give exactly one of --port or --host');
      if (!['none', 'even', 'odd'].includes(opts.parity)) throw new UsageError('--parity must be none, even or odd');
      const timeoutMs = Number(opts.timeout);
      if (!(timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of ms');
      const units = parseUnits(opts.units ?? (opts.port ? '1-247' : '1-10'));
      let port: ModbusPort;
      let bus: ScannedBus;
      if (opts.port) {
        const baudRate = Number(opts.baud);
        bus = { id: 'rs485', kind: 'modbus-rtu', path: opts.port, baudRate, parity: opts.parity as 'none' | 'even' | 'odd' };
        port = new ModbusRtuPort({ id: bus.id, path: opts.port, baudRate, parity: bus.parity });
      } else {
        const tcpPort = Number(opts.tcpPort);
        if (!(Number.isInteger(tcpPort) && tcpPort >= 1 && tcpPort <= 65535)) throw new UsageError(`--tcp-port must be a port number 1..65535, got '${opts.tcpPort}'`);
        bus = { id: 'lan', kind: 'modbus-tcp', host: opts.host as string, port: tcpPort };
        port = new ModbusTcpPort({ id: bus.id, host: bus.host, port: tcpPort });
      }
      try {
        await port.open();
      } catch (err) {
        process.stderr.write(`nabo scan: cannot open ${opts.port ?? `${opts.host}:${opts.tcpPort}`}: ${(err as Error).message}\n`);
        await port.close();
        process.exitCode = EXIT_FAILED;
        return;
      }
      const findings = await scanBus({
        port,
        line: opts.port ? rtuLine(Number(opts.baud)) : tcpLine(1),
        units,
        timeoutMs,
        onProgress: (u) => {
          if (process.stderr.isTTY) process.stderr.write(`\rscanning unit ${u}…`);
        },
      });
      await port.close();
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      if (resolveFormat(opts.format) === 'json') printJson({ found: findings, snippet: configSnippet(bus, findings) });
      else {
        process.stdout.write(formatTable(['unit', 'kind', 'model', 'description'], findings.map((f) => [f.unitId, f.kind, f.model ?? '', f.description])));
        process.stdout.write(`\n${configSnippet(bus, findings)}`);
      }
      process.exitCode = findings.length > 0 ? EXIT_OK : EXIT_FAILED;
    });
}
