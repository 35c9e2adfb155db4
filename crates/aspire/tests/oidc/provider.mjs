// A real OpenID provider (panva's certified oidc-provider) for aspire's single sign-on tests.
// The test harness starts it on a loopback port and reads the "listening" line it prints.
//
// Environment:
//   OIDC_ISSUER        the issuer it names itself (normally http://127.0.0.1:OIDC_PORT)
//   OIDC_PORT          the loopback port it listens on
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   the one registered client (aspire)
//   OIDC_TAMPER=1      play a man in the middle: the ID token from /token comes back with its
//                      email claim changed and the provider's signature kept
//
// Anyone may sign in with any login and any password (the provider's development login page);
// the login is the account: its email is the login, verified, unless it starts with
// "unverified." (then email_verified is false); its subject is the login.
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};

const provider = new Provider(env('OIDC_ISSUER'), {
  clients: [{
    client_id: env('OIDC_CLIENT_ID'),
    client_secret: env('OIDC_CLIENT_SECRET'),
    redirect_uris: [env('OIDC_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['aspire-test-provider-only'] },
  async findAccount(ctx, login) {
    return {
      accountId: login,
      async claims() {
        return {
          sub: login,
          email: login.replace(/^unverified\./, ''),
          email_verified: !login.startsWith('unverified.'),
          name: login.split('@')[0].replace(/^unverified\./, '').split('.').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' '),
        };
      },
    };
  },
  // An institution's provider does not ask its people to consent to their own program's app.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

if (process.env.OIDC_TAMPER === '1') {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const [header, payload, signature] = ctx.body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.email = 'admin@test.edu';
      ctx.body = { ...ctx.body, id_token: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.') };
    }
  });
}

const port = Number(env('OIDC_PORT'));
provider.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
