// A throwaway certificate authority for the demo's operator broker, made with the openssl CLI
// in the demo's data folder at start: the CA and a server certificate for 127.0.0.1 and
// localhost, so gateways and `nabo operator` verify the broker by name as they would in the
// field (deploy/certs/make-test-ca.sh does the same for a lab). Node cannot sign X.509 itself.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ToolMissing } from './mosquitto.js';

export const OPENSSL_BIN = '/usr/bin/openssl';

export interface BrokerTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

const run = promisify(execFile);

async function openssl(args: string[]): Promise<void> {
  try {
    await run(OPENSSL_BIN, args, { timeout: 30_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** CA and server certificate (EC P-256, valid `days`) in `dir`; keys are written 0600. */
export async function makeBrokerTls(dir: string, days = 7): Promise<BrokerTlsFiles> {
  if (!existsSync(OPENSSL_BIN)) throw new ToolMissing(`openssl is not installed (${OPENSSL_BIN}); install it with: apt-get install -y openssl, or run with --operator-plain`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string): string => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', String(days), '-subj', '/O=nabo/CN=nabo demo operator CA', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // A leaf, not a second CA: the extensions come from a file because `req -x509 -CA` would add CA:TRUE.
  await openssl(['req', ...ec, '-keyout', f('broker.key'), '-out', f('broker.csr'), '-subj', '/O=nabo/CN=localhost']);
  writeFileSync(f('broker.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(['x509', '-req', '-in', f('broker.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', String(days), '-sha256', '-extfile', f('broker.ext'), '-out', f('broker.crt')]);
  return { caFile: f('ca.crt'), certFile: f('broker.crt'), keyFile: f('broker.key') };
}
