// A real OpenID provider for the sign-in tests: panva's oidc-provider, configured the way
// HelseID configures a client (private_key_jwt, PKCE required, pushed authorization
// requests offered), on http://127.0.0.1:<port>.
//
//   node provider.mjs settings.json
//
// settings.json (written by tests/oidc_provider.py):
//   issuer       "http://127.0.0.1:<port>"
//   port         the port to listen on
//   signingKey   the private JWK the provider signs ID tokens with (the tests know it, so
//                that they can make a token that is valid but for its expiry)
//   client       client_id, jwks (the client's public keys), redirect_uris,
//                post_logout_redirect_uris
//   accounts     {accountId: claims}; signing in at the provider as any other name fails
//
// Signing in needs no real person: GET /interaction/<uid> is a one-field form ("User
// name"), and posting a known account name to it ends the login and the consent at once.
// "ready <issuer>" on standard output says the provider answers.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { accounts } = settings;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Plain pages instead of the library's, which load a web font from the internet: the
// tests' browser must reach nothing but this machine.
function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const provider = new Provider(settings.issuer, {
  clients: [{
    ...settings.client,
    token_endpoint_auth_method: 'private_key_jwt',
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  jwks: { keys: [settings.signingKey] },
  cookies: { keys: ['test-provider-cookie-key'] },
  // As HelseID, ID-porten and Entra ID do: the scopes' claims are in the ID token itself.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    'helseid://scopes/identity/hpr_number': ['helseid://claims/hpr/hpr_number'],
  },
  scopes: ['openid', 'email', 'profile', 'helseid://scopes/identity/hpr_number'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    pushedAuthorizationRequests: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out at the test provider?', `${form}
          <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
          <button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out at the test provider', '');
      },
    },
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('The test provider refused', Object.entries(out)
      .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`).join(''));
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600,
    PushedAuthorizationRequest: 60, Session: 3600,
  },
  async findAccount(ctx, accountId) {
    if (!Object.hasOwn(accounts, accountId)) return undefined;
    return { accountId, claims: async () => ({ sub: accountId, ...accounts[accountId] }) };
  },
});

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(res, uid, problem = '') {
  res.writeHead(problem ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page('Sign in at the test provider', `${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
    <form method="post" action="/interaction/${escapeHtml(uid)}">
      <label>User name <input name="login" autocomplete="off"></label>
      <button type="submit">Sign in at the provider</button>
    </form>`));
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') return loginForm(res, details.uid);
  const accountId = (await formBody(req)).get('login') || '';
  if (!Object.hasOwn(accounts, accountId)) return loginForm(res, details.uid, 'No such account.');
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = createServer((req, res) => {
  if (!req.url.startsWith('/interaction/')) return handle(req, res);
  return interaction(req, res).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`interaction failed: ${error.message}`);
  });
});
server.listen(settings.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${settings.issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
