// A local IOTA JSON-RPC test node: an HTTP server answering the methods @iota/iota-sdk calls to
// build, dry-run, execute and look up a transaction (reference gas price, coins, dry run,
// execute, get transaction). Execute checks the signature over the transaction bytes with the
// SDK's own verifier and refuses what does not verify, like a validator would. It knows only
// enough of the ledger to serve the anchor and payment tests; never a production path.
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { bcs } from '@iota/iota-sdk/bcs';
import { Transaction, TransactionDataBuilder } from '@iota/iota-sdk/transactions';
import { toBase58 } from '@iota/iota-sdk/utils';
import { verifyTransactionSignature } from '@iota/iota-sdk/verify';

export interface ExecutedTx {
  digest: string;
  sender: string;
  checkpoint: string;
  bytes: Uint8Array;
  signature: string;
  inputs: Array<{ type: 'pure'; valueType: string; value: unknown }>;
  calls: Array<{ package: string; module: string; function: string }>;
  balanceChanges: Array<{ owner: { AddressOwner: string }; coinType: string; amount: string }>;
}

export class IotaTestNode {
  private server: Server | null = null;
  readonly executed: ExecutedTx[] = [];
  readonly calls: string[] = [];
  readonly unknownMethods: string[] = [];
  readonly badSignatures: string[] = [];
  private checkpoint = 1000;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        void this.answer(body).then((out) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out));
        });
      });
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  private async answer(body: string): Promise<unknown> {
    const req = JSON.parse(body) as { id: number; method: string; params: unknown[] };
    this.calls.push(req.method);
    try {
      return { jsonrpc: '2.0', id: req.id, result: await this.dispatch(req.method, req.params) };
    } catch (err) {
      return { jsonrpc: '2.0', id: req.id, error: { code: -32000, message: (err as Error).message } };
    }
  }

  private async dispatch(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case 'iotax_getReferenceGasPrice':
        return '1000';
      case 'iotax_getCoins': {
        const owner = String(params[0]);
        const objectId = `0x${createHash('sha256').update(`coin ${owner}`).digest('hex')}`;
        return { data: [{ coinType: '0x2::iota::IOTA', coinObjectId: objectId, version: '7', digest: toBase58(createHash('sha256').update(`digest ${owner}`).digest()), balance: '5000000000', previousTransaction: toBase58(Buffer.alloc(32, 1)) }], nextCursor: null, hasNextPage: false };
      }
      case 'iota_dryRunTransactionBlock':
        return { effects: { status: { status: 'success' }, gasUsed: { computationCost: '1000000', storageCost: '2000000', storageRebate: '0', nonRefundableStorageFee: '0' } }, events: [], objectChanges: [], balanceChanges: [], input: {} };
      case 'iota_executeTransactionBlock':
        return this.execute(String(params[0]), (params[1] as string[])[0] ?? '');
      case 'iota_getTransactionBlock': {
        const tx = this.executed.find((t) => t.digest === params[0]);
        if (!tx) throw new Error(`Could not find the referenced transaction [TransactionDigest(${String(params[0])})]`);
        return {
          digest: tx.digest,
          checkpoint: tx.checkpoint,
          timestampMs: '0',
          transaction: { data: { messageVersion: 'v1', sender: tx.sender, gasData: { payment: [], owner: tx.sender, price: '1000', budget: '0' }, transaction: { kind: 'ProgrammableTransaction', inputs: tx.inputs, transactions: tx.calls.map((c) => ({ MoveCall: c })) } }, txSignatures: [] },
          effects: { messageVersion: 'v1', status: { status: 'success' }, executedEpoch: '0', gasUsed: { computationCost: '1000000', storageCost: '2000000', storageRebate: '0', nonRefundableStorageFee: '0' }, transactionDigest: tx.digest, gasObject: {}, dependencies: [] },
          balanceChanges: tx.balanceChanges,
        };
      }
      default:
        this.unknownMethods.push(method);
        throw new Error(`method ${method} not served by the test node`);
    }
  }

  private async execute(txB64: string, signature: string): Promise<unknown> {
    const bytes = Buffer.from(txB64, 'base64');
    const data = Transaction.from(bytes).getData();
    const sender = data.sender ?? '';
    try {
      const pk = await verifyTransactionSignature(bytes, signature);
      if (pk.toIotaAddress() !== sender) throw new Error('signer is not the sender');
    } catch (err) {
      this.badSignatures.push((err as Error).message);
      throw new Error(`Invalid user signature: ${(err as Error).message}`);
    }
    const digest = TransactionDataBuilder.getDigestFromBytes(bytes);
    const calls: ExecutedTx['calls'] = [];
    for (const c of data.commands) if (c.MoveCall) calls.push({ package: c.MoveCall.package, module: c.MoveCall.module, function: c.MoveCall.function });
    const pure = (i: number): Buffer => Buffer.from(data.inputs[i]?.Pure?.bytes ?? '', 'base64');
    const inputs: ExecutedTx['inputs'] = [];
    const balanceChanges: ExecutedTx['balanceChanges'] = [];
    if (calls.length > 0) {
      // The anchor call's arguments: the root (vector<u8>), then two u64.
      data.inputs.forEach((_, i) => inputs.push(i === 0 ? { type: 'pure', valueType: 'vector<u8>', value: Array.from(bcs.vector(bcs.u8()).parse(pure(i))) } : { type: 'pure', valueType: 'u64', value: bcs.u64().parse(pure(i)) }));
    }
    // A payment: SplitCoins of the gas coin, then TransferObjects of each part to an address.
    const splits: bigint[] = [];
    for (const c of data.commands) {
      if (c.SplitCoins) for (const a of c.SplitCoins.amounts) splits.push(a.$kind === 'Input' ? BigInt(bcs.u64().parse(pure(a.Input))) : 0n);
      if (c.TransferObjects && c.TransferObjects.address.$kind === 'Input') {
        const to = `0x${pure(c.TransferObjects.address.Input).toString('hex')}`;
        for (const o of c.TransferObjects.objects) {
          const amount = o.$kind === 'NestedResult' ? (splits[o.NestedResult[1]] ?? 0n) : 0n;
          balanceChanges.push({ owner: { AddressOwner: to }, coinType: '0x2::iota::IOTA', amount: String(amount) });
          balanceChanges.push({ owner: { AddressOwner: sender }, coinType: '0x2::iota::IOTA', amount: String(-amount) });
        }
      }
    }
    const tx: ExecutedTx = { digest, sender, checkpoint: String(++this.checkpoint), bytes, signature, inputs, calls, balanceChanges };
    this.executed.push(tx);
    return { digest, checkpoint: tx.checkpoint, effects: { messageVersion: 'v1', status: { status: 'success' }, executedEpoch: '0', gasUsed: { computationCost: '1000000', storageCost: '2000000', storageRebate: '0', nonRefundableStorageFee: '0' }, transactionDigest: digest, gasObject: {}, dependencies: [] }, confirmedLocalExecution: true };
  }
}
