// `nabo verify <record file | id>`: checks a record's signature, a trade's finality
// certificate, its inclusion proof and (with a node) its batch root on the IOTA ledger. Exit 0
// when no check failed, 1 when one did, 2 on usage errors.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { AnchorStore } from '../../anchor/anchor-store.js';
import { IotaLedger } from '../../anchor/iota-ledger.js';
import { verifyEvidence } from '../../anchor/verify-evidence.js';
import { DEFAULT_VOTE_DOMAIN, MajorityFinality } from '../../operator/finality.js';
import { operatorEvidence } from '../../operator/evidence.js';
import { readRosterFile } from '../../operator/member-directory.js';
import { openOperatorStorage } from '../../operator/storage.js';
import { openDatabase } from '../../store/database.js';
import { EXIT_FAILED, EXIT_OK, formatTable, resolveFormat, UsageError } from '../output.js';

interface VerifyFlags {
  store?: string;
  database?: string;
  roster?: string;
  node?: string;
  package?: string;
  voteDomain: string;
  format?: string;
}

async function load(target: string, store: string | undefined, database: string | undefined): Promise<unknown> {
  if (existsSync(target)) {
    try {
      return JSON.parse(readFileSync(target, 'utf8')) as unknown;
    } catch (err) {
      throw new UsageError(`${target}: not JSON (${(err as Error).message})`);
    }
  }
  if (database) {
    const storage = await openOperatorStorage(database);
    try {
      const ev = await operatorEvidence(storage, target);
      if (!ev) throw new UsageError(`no record ${target} in ${database}`);
      return ev;
    } finally {
      await storage.close();
    }
  }
  if (!store) throw new UsageError(`${target} is not a file; to verify a record by id give the gateway store (--store nabo.db) or the operator database (--database)`);
  if (!existsSync(store)) throw new UsageError(`--store: ${store} does not exist`);
  const db = openDatabase(store, { readonly: true });
  try {
    const ev = new AnchorStore(db).evidence(target);
    if (!ev) throw new UsageError(`no record ${target} in ${store}`);
    return ev;
  } finally {
    db.close();
  }
}

export function register(program: Command): void {
  program
    .command('verify')
    .description("check a record's signature, a trade's finality certificate, its inclusion proof and its root on the IOTA ledger")
    .argument('<record>', 'evidence JSON file ({ record, proof, anchor } or a bare signed record), or a record id with --store')
    .option('--store <file>', 'gateway store to read a record by id')
    .option('--database <file|url>', "operator database (SQLite file or postgres://…) to read a record by id")
    .option('--roster <file>', 'roster JSON, to check membership and finality certificates')
    .option('--node <url>', 'IOTA JSON-RPC node, to check the root is on the ledger')
    .option('--package <id>', 'anchor Move package id (with --node)')
    .option('--vote-domain <domain>', 'signature domain of result votes', DEFAULT_VOTE_DOMAIN)
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)')
    .addHelpText('after', '\nExamples:\n  $ nabo verify trade:gw-1:1782000000000 --store /var/lib/nabo/nabo.db --roster roster.json\n  $ nabo verify /var/lib/nabo/evidence.json --node https://api.mainnet.iota.cafe --package 0x…\n  $ nabo verify settlement:gw-1:1782000000000 --database postgres://nabo@db/operator --roster roster.json\n')
    .action(async (target: string, flags: VerifyFlags) => {
      if (flags.node && !flags.package) throw new UsageError('--node needs --package (the anchor package id)');
      if (flags.format !== undefined && flags.format !== 'json' && flags.format !== 'table') throw new UsageError(`--format: ${JSON.stringify(flags.format)} is not json or table`);
      const roster = flags.roster ? readRosterFile(flags.roster) : null;
      if (roster && !roster.ok) throw new UsageError(`--roster: ${roster.error.detail}`);
      const evidence = await load(target, flags.store, flags.database);
      // The ledger look-up needs no key; a throwaway seed satisfies the client's constructor.
      const ledger = flags.node && flags.package ? new IotaLedger({ nodeUrl: flags.node, packageId: flags.package, seed: new Uint8Array(32) }) : undefined;
      const outcome = await verifyEvidence(evidence, { directory: roster?.ok ? roster.value : undefined, finality: new MajorityFinality(flags.voteDomain), ledger });
      if (resolveFormat(flags.format) === 'json') process.stdout.write(`${JSON.stringify({ ...outcome, evidence }, null, 2)}\n`);
      else process.stdout.write(formatTable(['check', 'status', 'detail'], outcome.checks.map((c) => [c.name, c.status, c.detail])) + `${outcome.recordId ?? '?'}: ${outcome.ok ? 'verified' : 'FAILED'}\n`);
      process.exitCode = outcome.ok ? EXIT_OK : EXIT_FAILED;
    });
}
