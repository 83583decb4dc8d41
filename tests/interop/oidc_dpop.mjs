// DPoP (RFC 9449) with PAR (RFC 9126) and PKCE: openid-client 6 against Gatehouse, as a public client.
//
//   node tests/interop/oidc_dpop.mjs ISSUER CLIENT_ID REDIRECT_URI USERNAME PASSWORD
//
// Discovery (which must advertise the DPoP algorithms), a fresh ES256 key pair (randomDPoPKeyPair) and its
// DPoP handle, buildAuthorizationUrlWithPAR with that handle — openid-client signs a proof for /par, is told
// `use_dpop_nonce` and retries with the nonce, so the code is bound to the key —, the sign-in form driven with
// fetch and a cookie jar (as oidc_par.mjs does), authorizationCodeGrant with the handle (a DPoP-bound token),
// fetchUserInfo with the handle (`Authorization: DPoP` and a proof with `ath`), the same access token sent as a
// Bearer token (refused), refreshTokenGrant with the handle, and a refresh with another key (refused). The client
// must be public (token_endpoint_auth_method none), trusted, and set to require DPoP; the user must have a
// password and no second factor.
//
// On success prints one JSON line: {"algs", "token_type", "cnf_is_key", "sub", "userinfo_sub", "bearer_status",
// "bearer_challenge", "refreshed_token_type", "other_key_error"}. On failure prints the step and the error to
// stderr and exits 1.
import * as client from "openid-client";
import { TIMEOUT_S, atStep, browser, describe, fail, input, post, run, text } from "./gatehouse_browser.mjs";

const MAX_REDIRECTS = 10;

const args = process.argv.slice(2);
if (args.length !== 5 || args.some((a) => !a)) {
  console.error("usage: node tests/interop/oidc_dpop.mjs ISSUER CLIENT_ID REDIRECT_URI USERNAME PASSWORD");
  process.exit(2);
}
const [issuer, clientId, redirectUri, username, password] = args;

const browse = browser();

// Follows Gatehouse's redirects, signing in on the way, until one leads to the redirect URI; returns that.
async function authorize(start) {
  let location = start;
  for (let i = 0; i < MAX_REDIRECTS; i++) {
    if (location.startsWith(redirectUri)) return location;
    const page = await browse(location);
    if (!page.location) fail(`no redirect from ${location}: ${page.status} ${text(page)}`);
    const next = new URL(page.location, location);
    if (next.origin === new URL(issuer).origin && next.pathname === "/login") {
      atStep("signing in");
      const form = await browse(next.href);
      if (form.status !== 200) fail(`login page ${next.href}: ${form.status} ${text(form)}`);
      const done = await browse(
        new URL("/login", next).href,
        post({ csrf: input(form, "csrf"), username, password, return_to: input(form, "return_to") }),
      );
      if (!done.location) fail(`sign-in not accepted: ${done.status} ${text(done)}`);
      location = new URL(done.location, next).href;
      atStep("authorizing");
    } else {
      location = next.href;
    }
  }
  fail(`more than ${MAX_REDIRECTS} redirects without reaching ${redirectUri}`);
}

// The RFC 7638 thumbprint of a public key, computed here, independently of the server.
async function thumbprint(publicKey) {
  const jwk = await crypto.subtle.exportKey("jwk", publicKey);
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
  return Buffer.from(digest).toString("base64url");
}

function claimsOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
}

// The OAuth error code of a token request expected to fail, or null if it succeeded.
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
  atStep("discovery");
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [redirectUri], id_token_signed_response_alg: "ES256", token_endpoint_auth_method: "none" },
    client.None(),
    { execute: [client.allowInsecureRequests], timeout: TIMEOUT_S },
  );
  client.enableNonRepudiationChecks(config);
  const metadata = config.serverMetadata();

  const keyPair = await client.randomDPoPKeyPair("ES256");
  const DPoP = client.getDPoPHandle(config, keyPair);
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const parameters = {
    redirect_uri: redirectUri,
    scope: "openid email",
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: "S256",
    state: client.randomState(),
    nonce: client.randomNonce(),
  };

  atStep("pushed authorization request with a DPoP proof");
  const authorizationUrl = await client.buildAuthorizationUrlWithPAR(config, parameters, { DPoP });

  atStep("authorizing");
  const callbackUrl = await authorize(authorizationUrl.href);

  atStep("authorization code grant with DPoP");
  const tokens = await client.authorizationCodeGrant(
    config,
    new URL(callbackUrl),
    { pkceCodeVerifier, expectedState: parameters.state, expectedNonce: parameters.nonce, idTokenExpected: true },
    undefined,
    { DPoP },
  );
  const claims = tokens.claims();
  if (!claims) fail("no ID token claims");
  const jkt = await thumbprint(keyPair.publicKey);

  atStep("userinfo with DPoP");
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub, { DPoP });

  atStep("userinfo with the bound token as a Bearer token");
  const bearer = await fetch(metadata.userinfo_endpoint, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });

  atStep("refresh with DPoP");
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP });

  atStep("refresh with another key");
  const otherDPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair("ES256"));
  const otherKeyError = await tokenError(() =>
    client.refreshTokenGrant(config, refreshed.refresh_token, undefined, { DPoP: otherDPoP }),
  );

  console.log(
    JSON.stringify({
      algs: metadata.dpop_signing_alg_values_supported,
      token_type: tokens.token_type?.toLowerCase(),
      cnf_is_key: claimsOf(tokens.access_token).cnf?.jkt === jkt,
      sub: claims.sub,
      userinfo_sub: userinfo.sub,
      bearer_status: bearer.status,
      bearer_challenge: (bearer.headers.get("www-authenticate") ?? "").split(" ")[0],
      refreshed_token_type: refreshed.token_type?.toLowerCase(),
      other_key_error: otherKeyError,
    }),
  );
}

await run("openid-client DPoP interop", main);
