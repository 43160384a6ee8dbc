import { parseArgs } from 'node:util';
import { parties, roles, type Party, type Role } from '@cco/domain';
import { signDevelopmentToken } from '@cco/dev-auth';

// `npm run token -- --party KH --roles officer[,supervisor] [--sub name] [--expires 8h]`
// prints a development JWT signed with that party's development key (packages/dev-auth), which
// `npm start` trusts while AUTH_<party>_JWKS is unset. Never trusted in production.
const usage = `usage: npm run token -- --party ${parties.join('|')} [--roles ${roles.join(',')}] [--sub name] [--expires 8h]
  Prints a development token signed with that party's development key (EdDSA, kid, iss, aud cco-api).
  npm start trusts these keys only while AUTH_KH_JWKS / AUTH_CN_JWKS are unset, never in production.`;

let values: { party?: string | undefined; roles: string; sub?: string | undefined; expires: string; help?: boolean | undefined };
try {
  ({ values } = parseArgs({
    options: {
      party: { type: 'string' },
      roles: { type: 'string', default: 'officer' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const party = values.party?.toUpperCase() as Party;
const wanted = values.roles.split(',').map((r) => r.trim()) as Role[];
if (!parties.includes(party) || wanted.length === 0 || !wanted.every((r) => roles.includes(r))) {
  console.error(usage);
  process.exit(2);
}
const sub = values.sub ?? `${party.toLowerCase()}-${wanted[0]}-dev`;
try {
  console.log(signDevelopmentToken({ sub, party, roles: wanted }, { expiresIn: values.expires }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
