// Payments on the IOTA ledger: one transaction per payer and period, splitting the gas coin
// into one coin per payee and transferring each, built and signed with @iota/iota-sdk with the
// gateway's key; and the receiver's look-up of what a transaction paid to its address.
import { IotaClient } from '@iota/iota-sdk/client';
import { Ed25519Keypair, Ed25519PublicKey } from '@iota/iota-sdk/keypairs/ed25519';
import { Transaction } from '@iota/iota-sdk/transactions';
import { fail, ok, type Result } from '../../core/result.js';

export interface Transfer {
  address: string;
  amountNanos: bigint;
}

/** The IOTA address of a gateway: derived from its Ed25519 public key, as the roster lists it. */
export function addressOfPublicKey(publicKeyHex: string): string {
  return new Ed25519PublicKey(Buffer.from(publicKeyHex, 'hex')).toIotaAddress();
}

export function paymentTransaction(transfers: ReadonlyArray<Transfer>, sender: string, gasBudget?: number): Transaction {
  const tx = new Transaction();
  const coins = tx.splitCoins(
    tx.gas,
    transfers.map((t) => tx.pure.u64(t.amountNanos)),
  );
  transfers.forEach((t, i) => tx.transferObjects([coins[i] as ReturnType<typeof tx.splitCoins>[number]], tx.pure.address(t.address)));
  tx.setSender(sender);
  if (gasBudget !== undefined) tx.setGasBudget(gasBudget);
  return tx;
}

export class IotaPayments {
  private readonly client: IotaClient;
  private readonly keypair: Ed25519Keypair;

  constructor(nodeUrl: string, seed: Uint8Array, private readonly gasBudget?: number) {
    this.client = new IotaClient({ url: nodeUrl });
    this.keypair = Ed25519Keypair.fromSecretKey(seed);
  }

  get address(): string {
    return this.keypair.toIotaAddress();
  }

  async pay(transfers: ReadonlyArray<Transfer>): Promise<Result<{ digest: string; checkpoint: string | null }, 'node' | 'rejected'>> {
    try {
      const res = await this.client.signAndExecuteTransaction({ transaction: paymentTransaction(transfers, this.address, this.gasBudget), signer: this.keypair, options: { showEffects: true } });
      if (res.effects?.status.status !== 'success') return fail('rejected', `payment ${res.digest} failed: ${res.effects?.status.error ?? 'no effects'}`);
      return ok({ digest: res.digest, checkpoint: res.checkpoint ?? null });
    } catch (err) {
      return fail('node', (err as Error).message);
    }
  }

  /** Nanos transaction `digest` moved to `address` (positive balance changes of IOTA). */
  async received(digest: string, address: string): Promise<Result<bigint, 'node' | 'not-found'>> {
    try {
      const tx = await this.client.getTransactionBlock({ digest, options: { showBalanceChanges: true, showEffects: true } });
      if (tx.effects?.status.status !== 'success') return ok(0n);
      let total = 0n;
      for (const c of tx.balanceChanges ?? []) {
        const owner = c.owner as { AddressOwner?: string };
        if (owner.AddressOwner === address && /::iota::IOTA$/.test(c.coinType)) total += BigInt(c.amount);
      }
      return ok(total);
    } catch (err) {
      const text = (err as Error).message;
      return fail(/could not find|not ?found/i.test(text) ? 'not-found' : 'node', text);
    }
  }
}
