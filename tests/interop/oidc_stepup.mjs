// Step-up with openid-client 6 (an OpenID-certified RP library) against Gatehouse.
//
//   node tests/interop/oidc_stepup.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI SESSION_COOKIE TOTP_CODE
//
// The browser (a cookie jar seeded with SESSION_COOKIE, "name=value") is already signed in with the password only;
// the user has an authenticator app. openid-client asks `acr_values=urn:gatehouse:acr:mfa`: Gatehouse must answer
// with its second-factor page (a code field, no password field), which this script fills with TOTP_CODE; then
// authorizationCodeGrant checks state, iss, PKCE, nonce and the ES256 ID token, whose acr and amr are reported.
// A second request asks `urn:gatehouse:acr:phishing-resistant`, which an app code cannot reach: the authorization
// response must be an error, which openid-client parses (checking state and iss) and which is reported.
//
// On success prints one JSON line: {"discovery_lists_mfa", "prompt_path", "prompt_asks_code", "prompt_asks_password",
// "acr", "amr", "auth_time", "unmet_error"}. On failure prints the step and the error to stderr and exits 1.
import * as client from "openid-client";

const TIMEOUT_S = 10;
const WATCHDOG_MS = 60_000;
const MFA = "urn:gatehouse:acr:mfa";
const PHISHING_RESISTANT = "urn:gatehouse:acr:phishing-resistant";

const args = process.argv.slice(2);
if (args.length !== 6 || args.some((a) => !a)) {
  console.error("usage: node tests/interop/oidc_stepup.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI SESSION_COOKIE TOTP_CODE");
  process.exit(2);
}
const [issuer, clientId, clientSecret, redirectUri, sessionCookie, totpCode] = args;

class StepError extends Error {}
let step = "starting";

function fail(message) {
  throw new StepError(message);
}

const watchdog = setTimeout(() => {
  console.error(`openid-client step-up interop: no result within ${WATCHDOG_MS} ms (step: ${step})`);
  process.exit(1);
}, WATCHDOG_MS);

// A cookie jar for the issuer: name → value, attributes ignored.
const jar = new Map();
{
  const eq = sessionCookie.indexOf("=");
  jar.set(sessionCookie.slice(0, eq), sessionCookie.slice(eq + 1));
}

function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    if (expired) jar.delete(pair.slice(0, eq).trim());
    else jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

async function browse(url, init = {}) {
  const headers = new Headers(init.headers);
  headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
  let response;
  try {
    response = await fetch(url, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_S * 1000) });
  } catch (e) {
    fail(`${init.method ?? "GET"} ${url} failed: ${e.cause?.message ?? e.message}`);
  }
  remember(response);
  return { status: response.status, location: response.headers.get("location"), body: await response.text(), url };
}

function decodeHtml(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    const lower = e.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower];
  });
}

function hasInput(page, name) {
  return new RegExp(`<input[^>]*\\bname="${name}"`).test(page.body);
}

function input(page, name) {
  const tag = page.body.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`));
  const value = tag?.[0].match(/\bvalue="([^"]*)"/);
  if (!value) fail(`no ${name} input on ${page.url} (${page.status})`);
  return decodeHtml(value[1]);
}

// Follows redirects until one leads to the redirect URI (returned) or to `stopAt` (the page is returned).
async function follow(start, stopAt) {
  let location = start;
  for (let i = 0; i < 10; i++) {
    if (location.startsWith(redirectUri)) return { callback: location };
    const page = await browse(location);
    if (stopAt && new URL(location).pathname === stopAt) return { page };
    if (!page.location) fail(`no redirect from ${location}: ${page.status}`);
    location = new URL(page.location, location).href;
  }
  fail("too many redirects");
}

function request(config, acrValues) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  return client.calculatePKCECodeChallenge(pkceCodeVerifier).then((codeChallenge) => ({
    url: client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid",
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
      state: expectedState,
      nonce: expectedNonce,
      acr_values: acrValues,
    }),
    checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true },
  }));
}

async function main() {
  step = "discovery";
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [redirectUri], id_token_signed_response_alg: "ES256" },
    client.ClientSecretBasic(clientSecret),
    { execute: [client.allowInsecureRequests], timeout: TIMEOUT_S },
  );
  client.enableNonRepudiationChecks(config);
  const supported = config.serverMetadata().acr_values_supported ?? [];

  step = "asking for mfa";
  const mfa = await request(config, MFA);
  const reached = await follow(mfa.url.href, "/login/factor");
  if (!reached.page) fail(`no second-factor prompt: straight back to ${reached.callback}`);
  const prompt = reached.page;
  const promptPath = new URL(prompt.url).pathname;

  step = "answering the second-factor prompt";
  const done = await browse(new URL("/login/factor", issuer).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      csrf: input(prompt, "csrf"),
      method: "totp",
      code: totpCode,
      level: input(prompt, "level"),
      return_to: input(prompt, "return_to"),
    }).toString(),
  });
  if (!done.location) fail(`the code was not accepted: ${done.status}`);
  const back = await follow(new URL(done.location, issuer).href);

  step = "authorization code grant";
  const tokens = await client.authorizationCodeGrant(config, new URL(back.callback), mfa.checks);
  const claims = tokens.claims();
  if (!claims) fail("no ID token claims");

  step = "asking for phishing-resistant";
  const strong = await request(config, PHISHING_RESISTANT);
  const refused = await follow(strong.url.href);
  let unmetError = null;
  try {
    await client.authorizationCodeGrant(config, new URL(refused.callback), strong.checks);
    fail("a code was issued for a level the user cannot reach");
  } catch (e) {
    if (e instanceof client.AuthorizationResponseError) unmetError = e.error;
    else throw e;
  }

  console.log(
    JSON.stringify({
      discovery_lists_mfa: supported.includes(MFA),
      prompt_path: promptPath,
      prompt_asks_code: hasInput(prompt, "code"),
      prompt_asks_password: hasInput(prompt, "password"),
      acr: claims.acr,
      amr: claims.amr,
      auth_time: claims.auth_time,
      unmet_error: unmetError,
    }),
  );
}

try {
  await main();
  clearTimeout(watchdog);
} catch (e) {
  const detail = e instanceof StepError ? e.message : `${e?.name}: ${e?.message}${e?.error ? ` error=${e.error}` : ""}`;
  console.error(`openid-client step-up interop failed at step "${step}": ${detail}`);
  process.exit(1);
}
