// `nabo verify`'s checks on one record's evidence: the gateway's signature, a trade's finality
// certificate (with a roster), the inclusion proof against the batch root, and the root on the
// ledger (with a node). Each check is ok, failed or skipped with the reason it could not run.
import type { FinalityVerifier } from '../operator/finality.js';
import type { MemberDirectory } from '../operator/member-directory.js';
import { tradePayloadSchema } from '../uplink/payloads.js';
import { parseSignedRecord, recordHash } from '../uplink/record.js';
import type { AnchorLedger } from './iota-ledger.js';
import { rootFromProof } from './merkle.js';

export type CheckName = 'signature' | 'finality' | 'proof' | 'ledger';

export interface Check {
  name: CheckName;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

export interface VerifyOutcome {
  recordId: string | null;
  ok: boolean;
  checks: Check[];
}

export interface VerifyOptions {
  directory?: MemberDirectory;
  finality?: FinalityVerifier;
  ledger?: AnchorLedger;
}

interface Evidence {
  record: unknown;
  proof?: unknown;
  anchor?: { root?: unknown; digest?: unknown } | null;
}

function asEvidence(input: unknown): Evidence {
  if (input && typeof input === 'object' && 'record' in input) return input as Evidence;
  return { record: input };
}

export async function verifyEvidence(input: unknown, options: VerifyOptions = {}): Promise<VerifyOutcome> {
  const ev = asEvidence(input);
  const checks: Check[] = [];
  const parsed = parseSignedRecord(ev.record);
  if (!parsed.ok) {
    checks.push({ name: 'signature', status: 'failed', detail: `${parsed.error.kind}: ${parsed.error.detail}` });
    return { recordId: null, ok: false, checks };
  }
  const signed = parsed.value;
  const rec = signed.payload;
  const member = options.directory ? options.directory.isMember(signed.signer, rec.gatewayId) : null;
  checks.push(member === false ? { name: 'signature', status: 'failed', detail: `valid signature, but ${signed.signer.slice(0, 12)}… is not ${rec.gatewayId}'s key in the roster` } : { name: 'signature', status: 'ok', detail: `signed by ${signed.signer.slice(0, 12)}…${member ? `, ${rec.gatewayId} in the roster` : ''}` });

  if (rec.kind === 'trade') {
    const trade = tradePayloadSchema.safeParse(rec.payload);
    if (!trade.success) checks.push({ name: 'finality', status: 'failed', detail: 'trade payload does not match the documented shape' });
    else if (!options.directory || !options.finality) checks.push({ name: 'finality', status: 'skipped', detail: 'no roster given (--roster)' });
    else {
      const f = options.finality.verify(trade.data.resultHash, trade.data.certificate, options.directory);
      checks.push(f.ok ? { name: 'finality', status: 'ok', detail: `${f.value.signers} member votes for ${trade.data.resultHash.slice(0, 12)}…` } : { name: 'finality', status: 'failed', detail: f.error.detail });
    }
  }

  const root = typeof ev.anchor?.root === 'string' ? ev.anchor.root : null;
  if (!ev.proof || !root) checks.push({ name: 'proof', status: 'skipped', detail: 'the record is not in an anchor batch yet' });
  else {
    const r = rootFromProof(recordHash(signed), ev.proof);
    checks.push(r.ok && r.value === root ? { name: 'proof', status: 'ok', detail: `leads to root ${root.slice(0, 12)}…` } : { name: 'proof', status: 'failed', detail: r.ok ? `leads to ${r.value.slice(0, 12)}…, not the batch root ${root.slice(0, 12)}…` : r.error.detail });
  }

  const digest = typeof ev.anchor?.digest === 'string' ? ev.anchor.digest : null;
  if (!options.ledger) checks.push({ name: 'ledger', status: 'skipped', detail: 'no node configured (--node, --package)' });
  else if (!root || !digest) checks.push({ name: 'ledger', status: 'skipped', detail: 'the batch has no ledger receipt yet' });
  else {
    const l = await options.ledger.rootOnLedger(digest, root);
    checks.push(l.ok ? { name: 'ledger', status: 'ok', detail: `root in transaction ${digest}, checkpoint ${l.value.checkpoint ?? '?'}` } : { name: 'ledger', status: 'failed', detail: `${l.error.kind}: ${l.error.detail}` });
  }
  return { recordId: rec.id, ok: checks.every((c) => c.status !== 'failed'), checks };
}
