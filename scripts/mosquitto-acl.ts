// Writes a block broker's Mosquitto ACL from a member list, until the market's
// `nabo roster mosquitto-acl` (which reads the signed roster) is available:
//   npx tsx scripts/mosquitto-acl.ts --market trondheim --operator operator b1-h1 b1-h2 > acl
import { mosquittoAcl } from '../gateway/cli/init/mosquitto-acl.js';

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const marketId = take('--market');
const operator = take('--operator');
if (!marketId || !operator || args.length === 0 || args.some((a) => a.startsWith('-'))) {
  process.stderr.write('usage: mosquitto-acl.ts --market ID --operator USER GATEWAY...\n');
  process.exit(2);
}
const acl = mosquittoAcl({ marketId, operator, gateways: args });
if (!acl.ok) {
  process.stderr.write(`mosquitto-acl: ${acl.error.detail}\n`);
  process.exit(2);
}
process.stdout.write(`${acl.value}\n`);
