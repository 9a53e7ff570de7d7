// npm run bench:sim [-- --seconds N --devices N]
//
// Starts N (1000) simulated SDM630 meters, each on its own Modbus TCP port, and polls each once
// a second (one FC 4 read of 76 registers) from a load generator in a child process, so the
// server's CPU is measured alone. Reports answered requests/s, latency percentiles, how many
// devices were answered in every second, and the CPU of both processes: a table, then JSON.
// Target: every device answered every second, p99 under 50 ms.
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { RealClock } from '../../gateway/clock/clock.js';
import { formatTable } from '../../gateway/cli/output.js';
import { definitionModel } from '../../device-sim/devices/definition-model.js';
import { ModbusDevice } from '../../device-sim/devices/modbus-device.js';
import { ModbusTcpServer } from '../../device-sim/transports/modbus-tcp-server.js';
import { encodeMbapRequest, mbapFrameLength } from '../../protocols/modbus/mbap.js';

interface LoadReport {
  sent: number;
  answered: number;
  exceptions: number;
  /** Requests still unanswered when the next poll of the same device was due. */
  late: number;
  latenciesMs: number[];
  /** Distinct devices answered in each whole second of the run. */
  devicesPerSecond: number[];
  cpuMs: number;
  wallMs: number;
}

type ToChild = { kind: 'start'; ports: number[]; seconds: number };
type FromChild = { kind: 'connected' } | { kind: 'report'; report: LoadReport };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`--${name} must be a positive number`);
  return v;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

// ---- load generator (child process) ----

async function loadGenerator(msg: ToChild): Promise<void> {
  const clock = new RealClock();
  const n = msg.ports.length;
  const request = (tid: number) => encodeMbapRequest(tid, 1, { kind: 'read', functionCode: 4, address: 0, quantity: 76 });
  const sockets = await Promise.all(
    msg.ports.map(
      (port) =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.setNoDelay(true);
          s.once('error', reject);
        }),
    ),
  );
  process.send?.({ kind: 'connected' } satisfies FromChild);
  const report: LoadReport = { sent: 0, answered: 0, exceptions: 0, late: 0, latenciesMs: [], devicesPerSecond: [], cpuMs: 0, wallMs: 0 };
  const sentAt: Array<number | undefined> = new Array(n).fill(undefined);
  const answeredIn: Array<Set<number>> = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  sockets.forEach((socket, i) => {
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const len = mbapFrameLength(buf);
        if (typeof len !== 'number' || buf.length < len) break;
        const started = sentAt[i];
        if (started !== undefined) {
          const now = performance.now();
          report.answered++;
          if ((buf[7] as number) & 0x80) report.exceptions++;
          report.latenciesMs.push(now - started);
          const second = Math.floor((now - t0) / 1000);
          (answeredIn[second] ??= new Set()).add(i);
          sentAt[i] = undefined;
        }
        buf = buf.subarray(len);
      }
    });
  });
  // Spread the devices evenly over each second, as a fleet of gateways would.
  let tid = 0;
  const handles = sockets.map((socket, i) =>
    clock.setTimeout(() => {
      const poll = () => {
        if (sentAt[i] !== undefined) report.late++;
        sentAt[i] = performance.now();
        report.sent++;
        socket.write(request(tid++ & 0xffff));
      };
      poll();
      handles[i] = clock.setInterval(poll, 1000);
    }, (i * 1000) / n),
  );
  await clock.sleep(msg.seconds * 1000 + 500);
  for (const h of handles) clock.clear(h);
  // Let the last answers in before counting.
  await clock.sleep(200);
  const cpu = process.cpuUsage(cpu0);
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  report.wallMs = performance.now() - t0;
  for (let s = 1; s < msg.seconds; s++) report.devicesPerSecond.push(answeredIn[s]?.size ?? 0);
  for (const s of sockets) s.destroy();
  process.send?.({ kind: 'report', report } satisfies FromChild, () => process.exit(0));
}

// ---- server (parent process) ----

async function main(): Promise<void> {
  const seconds = arg('seconds', 60);
  const count = arg('devices', 1000);
  const clock = new RealClock();
  const model = definitionModel('eastron-sdm630');
  const servers: ModbusTcpServer[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const phase = (i % 97) / 97;
    const truth = () => {
      const t = clock.now() / 1000;
      const powerW = 1500 + 1200 * Math.sin(t / 60 + phase * 6.28);
      return { powerW, powerL1W: powerW / 3, powerL2W: powerW / 3, powerL3W: powerW / 3, voltageL1V: 230.1, voltageL2V: 229.8, voltageL3V: 231.0, frequencyHz: 50, energyImportWh: 5_000_000 + t * 0.4, energyExportWh: 120_000 };
    };
    const device = new ModbusDevice({ identity: { deviceId: `meter-${i}`, meterId: String(10_000_000 + i), model: 'SDM630' }, truth, clock }, model, { unitId: 1 });
    const server = new ModbusTcpServer({ clock });
    server.add(device);
    await server.listen();
    servers.push(server);
  }
  const startupMs = performance.now() - startedAt;
  process.stderr.write(`${count} devices listening after ${startupMs.toFixed(0)} ms; polling for ${seconds} s…\n`);

  const child = fork(fileURLToPath(import.meta.url), ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const report = await new Promise<LoadReport>((resolve, reject) => {
    child.on('message', (m: FromChild) => {
      if (m.kind === 'connected') {
        cpu0 = process.cpuUsage();
        t0 = performance.now();
      } else resolve(m.report);
    });
    child.on('exit', (code) => reject(new Error(`load generator exited with ${String(code)} before reporting`)));
    child.send({ kind: 'start', ports: servers.map((s) => s.port), seconds } satisfies ToChild);
  });
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  await Promise.all(servers.map((s) => s.close()));

  const sorted = report.latenciesMs.sort((a, b) => a - b);
  const minDevices = report.devicesPerSecond.length ? Math.min(...report.devicesPerSecond) : 0;
  const result = {
    devices: count,
    seconds,
    startupMs: Math.round(startupMs),
    sent: report.sent,
    answered: report.answered,
    exceptions: report.exceptions,
    late: report.late,
    answeredPerSecond: Number(((report.answered * 1000) / report.wallMs).toFixed(1)),
    latencyMs: {
      p50: Number(percentile(sorted, 50).toFixed(3)),
      p90: Number(percentile(sorted, 90).toFixed(3)),
      p99: Number(percentile(sorted, 99).toFixed(3)),
      max: Number((sorted[sorted.length - 1] ?? NaN).toFixed(3)),
    },
    minDevicesAnsweredPerSecond: minDevices,
    serverCpuPercent: Number(((100 * (cpu.user + cpu.system)) / 1000 / wallMs).toFixed(1)),
    loadGeneratorCpuPercent: Number(((100 * report.cpuMs) / report.wallMs).toFixed(1)),
    target: { everyDeviceEverySecond: minDevices === count, p99Under50Ms: percentile(sorted, 99) < 50 },
  };
  const rows = [
    ['devices (one TCP port each)', String(count)],
    ['run', `${seconds} s`],
    ['start-up', `${result.startupMs} ms`],
    ['requests sent / answered', `${result.sent} / ${result.answered}`],
    ['exceptions / late', `${result.exceptions} / ${result.late}`],
    ['answered requests/s', String(result.answeredPerSecond)],
    ['latency p50 / p90 / p99 / max', `${result.latencyMs.p50} / ${result.latencyMs.p90} / ${result.latencyMs.p99} / ${result.latencyMs.max} ms`],
    ['fewest devices answered in a second', `${minDevices} of ${count}`],
    ['server CPU', `${result.serverCpuPercent} %`],
    ['load generator CPU', `${result.loadGeneratorCpuPercent} %`],
    ['target met', String(result.target.everyDeviceEverySecond && result.target.p99Under50Ms)],
  ];
  process.stdout.write(`${formatTable(['measure', 'value'], rows)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv.includes('--load-generator')) {
  process.once('message', (m: ToChild) => {
    loadGenerator(m).catch((err: unknown) => {
      process.stderr.write(`load generator: ${String(err)}\n`);
      process.exit(1);
    });
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:sim failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
