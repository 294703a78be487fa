// A real OpenID provider for the tests: node-oidc-provider (certified), on loopback.
// Accounts and the client come from the environment, so each test says who may sign in.
//   OP_PORT, OP_CLIENT (JSON client metadata), OP_ACCOUNTS (JSON: user -> claims)
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT);
const accounts = JSON.parse(process.env.OP_ACCOUNTS || '{}');
const client = JSON.parse(process.env.OP_CLIENT);
const issuer = `http://127.0.0.1:${port}`;
const API = 'urn:dsr:api'; // the API's resource indicator and its tokens' audience

const provider = new Provider(issuer, {
  clients: [client],
  pkce: { required: () => true },
  conformIdTokenClaims: false, // the scope's claims go in the ID token, as CIS2 and Entra do
  claims: {
    openid: ['sub'],
    profile: ['name'],
    dsr: ['nhsid_nrbac_roles', 'roles', 'groups', 'organisation_type'],
  },
  scopes: ['openid', 'profile', 'dsr', 'offline_access'],
  acrValues: ['aal1', 'aal3'],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API,
      getResourceServerInfo: () => ({ scope: 'openid profile dsr', audience: API, accessTokenFormat: 'jwt' }),
      useGrantedResource: () => true,
    },
  },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  extraTokenClaims(ctx, token) {
    const claims = accounts[token.accountId] || {};
    return Object.fromEntries(Object.entries(claims).filter(([k]) => k !== 'name'));
  },
  ttl: { AccessToken: Number(process.env.OP_ACCESS_TTL || 600), IdToken: 600, Session: 600, Interaction: 600, Grant: 600 },
  loadExistingGrant: async (ctx) => {
    // the test users have consented already: no consent page, as with CIS2
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile dsr');
    grant.addResourceScope(API, 'openid profile dsr');
    await grant.save();
    return grant;
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
