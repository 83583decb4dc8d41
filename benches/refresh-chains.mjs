// Setup for the refresh_token scenario of benches/oidc-load.sh (not timed): signs a user in once through the
// real /login form (CSRF token and session cookie, as a browser would), then runs the authorization code flow
// COUNT times in that session and redeems each code. Every redemption starts an independent refresh-token family
// (chain), so the load run can give each connection a chain of its own. Prints one refresh token a line (with
// CODES_ONLY=1, the codes themselves, unredeemed).
//
//   node benches/refresh-chains.mjs BASE_URL CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD COUNT
//
// Plain `fetch` (Node ≥ 20), redirects followed by hand so that each hop is checked.
const [base, clientId, clientSecret, redirectUri, username, password, countText] = process.argv.slice(2);
const count = Number(countText);
if (!base || !clientId || !clientSecret || !redirectUri || !username || !password || !(count > 0)) {
  console.error('usage: refresh-chains.mjs BASE_URL CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD COUNT');
  process.exit(2);
}

const jar = new Map();
function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
}
async function request(path, init = {}) {
  const url = new URL(path, base);
  const headers = { ...(init.headers ?? {}) };
  if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  remember(response);
  return response;
}
function fail(message) {
  console.error(`refresh-chains: ${message}`);
  process.exit(1);
}
function hidden(html, name) {
  const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return match ? match[1].replaceAll('&amp;', '&').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=') : undefined;
}

// Follows redirects inside the provider (signing in when asked) until one leaves for the client; returns the code.
async function code() {
  const query = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid', state: 'bench',
  });
  let location = `/authorize?${query}`;
  for (let hop = 0; hop < 10; hop += 1) {
    if (location.startsWith(redirectUri)) {
      const back = new URL(location);
      return back.searchParams.get('code') ?? fail(`no code in ${location}`);
    }
    const response = await request(location);
    await response.text();
    const next = response.headers.get('location');
    if (!next) fail(`no redirect from ${location}: ${response.status}`);
    if (next.startsWith('/login')) {
      const form = await request(next);
      const html = await form.text();
      const csrf = hidden(html, 'csrf') ?? fail('the sign-in page has no CSRF token');
      const body = new URLSearchParams({ csrf, username, password, return_to: hidden(html, 'return_to') ?? '/' });
      const done = await request('/login', {
        method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await done.text();
      location = done.headers.get('location') ?? fail(`sign-in refused: ${done.status}`);
      if (location.startsWith('/login')) fail(`sign-in did not complete (${location}): a second factor asked for?`);
    } else {
      location = next;
    }
  }
  return fail('too many redirects');
}

// CODES_ONLY=1: print the authorization codes instead of redeeming them (benches/two-instances.sh redeems one on
// two instances at once).
const codesOnly = process.env.CODES_ONLY === '1';
const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
for (let i = 0; i < count; i += 1) {
  if (codesOnly) {
    process.stdout.write(`${await code()}\n`);
    continue;
  }
  const response = await fetch(new URL('/token', base), {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: await code(), redirect_uri: redirectUri }),
  });
  const tokens = await response.json();
  if (response.status !== 200 || !tokens.refresh_token) fail(`code redemption: ${response.status} ${JSON.stringify(tokens)}`);
  process.stdout.write(`${tokens.refresh_token}\n`);
}
