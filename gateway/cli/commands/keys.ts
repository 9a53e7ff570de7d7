// `nabo keys init|show`: the gateway's Ed25519 identity (gateway/market/identity.ts). init makes
// a new key file (0600) and refuses to overwrite one; show prints the public key and IOTA address.
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateIdentity, readKeyFile, writeKeyFile, type GatewayIdentity } from '../../market/identity.js';
import { EXIT_FAILED, EXIT_OK, formatTable, printJson, resolveFormat, UsageError } from '../output.js';

interface KeyFlags {
  keyFile?: string;
  dataDir: string;
  format?: string;
  publicKey?: boolean;
}

export const DEFAULT_DATA_DIR = '/var/lib/nabo';

export function keyFilePath(flags: { keyFile?: string; dataDir: string }): string {
  return flags.keyFile ?? join(flags.dataDir, 'identity.key');
}

function print(identity: GatewayIdentity, keyFile: string, format: string | undefined, publicKeyOnly = false): void {
  if (publicKeyOnly) {
    process.stdout.write(`${identity.publicKey}\n`);
    return;
  }
  const view = { keyFile, publicKey: identity.publicKey, iotaAddress: identity.iotaAddress };
  if (resolveFormat(format) === 'json') printJson(view);
  else process.stdout.write(formatTable(['key file', 'public key', 'IOTA address'], [[view.keyFile, view.publicKey, view.iotaAddress]]));
}

function withKeyFlags(cmd: Command): Command {
  return cmd
    .option('--key-file <path>', 'identity key file (default <data-dir>/identity.key)')
    .option('--data-dir <dir>', 'the gateway data directory (config gateway.dataDir)', DEFAULT_DATA_DIR)
    .option('--format <format>', 'json or table (default: table on a terminal, json otherwise)');
}

export function register(program: Command): void {
  const keys = program.command('keys').description("the gateway's Ed25519 identity: signs orders, votes, trades; names it on the IOTA ledger");
  withKeyFlags(keys.command('init').description('make a new identity key file (mode 0600); refuses to overwrite one'))
    .addHelpText('after', '\nExample:\n  $ nabo keys init --data-dir /var/lib/nabo\n')
    .action((flags: KeyFlags) => {
      const path = keyFilePath(flags);
      // A gateway's data directory may not exist before its first run.
      mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
      const identity = generateIdentity();
      const written = writeKeyFile(path, identity);
      if (!written.ok) {
        if (written.error.kind === 'exists') throw new UsageError(written.error.detail);
        process.stderr.write(`nabo keys init: ${written.error.detail}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      print(identity, path, flags.format);
      process.exitCode = EXIT_OK;
    });
  withKeyFlags(keys.command('show').description('print the public key and IOTA address of the identity key'))
    .option('--public-key', 'print only the public key (hex), e.g. for a roster member line')
    .addHelpText('after', '\nExamples:\n  $ nabo keys show --key-file /var/lib/nabo/identity.key --format table\n  $ nabo keys show --data-dir /var/lib/nabo --public-key\n')
    .action((flags: KeyFlags) => {
      const path = keyFilePath(flags);
      const identity = readKeyFile(path);
      if (!identity.ok) throw new UsageError(identity.error.detail);
      print(identity.value, path, flags.format, flags.publicKey === true);
      process.exitCode = EXIT_OK;
    });
}
