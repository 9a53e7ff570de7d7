// Who may send records: the roster's members, each a gateway id with its Ed25519 key. The
// operator takes any directory (the market's signed roster once merged); this file also reads
// a plain roster JSON for the CLI and tests.
import { readFileSync } from 'node:fs';
import { fail, ok, type Result } from '../../core/result.js';

export interface MemberDirectory {
  isMember(publicKeyHex: string, gatewayId: string): boolean;
  /** Members in the roster: the base of the "more than half" of a finality certificate. */
  memberCount(): number;
}

export interface Member {
  gatewayId: string;
  publicKey: string;
}

export class StaticDirectory implements MemberDirectory {
  private readonly byKey = new Map<string, string>();

  constructor(members: ReadonlyArray<Member>) {
    for (const m of members) this.byKey.set(m.publicKey, m.gatewayId);
  }

  isMember(publicKeyHex: string, gatewayId: string): boolean {
    return this.byKey.get(publicKeyHex) === gatewayId;
  }

  memberCount(): number {
    return this.byKey.size;
  }
}

/**
 * Reads `{ members: [{ gatewayId, publicKey }] }`, or a signed roster envelope whose payload
 * has such members (`id`/`key` accepted as the market's roster names them).
 */
export function readRosterFile(file: string): Result<StaticDirectory, 'io' | 'shape'> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    return fail('io', `${file}: ${(err as Error).message}`);
  }
  const root = value && typeof value === 'object' && 'payload' in value ? (value as { payload: unknown }).payload : value;
  const list = root && typeof root === 'object' ? (root as { members?: unknown }).members : undefined;
  if (!Array.isArray(list)) return fail('shape', `${file}: expected { members: [{ gatewayId, publicKey }] }`);
  const members: Member[] = [];
  for (const [i, m] of list.entries()) {
    const o = (m ?? {}) as Record<string, unknown>;
    const gatewayId = o.gatewayId ?? o.id;
    const publicKey = o.publicKey ?? o.key;
    if (typeof gatewayId !== 'string' || typeof publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(publicKey)) return fail('shape', `${file}: members[${i}] needs gatewayId and a 64-hex publicKey`);
    members.push({ gatewayId, publicKey });
  }
  return ok(new StaticDirectory(members));
}
