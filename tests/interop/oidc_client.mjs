// OpenID Connect relying party: openid-client 6 (an OpenID-certified RP library) against Gatehouse.
//
//   node tests/interop/oidc_client.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD
//
// Discovery, an authorization request with PKCE S256, state and nonce, the sign-in form driven with fetch and a
// small cookie jar (as tests/it/oidc.rs does), then authorizationCodeGrant — which checks the RFC 9207 `iss`
// response parameter, state, PKCE, and the ID token's ES256 signature (via the JWKS, with non-repudiation checks
// enabled: openid-client 6 skips the signature of token-endpoint ID tokens otherwise), iss, aud, exp and nonce —,
// userinfo, refreshTokenGrant (a new, different refresh token and a valid ID token for the same user), the rotated
// refresh token presented again (invalid_grant), then the new one (invalid_grant too: reuse revokes the family),
// and a second redemption of the same code, which must fail with invalid_grant. The redirect URI is never fetched:
// the script stops at the redirect that leads there. The client must be confidential (client_secret_basic), trusted
// (no consent page) and allowed the refresh_token grant; the user must have a password and no second factor.
//
// On success prints one JSON line: {"sub", "email", "acr", "amr", "userinfo_username", "refresh_rotated",
// "refreshed_id_token_sub", "refreshed_id_token_auth_time_kept", "refresh_reuse_error", "family_revoked_error",
// "code_reuse_rejected"}. On failure prints the step and the error to stderr and exits 1.
import * as client from "openid-client";

const TIMEOUT_S = 10;
const WATCHDOG_MS = 60_000;
const MAX_REDIRECTS = 10;

const args = process.argv.slice(2);
if (args.length !== 6 || args.some((a) => !a)) {
  console.error("usage: node tests/interop/oidc_client.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD");
  process.exit(2);
}
const [issuer, clientId, clientSecret, redirectUri, username, password] = args;

class StepError extends Error {}
let step = "starting";

function fail(message) {
  throw new StepError(message);
}

// The whole run is bounded too, whatever hangs.
const watchdog = setTimeout(() => {
  console.error(`openid-client interop: no result within ${WATCHDOG_MS} ms (step: ${step})`);
  process.exit(1);
}, WATCHDOG_MS);

// A cookie jar for one host: name → value. Attributes are ignored; every request goes to the issuer.
const jar = new Map();

function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [k, v = ""] = a.split("=").map((s) => s.trim());
      const key = k.toLowerCase();
      return (key === "max-age" && Number(v) <= 0) || (key === "expires" && Date.parse(v) <= Date.now());
    });
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}

function cookieHeader() {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

async function browse(url, init = {}) {
  const headers = new Headers(init.headers);
  if (jar.size > 0) headers.set("cookie", cookieHeader());
  let response;
  try {
    response = await fetch(url, {
      ...init,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_S * 1000),
    });
  } catch (e) {
    fail(`${init.method ?? "GET"} ${url} failed: ${e.cause?.message ?? e.message}`);
  }
  remember(response);
  const body = await response.text();
  return { status: response.status, location: response.headers.get("location"), body, url };
}

function decodeHtml(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    const lower = e.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower];
  });
}

// A page's text, shortened, for error messages.
function text(page) {
  const body = page.body
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ");
  return decodeHtml(body).replace(/\s+/g, " ").trim().slice(0, 500);
}

// The value of a hidden input, as a browser would submit it.
function input(page, name) {
  const tag = page.body.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`));
  const value = tag?.[0].match(/\bvalue="([^"]*)"/);
  if (!value) fail(`no ${name} input on ${page.url} (${page.status}): ${text(page)}`);
  return decodeHtml(value[1]);
}

// Follows Gatehouse's redirects, signing in on the way, until one leads to the redirect URI; returns that.
async function authorize(start) {
  let location = start;
  for (let i = 0; i < MAX_REDIRECTS; i++) {
    if (location.startsWith(redirectUri)) return location;
    const page = await browse(location);
    if (!page.location) fail(`no redirect from ${location}: ${page.status} ${text(page)}`);
    const next = new URL(page.location, location);
    if (next.origin === new URL(issuer).origin && next.pathname === "/login") {
      step = "signing in";
      const form = await browse(next.href);
      if (form.status !== 200) fail(`login page ${next.href}: ${form.status} ${text(form)}`);
      const done = await browse(new URL("/login", next).href, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          csrf: input(form, "csrf"),
          username,
          password,
          return_to: input(form, "return_to"),
        }).toString(),
      });
      if (!done.location) fail(`sign-in not accepted: ${done.status} ${text(done)}`);
      location = new URL(done.location, next).href;
      step = "authorizing";
    } else {
      location = next.href;
    }
  }
  fail(`more than ${MAX_REDIRECTS} redirects without reaching ${redirectUri}`);
}

function describe(e) {
  const parts = [e?.name && e.name !== "Error" ? `${e.name}: ${e.message}` : String(e?.message ?? e)];
  if (e?.code) parts.push(`code=${e.code}`);
  if (e?.error) parts.push(`error=${e.error}`);
  if (e?.error_description) parts.push(`error_description=${e.error_description}`);
  if (e?.status) parts.push(`status=${e.status}`);
  const cause = e?.cause;
  if (cause instanceof Error) parts.push(`cause=${cause.message}${cause.code ? ` (${cause.code})` : ""}`);
  else if (cause && !(cause instanceof Response)) parts.push(`cause=${JSON.stringify(cause)}`);
  return parts.join(" ");
}

// The OAuth error code of a token request expected to fail, or null if it succeeded (the Rust test then shows
// the difference); a failure that is not an OAuth error response fails the step.
async function tokenError(request) {
  try {
    await request();
  } catch (e) {
    if (e instanceof client.ResponseBodyError) return e.error;
    fail(`the request failed, but not with an OAuth error response: ${describe(e)}`);
  }
  return null;
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
  // Without this openid-client trusts the TLS channel for token-endpoint ID tokens and never checks their signature.
  client.enableNonRepudiationChecks(config);

  step = "authorization request";
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(pkceCodeVerifier);
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    code_challenge: codeChallenge,
    code_challenge_method: "S256",
    state: expectedState,
    nonce: expectedNonce,
  });

  step = "authorizing";
  const callbackUrl = await authorize(authorizationUrl.href);

  step = "authorization code grant";
  const checks = { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true };
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), checks);
  const claims = tokens.claims();
  if (!claims) fail("no ID token claims");

  step = "userinfo";
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

  step = "refresh";
  const oldRefreshToken = tokens.refresh_token;
  if (!oldRefreshToken) fail("the token response has no refresh token");
  const refreshed = await client.refreshTokenGrant(config, oldRefreshToken);
  // openid-client has checked the new ID token (signature, iss, aud, exp, iat, azp) as for the code grant.
  const refreshedClaims = refreshed.claims();
  if (!refreshedClaims) fail("the refresh response has no ID token");
  const newRefreshToken = refreshed.refresh_token;

  step = "refresh token reuse";
  const refreshReuseError = await tokenError(() => client.refreshTokenGrant(config, oldRefreshToken));
  const familyRevokedError = await tokenError(() => client.refreshTokenGrant(config, newRefreshToken));

  step = "code reuse";
  let codeReuseRejected = false;
  try {
    await client.authorizationCodeGrant(config, new URL(callbackUrl), checks);
  } catch (e) {
    if (e instanceof client.ResponseBodyError && e.error === "invalid_grant") codeReuseRejected = true;
    else fail(`the second redemption failed, but not with invalid_grant: ${describe(e)}`);
  }
  if (!codeReuseRejected) fail("the same authorization code was redeemed twice");

  console.log(
    JSON.stringify({
      sub: claims.sub,
      email: claims.email,
      acr: claims.acr,
      amr: claims.amr,
      userinfo_username: userinfo.preferred_username,
      refresh_rotated: typeof newRefreshToken === "string" && newRefreshToken !== oldRefreshToken,
      refreshed_id_token_sub: refreshedClaims.sub,
      refreshed_id_token_auth_time_kept: refreshedClaims.auth_time === claims.auth_time,
      refresh_reuse_error: refreshReuseError,
      family_revoked_error: familyRevokedError,
      code_reuse_rejected: codeReuseRejected,
    }),
  );
}

try {
  await main();
  clearTimeout(watchdog);
} catch (e) {
  console.error(`openid-client interop failed at step "${step}": ${e instanceof StepError ? e.message : describe(e)}`);
  process.exit(1);
}
