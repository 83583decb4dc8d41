// The reference server of benches/oidc-load.sh: node `oidc-provider` 9 (pinned in benches/package.json), stock
// in-memory storage, one confidential client allowed the client_credentials grant with client_secret_basic.
//
//   PORT=… CLIENT_SECRET=… [ACCESS_TOKEN_FORMAT=opaque|jwt] node benches/oidc-provider.mjs
//
// ACCESS_TOKEN_FORMAT=opaque (the library's default) issues random access tokens kept in its in-memory store;
// jwt issues ES256-signed JWT access tokens (via a default resource indicator), which is what Gatehouse issues.
// It prints "listening" once it accepts connections.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const secret = process.env.CLIENT_SECRET;
const format = process.env.ACCESS_TOKEN_FORMAT ?? 'opaque';
if (!port || !secret || !['opaque', 'jwt'].includes(format)) {
  console.error('usage: PORT=… CLIENT_SECRET=… [ACCESS_TOKEN_FORMAT=opaque|jwt] node oidc-provider.mjs');
  process.exit(2);
}

// One ES256 signing key, as Gatehouse has.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' };

const resourceIndicators = format === 'jwt'
  ? {
    enabled: true,
    defaultResource: () => 'urn:gatehouse-bench:api',
    useGrantedResource: () => true,
    getResourceServerInfo: () => ({ scope: 'api', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
  }
  : { enabled: false };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench-service',
    client_secret: secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [jwk] },
  ttl: { ClientCredentials: 600 }, // 10 minutes, as Gatehouse's access tokens
  cookies: { keys: [secret] },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators,
  },
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => console.log(`listening on ${port} (${format} access tokens)`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
