// The IOTA side of anchoring: a Move call `<package>::anchor::anchor_root(root, leaf_count,
// batch_id)` (deploy/iota/anchor) built and signed with @iota/iota-sdk using the gateway's
// Ed25519 key, the same 32-byte seed that signs its records; and the look-up that checks a
// root is on the ledger. Node failures come back as results so the caller retries.
import { bcs } from '@iota/iota-sdk/bcs';
import { IotaClient } from '@iota/iota-sdk/client';
import { Ed25519Keypair } from '@iota/iota-sdk/keypairs/ed25519';
import { Transaction } from '@iota/iota-sdk/transactions';
import { fail, ok, type Result } from '../../core/result.js';

export const ANCHOR_MODULE = 'anchor';
export const ANCHOR_FUNCTION = 'anchor_root';

export interface AnchorBatch {
  batchId: number;
  root: string;
  leafCount: number;
}

export interface AnchorReceipt {
  digest: string;
  checkpoint: string | null;
}

export type LedgerErrorKind = 'node' | 'rejected' | 'not-found' | 'mismatch';

export interface AnchorLedger {
  submit(batch: AnchorBatch): Promise<Result<AnchorReceipt, LedgerErrorKind>>;
  /** Checks that transaction `digest` succeeded and anchored exactly `root`. */
  rootOnLedger(digest: string, root: string): Promise<Result<{ checkpoint: string | null }, LedgerErrorKind>>;
}

export interface IotaLedgerOptions {
  nodeUrl: string;
  packageId: string;
  seed: Uint8Array;
  /** Unset: the SDK dry-runs the transaction to set the budget. */
  gasBudget?: number;
}

/** The anchor transaction, unsigned; exported so tests can check what is signed. */
export function anchorTransaction(batch: AnchorBatch, packageId: string, sender: string, gasBudget?: number): Transaction {
  const tx = new Transaction();
  tx.moveCall({
    target: `${packageId}::${ANCHOR_MODULE}::${ANCHOR_FUNCTION}`,
    arguments: [tx.pure.vector('u8', Buffer.from(batch.root, 'hex')), tx.pure.u64(batch.leafCount), tx.pure.u64(batch.batchId)],
  });
  tx.setSender(sender);
  if (gasBudget !== undefined) tx.setGasBudget(gasBudget);
  return tx;
}

function message(err: unknown): string {
  const e = err as Error & { cause?: { message?: string } };
  return e.cause?.message ? `${e.message} (${e.cause.message})` : e.message;
}

export class IotaLedger implements AnchorLedger {
  private readonly client: IotaClient;
  private readonly keypair: Ed25519Keypair;

  constructor(private readonly options: IotaLedgerOptions) {
    this.client = new IotaClient({ url: options.nodeUrl });
    this.keypair = Ed25519Keypair.fromSecretKey(options.seed);
  }

  get address(): string {
    return this.keypair.toIotaAddress();
  }

  async submit(batch: AnchorBatch): Promise<Result<AnchorReceipt, LedgerErrorKind>> {
    const tx = anchorTransaction(batch, this.options.packageId, this.address, this.options.gasBudget);
    let res;
    try {
      res = await this.client.signAndExecuteTransaction({ transaction: tx, signer: this.keypair, options: { showEffects: true } });
    } catch (err) {
      const text = message(err);
      return fail(/dry run failed|rejected|invalid/i.test(text) ? 'rejected' : 'node', text);
    }
    if (res.effects?.status.status !== 'success') return fail('rejected', `transaction ${res.digest} failed: ${res.effects?.status.error ?? 'no effects'}`);
    let checkpoint = res.checkpoint ?? null;
    if (checkpoint === null) {
      const found = await this.rootOnLedger(res.digest, batch.root);
      if (found.ok) checkpoint = found.value.checkpoint;
    }
    return ok({ digest: res.digest, checkpoint });
  }

  async rootOnLedger(digest: string, root: string): Promise<Result<{ checkpoint: string | null }, LedgerErrorKind>> {
    let tx;
    try {
      tx = await this.client.getTransactionBlock({ digest, options: { showInput: true, showEffects: true } });
    } catch (err) {
      const text = message(err);
      return fail(/not ?found|could not find/i.test(text) ? 'not-found' : 'node', text);
    }
    if (tx.effects?.status.status !== 'success') return fail('mismatch', `transaction ${digest} did not succeed`);
    const data = tx.transaction?.data.transaction;
    if (!data || data.kind !== 'ProgrammableTransaction') return fail('mismatch', `transaction ${digest} is not a programmable transaction`);
    const call = data.transactions.find((c) => 'MoveCall' in c && c.MoveCall.module === ANCHOR_MODULE && c.MoveCall.function === ANCHOR_FUNCTION);
    if (!call || !('MoveCall' in call) || call.MoveCall.package !== normalizeId(this.options.packageId)) return fail('mismatch', `transaction ${digest} does not call ${this.options.packageId}::${ANCHOR_MODULE}::${ANCHOR_FUNCTION}`);
    const first = data.inputs[0];
    const anchored = first && first.type === 'pure' && Array.isArray(first.value) ? Buffer.from(first.value as number[]).toString('hex') : null;
    if (anchored !== root) return fail('mismatch', `transaction ${digest} anchored ${anchored ?? 'no root'}, not ${root}`);
    return ok({ checkpoint: tx.checkpoint ?? null });
  }
}

/** 0x-prefixed, 64 hex digits, as nodes print package ids. */
export function normalizeId(id: string): string {
  return `0x${id.replace(/^0x/, '').padStart(64, '0')}`;
}

/** Decodes the root argument of an anchor transaction's bytes (for the test node and audits). */
export function decodeRootArgument(pureBytes: Uint8Array): string {
  return Buffer.from(bcs.vector(bcs.u8()).parse(pureBytes)).toString('hex');
}
