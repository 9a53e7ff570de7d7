// What the whole-gateway benchmark runs around the measured `nabo run`: a one-block market with
// that gateway and a peer gateway (its own `nabo run`), a signed roster, a real Mosquitto for
// the block and one for the operator (passwords and the roster's ACL), and `nabo operator`
// acknowledging the gateways' uplink records. Every process is the built CLI, as deployed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { timingFor } from '../../gateway/demo/district-setup.js';
import { generateIdentity, writeKeyFile, type GatewayIdentity } from '../../gateway/market/identity.js';
import { mosquittoAcl } from '../../gateway/market/mosquitto-acl.js';
import { signRoster, validateRoster, type Roster } from '../../gateway/market/roster.js';
import { startChild, type WatchedChild } from '../helpers/child-process.js';
import { TestBroker } from '../helpers/mosquitto.js';

export const MARKET_ID = 'bench-market';

export interface BenchBlockOptions {
  dir: string;
  gatewayIds: string[];
  intervalMinutes: number;
  /** [node, ...flags, dist/gateway/cli/main.js] */
  nabo: string[];
}

/** Market timing for real time: one-minute intervals need shorter waits than the roster's defaults. */
function parameters(intervalMinutes: number): Roster['parameters'] {
  if (intervalMinutes >= 5) return timingFor(1, intervalMinutes * 60_000);
  return { ...timingFor(1, 300_000), intervalMinutes, gateClosureLeadMs: 15_000, coordinatorTimeoutMs: 5000, finalityTimeoutMs: 20_000 };
}

export class BenchBlock {
  readonly operator = generateIdentity();
  readonly identities = new Map<string, GatewayIdentity>();
  readonly passwords = new Map<string, string>();
  readonly rosterFile: string;
  blockBroker!: TestBroker;
  operatorBroker!: TestBroker;
  private operatorProc: WatchedChild | undefined;
  private readonly gateways: WatchedChild[] = [];

  constructor(private readonly o: BenchBlockOptions) {
    mkdirSync(o.dir, { recursive: true });
    for (const id of o.gatewayIds) this.identities.set(id, generateIdentity());
    this.rosterFile = join(o.dir, 'roster.json');
  }

  async start(): Promise<void> {
    const o = this.o;
    const checked = validateRoster({
      marketId: MARKET_ID,
      version: 1,
      issuedAt: new Date().toISOString(),
      operatorPublicKey: this.operator.publicKey,
      parameters: parameters(o.intervalMinutes),
      blocks: [{ id: 'b1', gridImportPriceMinorPerKWh: 120, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 }],
      lines: [],
      members: o.gatewayIds.map((id) => ({ gatewayId: id, publicKey: this.identities.get(id)!.publicKey, buildingId: id, block: 'b1' })),
      revokedKeys: [],
    });
    if (!checked.ok) throw new Error(`bench roster: ${checked.error.detail}`);
    writeFileSync(this.rosterFile, `${JSON.stringify(signRoster(checked.value, this.operator.seed), null, 2)}\n`);
    const users: Record<string, string> = { operator: 'pw-operator' };
    for (const id of o.gatewayIds) users[id] = `pw-${id}`;
    for (const [u, p] of Object.entries(users)) this.passwords.set(u, p);
    const acl = mosquittoAcl(checked.value);
    this.blockBroker = await TestBroker.start({ users, acl });
    this.operatorBroker = await TestBroker.start({ users, acl });
    const [cmd, ...args] = o.nabo;
    this.operatorProc = startChild(cmd!, [...args, 'operator', 'run', '--broker', this.operatorBroker.url, '--roster', this.rosterFile, '--database', join(o.dir, 'operator.db'), '--username', 'operator', '--stats-every-ms', '0'], {
      env: { ...process.env, NABO_OPERATOR_PASSWORD: users.operator },
    });
    await this.operatorProc.waitFor('receiving on', 60_000, 'stderr');
  }

  /** The market and uplink sections of a member's config; its identity key is written into dataDir. */
  sections(gatewayId: string, dataDir: string, devices: { grid: string; pv?: string; battery?: { id: string; capacityWh: number; maxW: number } }): Record<string, unknown> {
    mkdirSync(dataDir, { recursive: true });
    const key = writeKeyFile(join(dataDir, 'identity.key'), this.identities.get(gatewayId)!);
    if (!key.ok) throw new Error(`${gatewayId}: ${key.error.detail}`);
    return {
      market: {
        enabled: true,
        marketId: MARKET_ID,
        operatorPublicKey: this.operator.publicKey,
        rosterFile: this.rosterFile,
        broker: { url: this.blockBroker.url, username: gatewayId, password: this.passwords.get(gatewayId)! },
        gridMeterDeviceId: devices.grid,
        ...(devices.pv ? { pvDeviceId: devices.pv } : {}),
        ...(devices.battery ? { battery: { deviceId: devices.battery.id, capacityWh: devices.battery.capacityWh, maxChargeW: devices.battery.maxW, maxDischargeW: devices.battery.maxW } } : {}),
        orderLeadMs: this.o.intervalMinutes >= 5 ? 60_000 : 8_000,
      },
      uplink: { enabled: true, brokerUrl: this.operatorBroker.url, marketId: MARKET_ID, passwordEnv: 'NABO_UPLINK_PASSWORD', ackTimeoutMs: 10_000, anchor: { enabled: true, batchPeriodMs: 3_600_000 } },
    };
  }

  /** Writes a config and starts `nabo run` on it (stderr kept; logs at warn). */
  startGateway(gatewayId: string, config: Record<string, unknown>, configFile: string): WatchedChild {
    writeFileSync(configFile, stringify(config), { mode: 0o600 });
    const [cmd, ...args] = this.o.nabo;
    const child = startChild(cmd!, [...args, 'run', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NABO_LOG_LEVEL: 'warn', NABO_UPLINK_PASSWORD: this.passwords.get(gatewayId)! } });
    this.gateways.push(child);
    return child;
  }

  async stop(): Promise<void> {
    await Promise.all(this.gateways.map((g) => g.stop('SIGTERM')));
    await this.operatorProc?.stop('SIGTERM');
    await Promise.all([this.blockBroker?.close(), this.operatorBroker?.close()]);
  }
}
