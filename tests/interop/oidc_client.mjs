// OpenID Connect relying party: openid-client 6 (an OpenID-certified RP library) against Gatehouse.
//
//   node tests/interop/oidc_client.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD
//
// Discovery, an authorization request with PKCE S256, state and nonce, the sign-in form driven with fetch and a
// small cookie jar (as tests/it/oidc/code_flow.rs does), then authorizationCodeGrant — which checks the RFC 9207 `iss`
// response parameter, state, PKCE, and the ID token's ES256 signature (via the JWKS, with non-repudiation checks
// enabled: openid-client 6 skips the signature of token-endpoint ID tokens otherwise), iss, aud, exp and nonce —,
// userinfo, refreshTokenGrant (a new, different refresh token and a valid ID token for the same user), the rotated
// refresh token presented again (invalid_grant), then the new one (invalid_grant too: reuse revokes the family),
// a second redemption of the same code, which must fail with invalid_grant, and a second authorization whose tokens
// die when the user signs out (refresh refused, access token inactive at introspection, userinfo refused). The redirect URI is never fetched:
// the script stops at the redirect that leads there. The client must be confidential (client_secret_basic), trusted
// (no consent page) and allowed the refresh_token grant; the user must have a password and no second factor.
//
// On success prints one JSON line: {"sub", "email", "acr", "amr", "userinfo_username", "refresh_rotated",
// "refreshed_id_token_sub", "refreshed_id_token_auth_time_kept", "refresh_reuse_error", "family_revoked_error",
// "code_reuse_rejected", "after_logout_refresh_error", "after_logout_access_token_active",
// "after_logout_userinfo_refused"}. On failure prints the step and the error to stderr and exits 1.
import * as client from "openid-client";
import { TIMEOUT_S, atStep, browser, describe, fail, input, post, run, text } from "./gatehouse_browser.mjs";

const MAX_REDIRECTS = 10;

const args = process.argv.slice(2);
if (args.length !== 6 || args.some((a) => !a)) {
  console.error("usage: node tests/interop/oidc_client.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD");
  process.exit(2);
}
const [issuer, clientId, clientSecret, redirectUri, username, password] = args;

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
  atStep("discovery");
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [redirectUri], id_token_signed_response_alg: "ES256" },
    client.ClientSecretBasic(clientSecret),
    { execute: [client.allowInsecureRequests], timeout: TIMEOUT_S },
  );
  // Without this openid-client trusts the TLS channel for token-endpoint ID tokens and never checks their signature.
  client.enableNonRepudiationChecks(config);

  atStep("authorization request");
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

  atStep("authorizing");
  const callbackUrl = await authorize(authorizationUrl.href);

  atStep("authorization code grant");
  const checks = { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true };
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), checks);
  const claims = tokens.claims();
  if (!claims) fail("no ID token claims");

  atStep("userinfo");
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

  atStep("refresh");
  const oldRefreshToken = tokens.refresh_token;
  if (!oldRefreshToken) fail("the token response has no refresh token");
  const refreshed = await client.refreshTokenGrant(config, oldRefreshToken);
  // openid-client has checked the new ID token (signature, iss, aud, exp, iat, azp) as for the code grant.
  const refreshedClaims = refreshed.claims();
  if (!refreshedClaims) fail("the refresh response has no ID token");
  const newRefreshToken = refreshed.refresh_token;

  atStep("refresh token reuse");
  const refreshReuseError = await tokenError(() => client.refreshTokenGrant(config, oldRefreshToken));
  const familyRevokedError = await tokenError(() => client.refreshTokenGrant(config, newRefreshToken));

  atStep("code reuse");
  let codeReuseRejected = false;
  try {
    await client.authorizationCodeGrant(config, new URL(callbackUrl), checks);
  } catch (e) {
    if (e instanceof client.ResponseBodyError && e.error === "invalid_grant") codeReuseRejected = true;
    else fail(`the second redemption failed, but not with invalid_grant: ${describe(e)}`);
  }
  if (!codeReuseRejected) fail("the same authorization code was redeemed twice");

  // Tokens die with the sign-in that earned them: a second authorization in the same (signed-in) browser, then
  // the user signs out; the refresh token, introspection and userinfo all say so.
  atStep("second authorization");
  const secondVerifier = client.randomPKCECodeVerifier();
  const secondState = client.randomState();
  const secondUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid",
    code_challenge: await client.calculatePKCECodeChallenge(secondVerifier),
    code_challenge_method: "S256",
    state: secondState,
  });
  const second = await client.authorizationCodeGrant(config, new URL(await authorize(secondUrl.href)), {
    pkceCodeVerifier: secondVerifier,
    expectedState: secondState,
  });
  atStep("sign-out");
  const account = await browse(new URL("/account", issuer).href);
  if (account.status !== 200) fail(`account page: ${account.status} ${text(account)}`);
  const signedOut = await browse(new URL("/logout", issuer).href, post({ csrf: input(account, "csrf") }));
  if (signedOut.status !== 303) fail(`sign-out: ${signedOut.status} ${text(signedOut)}`);
  atStep("tokens after sign-out");
  const afterLogoutRefreshError = await tokenError(() => client.refreshTokenGrant(config, second.refresh_token));
  const introspected = await client.tokenIntrospection(config, second.access_token);
  let userinfoRefused = false;
  try {
    await client.fetchUserInfo(config, second.access_token, client.skipSubjectCheck);
  } catch (e) {
    userinfoRefused = e instanceof client.WWWAuthenticateChallengeError || e instanceof client.ResponseBodyError;
    if (!userinfoRefused) fail(`userinfo failed, but not with a challenge: ${describe(e)}`);
  }

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
      after_logout_refresh_error: afterLogoutRefreshError,
      after_logout_access_token_active: introspected.active,
      after_logout_userinfo_refused: userinfoRefused,
    }),
  );
}

await run("openid-client interop", main);
