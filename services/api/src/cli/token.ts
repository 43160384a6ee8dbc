import { parseArgs } from 'node:util';
import { parties, roles, type Party, type Role } from '@cco/domain';
import Fastify from 'fastify';
import { loadConfig } from '../config';
import { authPlugin } from '../plugins/auth';

// `npm run token -- --party KH --roles officer[,supervisor] [--sub name] [--expires 8h]`
// prints a development JWT signed with JWT_SECRET (or the development secret `npm start` uses).
const { values } = parseArgs({
  options: {
    party: { type: 'string' },
    roles: { type: 'string', default: 'officer' },
    sub: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});
const party = values.party?.toUpperCase() as Party;
const wanted = values.roles.split(',').map((r) => r.trim()) as Role[];
if (!parties.includes(party) || wanted.length === 0 || !wanted.every((r) => roles.includes(r))) {
  console.error(`usage: npm run token -- --party ${parties.join('|')} --roles ${roles.join(',')} [--sub name] [--expires 8h]`);
  process.exit(2);
}

const config = loadConfig();
const app = Fastify();
await app.register(authPlugin, config.jwt);
await app.ready();
const sub = values.sub ?? `${party.toLowerCase()}-${wanted[0]}-dev`;
console.log(app.jwt.sign({ sub, party, roles: wanted }, { expiresIn: values.expires }));
await app.close();
