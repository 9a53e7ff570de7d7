// A throwaway certificate authority for the demo's operator broker, made with the openssl CLI
// in the demo's data folder at start: the CA and a server certificate for 127.0.0.1 and
// localhost, so gateways and `nabo operator` verify the broker by name as they would in the
// field, and optionally a client certificate per user whose CN is its MQTT username
// (deploy/certs/make-test-ca.sh does the same for a lab). Node cannot sign X.509 itself.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ToolMissing } from './mosquitto.js';

export const OPENSSL_BIN = '/usr/bin/openssl';

export interface ClientCertificate {
  certFile: string;
  keyFile: string;
}

export interface BrokerTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Client certificates by user (CN); empty: clients log in with a password only. */
  clients: Record<string, ClientCertificate>;
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

/** CA, server certificate and a client certificate per user in `clientUsers` (EC P-256, valid `days`) in `dir`. */
export async function makeBrokerTls(dir: string, clientUsers: readonly string[] = [], days = 7): Promise<BrokerTlsFiles> {
  if (!existsSync(OPENSSL_BIN)) throw new ToolMissing(`openssl is not installed (${OPENSSL_BIN}); install it with: apt-get install -y openssl, or run with --operator-plain`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string): string => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', String(days), '-subj', '/O=nabo/CN=nabo demo operator CA', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // A leaf, not a second CA: the extensions come from a file because `req -x509 -CA` would add CA:TRUE.
  await openssl(['req', ...ec, '-keyout', f('broker.key'), '-out', f('broker.csr'), '-subj', '/O=nabo/CN=localhost']);
  writeFileSync(f('broker.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(['x509', '-req', '-in', f('broker.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', String(days), '-sha256', '-extfile', f('broker.ext'), '-out', f('broker.crt')]);
  writeFileSync(f('client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  const clients: Record<string, ClientCertificate> = {};
  if (clientUsers.length > 0) mkdirSync(join(dir, 'clients'), { mode: 0o700 });
  // In parallel: each is two openssl runs, and a district has a dozen users.
  await Promise.all(
    clientUsers.map(async (user) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(user)) throw new Error(`${JSON.stringify(user)} is not a user name fit for a certificate's CN`);
      const base = join(dir, 'clients', user);
      // A serial of our own: concurrent -CAcreateserial runs would race on ca.srl.
      await openssl(['req', ...ec, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/O=nabo/CN=${user}`]);
      await openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', String(days), '-sha256', '-extfile', f('client.ext'), '-out', `${base}.crt`]);
      clients[user] = { certFile: `${base}.crt`, keyFile: `${base}.key` };
    }),
  );
  return { caFile: f('ca.crt'), certFile: f('broker.crt'), keyFile: f('broker.key'), clients };
}
