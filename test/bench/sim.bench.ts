// npm run bench:sim [-- --seconds N --devices N --warmup N --units-per-port N --refresh-ms N]
//
// Starts N (1000) simulated SDM630 meters, each on its own Modbus TCP port (or N unit ids per
// port, requests pipelined on one connection per port), and polls each once
// a second (one FC 4 read of 76 registers) from a load generator in a child process, so the
// server's CPU is measured alone. Reports answered requests/s, latency percentiles, how many
// devices were answered in every second, and the CPU of both processes: a table, then JSON.
// Target: every device answered every second, p99 under 50 ms.
import { fork } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
  /** Polls sent while the device's previous poll was still unanswered. */
  late: number;
  latenciesMs: number[];
  /** The same latencies per second of the measurement, to tell a steady tail from bursts. */
  latenciesBySecondMs: number[][];
  /** Distinct devices answered, per second of the measurement (by the poll's due time). */
  devicesPerSecond: number[];
  cpuMs: number;
  wallMs: number;
  /** p99 of the load generator's event-loop delay, ms: how late its own timers and reads ran. */
  loopDelayP99Ms: number;
  /** p99 of how late polls went out after their due time, ms. */
  sendDelayP99Ms: number;
}

type ToChild = { kind: 'start'; targets: Array<{ port: number; unitId: number }>; seconds: number; warmupSeconds: number };
type FromChild = { kind: 'measuring' } | { kind: 'report'; report: LoadReport };

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
  const n = msg.targets.length;
  const request = (tid: number, unitId: number) => encodeMbapRequest(tid, unitId, { kind: 'read', functionCode: 4, address: 0, quantity: 76 });
  // One connection per port; devices sharing a port (unit ids) share it, their requests pipelined.
  const ports = [...new Set(msg.targets.map((t) => t.port))];
  const sockets = await Promise.all(
    ports.map(
      (port) =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.setNoDelay(true);
          s.once('error', reject);
        }),
    ),
  );
  const socketOf = msg.targets.map((t) => sockets[ports.indexOf(t.port)] as net.Socket);
  const report: LoadReport = { sent: 0, answered: 0, exceptions: 0, late: 0, latenciesMs: [], latenciesBySecondMs: [], devicesPerSecond: [], cpuMs: 0, wallMs: 0, loopDelayP99Ms: 0, sendDelayP99Ms: 0 };
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  // Poll k of device i is due at base + i/n s + k s: the devices are spread evenly over each
  // second, as a fleet of gateways would poll them, and a late timer does not push the next
  // poll (no drift). Rounds before `warmup` (first connections, JIT, first image of each
  // device) are not counted; round k of the measurement is the k-th second.
  const warmup = msg.warmupSeconds;
  const rounds = warmup + msg.seconds;
  // Answers are matched by transaction id (16 bits: far more than the polls in flight).
  const inFlight = new Map<number, { device: number; atMs: number; round: number }>();
  const waiting: boolean[] = new Array(n).fill(false);
  const answeredIn: Array<Set<number>> = Array.from({ length: msg.seconds }, () => new Set());
  const sendDelaysMs: number[] = [];
  for (const socket of sockets) {
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const len = mbapFrameLength(buf);
        if (typeof len !== 'number' || buf.length < len) break;
        const tid = ((buf[0] as number) << 8) | (buf[1] as number);
        const poll = inFlight.get(tid);
        inFlight.delete(tid);
        if (poll) waiting[poll.device] = false;
        if (poll && poll.round >= warmup) {
          report.answered++;
          if ((buf[7] as number) & 0x80) report.exceptions++;
          const latencyMs = performance.now() - poll.atMs;
          report.latenciesMs.push(latencyMs);
          (report.latenciesBySecondMs[poll.round - warmup] ??= []).push(latencyMs);
          answeredIn[poll.round - warmup]?.add(poll.device);
        }
        buf = buf.subarray(len);
      }
    });
  }
  let nextTid = 0;
  const base = performance.now();
  const schedule = (i: number, round: number): void => {
    if (round >= rounds) return;
    const dueMs = base + (i * 1000) / n + round * 1000;
    clock.setTimeout(() => {
      const atMs = performance.now();
      if (round >= warmup) {
        report.sent++;
        sendDelaysMs.push(atMs - dueMs);
        if (waiting[i]) report.late++;
      }
      const tid = nextTid++ & 0xffff;
      inFlight.set(tid, { device: i, atMs, round });
      waiting[i] = true;
      (socketOf[i] as net.Socket).write(request(tid, (msg.targets[i] as { unitId: number }).unitId));
      schedule(i, round + 1);
    }, dueMs - performance.now());
  };
  for (let i = 0; i < n; i++) schedule(i, 0);
  await clock.sleep(base + warmup * 1000 - performance.now());
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  loop.reset();
  process.send?.({ kind: 'measuring' } satisfies FromChild);
  // Every round sent, then a moment for the last answers.
  await clock.sleep(base + rounds * 1000 + 300 - performance.now());
  const cpu = process.cpuUsage(cpu0);
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  report.wallMs = performance.now() - t0;
  loop.disable();
  report.loopDelayP99Ms = loop.percentile(99) / 1e6;
  report.sendDelayP99Ms = percentile(sendDelaysMs.sort((a, b) => a - b), 99);
  report.devicesPerSecond = answeredIn.map((set) => set.size);
  for (const s of sockets) s.destroy();
  process.send?.({ kind: 'report', report } satisfies FromChild, () => process.exit(0));
}

// ---- server (parent process) ----

async function main(): Promise<void> {
  const seconds = arg('seconds', 60);
  const warmupSeconds = arg('warmup', 3);
  const unitsPerPort = arg('units-per-port', 1);
  // 0: every request rebuilds the image from the truth (the default, the most work).
  const refreshMs = process.argv.includes('--refresh-ms') ? arg('refresh-ms', 0) : 0;
  const count = arg('devices', 1000);
  const clock = new RealClock();
  const model = definitionModel('eastron-sdm630');
  const servers: ModbusTcpServer[] = [];
  const targets: Array<{ port: number; unitId: number }> = [];
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const phase = (i % 97) / 97;
    const truth = () => {
      const t = clock.now() / 1000;
      const powerW = 1500 + 1200 * Math.sin(t / 60 + phase * 6.28);
      return { powerW, powerL1W: powerW / 3, powerL2W: powerW / 3, powerL3W: powerW / 3, voltageL1V: 230.1, voltageL2V: 229.8, voltageL3V: 231.0, frequencyHz: 50, energyImportWh: 5_000_000 + t * 0.4, energyExportWh: 120_000 };
    };
    const unitId = (i % unitsPerPort) + 1;
    const device = new ModbusDevice({ identity: { deviceId: `meter-${i}`, meterId: String(10_000_000 + i), model: 'SDM630' }, truth, clock }, model, { unitId, refreshMs });
    if (unitId === 1) {
      const server = new ModbusTcpServer({ clock });
      await server.listen();
      servers.push(server);
    }
    const server = servers[servers.length - 1] as ModbusTcpServer;
    server.add(device);
    targets.push({ port: server.port, unitId });
  }
  const startupMs = performance.now() - startedAt;
  process.stderr.write(`${count} devices listening after ${startupMs.toFixed(0)} ms; polling for ${seconds} s…\n`);

  const child = fork(fileURLToPath(import.meta.url), ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const loadBefore = os.loadavg()[0] as number;
  const report = await new Promise<LoadReport>((resolve, reject) => {
    child.on('message', (m: FromChild) => {
      if (m.kind === 'measuring') {
        cpu0 = process.cpuUsage();
        t0 = performance.now();
        loop.enable();
      } else resolve(m.report);
    });
    child.on('exit', (code) => reject(new Error(`load generator exited with ${String(code)} before reporting`)));
    child.send({ kind: 'start', targets, seconds, warmupSeconds } satisfies ToChild);
  });
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  loop.disable();
  await Promise.all(servers.map((s) => s.close()));

  const sorted = report.latenciesMs.sort((a, b) => a - b);
  const secondP99s = report.latenciesBySecondMs.map((l) => percentile(l.sort((a, b) => a - b), 99)).sort((a, b) => a - b);
  const minDevices = report.devicesPerSecond.length ? Math.min(...report.devicesPerSecond) : 0;
  const result = {
    devices: count,
    ports: servers.length,
    unitsPerPort,
    refreshMs,
    seconds,
    warmupSeconds,
    startupMs: Math.round(startupMs),
    sent: report.sent,
    answered: report.answered,
    exceptions: report.exceptions,
    late: report.late,
    answeredPerSecond: Number((report.answered / seconds).toFixed(1)),
    latencyMs: {
      p50: Number(percentile(sorted, 50).toFixed(3)),
      p90: Number(percentile(sorted, 90).toFixed(3)),
      p99: Number(percentile(sorted, 99).toFixed(3)),
      max: Number((sorted[sorted.length - 1] ?? NaN).toFixed(3)),
    },
    /** p99 within each second: the median second and the worst, to tell a steady tail from bursts. */
    secondP99Ms: { median: Number(percentile(secondP99s, 50).toFixed(3)), worst: Number((secondP99s[secondP99s.length - 1] ?? NaN).toFixed(3)), secondsOver50Ms: secondP99s.filter((x) => x >= 50).length },
    minDevicesAnsweredPerSecond: minDevices,
    serverCpuPercent: Number(((100 * (cpu.user + cpu.system)) / 1000 / wallMs).toFixed(1)),
    loadGeneratorCpuPercent: Number(((100 * report.cpuMs) / report.wallMs).toFixed(1)),
    serverLoopDelayP99Ms: Number((loop.percentile(99) / 1e6).toFixed(1)),
    loadGeneratorLoopDelayP99Ms: Number(report.loopDelayP99Ms.toFixed(1)),
    pollSendDelayP99Ms: Number(report.sendDelayP99Ms.toFixed(1)),
    // The machine is shared: its 1-minute load average says how much of the latency is queueing for a CPU.
    machine: { cpus: os.cpus().length, loadAverageBefore: Number(loadBefore.toFixed(2)), loadAverageAfter: Number((os.loadavg()[0] as number).toFixed(2)) },
    target: { everyDeviceEverySecond: minDevices === count, p99Under50Ms: percentile(sorted, 99) < 50 },
  };
  const rows = [
    ['devices / TCP ports', `${count} / ${servers.length} (${unitsPerPort} unit id${unitsPerPort > 1 ? 's' : ''} per port)`],
    ['run', `${seconds} s measured after ${warmupSeconds} s of warm-up`],
    ['register image rebuilt', refreshMs === 0 ? 'on every request' : `at most every ${refreshMs} ms`],
    ['start-up', `${result.startupMs} ms`],
    ['requests sent / answered', `${result.sent} / ${result.answered}`],
    ['exceptions / late', `${result.exceptions} / ${result.late}`],
    ['answered requests/s', String(result.answeredPerSecond)],
    ['latency p50 / p90 / p99 / max', `${result.latencyMs.p50} / ${result.latencyMs.p90} / ${result.latencyMs.p99} / ${result.latencyMs.max} ms`],
    ['p99 within a second: median second / worst second', `${result.secondP99Ms.median} / ${result.secondP99Ms.worst} ms (${result.secondP99Ms.secondsOver50Ms} of ${seconds} s over 50 ms)`],
    ['fewest devices answered in a second', `${minDevices} of ${count}`],
    ['server CPU', `${result.serverCpuPercent} %`],
    ['load generator CPU', `${result.loadGeneratorCpuPercent} %`],
    ['event-loop delay p99 server / load generator', `${result.serverLoopDelayP99Ms} / ${result.loadGeneratorLoopDelayP99Ms} ms`],
    ['polls sent late by the load generator, p99', `${result.pollSendDelayP99Ms} ms`],
    ['machine load average (1 min) before / after', `${result.machine.loadAverageBefore} / ${result.machine.loadAverageAfter} on ${result.machine.cpus} CPUs`],
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
