// Step-up with openid-client 6 (an OpenID-certified RP library) against Gatehouse.
//
//   node tests/interop/oidc_stepup.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI SESSION_COOKIE TOTP_CODE
//
// The browser (a cookie jar seeded with SESSION_COOKIE, "name=value") is already signed in with the password only;
// the user has an authenticator app. openid-client asks `acr_values=urn:gatehouse:acr:mfa`: Gatehouse must answer
// with its second-factor page (a code field, no password field), which this script fills with TOTP_CODE; then
// authorizationCodeGrant checks state, iss, PKCE, nonce and the ES256 ID token, whose acr and amr are reported.
// A second request asks `phr` (OpenID EAP: phishing-resistant), which an app code cannot reach: the authorization
// response must be an error, which openid-client parses (checking state and iss) and which is reported.
//
// On success prints one JSON line: {"discovery_lists_mfa", "discovery_lists_eap" (phr, phrh), "prompt_path", "prompt_asks_code", "prompt_asks_password",
// "acr", "amr", "auth_time", "unmet_error"}. On failure prints the step and the error to stderr and exits 1.
import * as client from "openid-client";
import { TIMEOUT_S, atStep, browser, fail, hasInput, input, post, run } from "./gatehouse_browser.mjs";

const MFA = "urn:gatehouse:acr:mfa";
const PHISHING_RESISTANT = "urn:gatehouse:acr:phishing-resistant";
const PHR = "phr";

const args = process.argv.slice(2);
if (args.length !== 6 || args.some((a) => !a)) {
  console.error("usage: node tests/interop/oidc_stepup.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI SESSION_COOKIE TOTP_CODE");
  process.exit(2);
}
const [issuer, clientId, clientSecret, redirectUri, sessionCookie, totpCode] = args;

// The browser, already signed in: a cookie jar seeded with the session cookie.
const browse = browser(sessionCookie);

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
  atStep("discovery");
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    { redirect_uris: [redirectUri], id_token_signed_response_alg: "ES256" },
    client.ClientSecretBasic(clientSecret),
    { execute: [client.allowInsecureRequests], timeout: TIMEOUT_S },
  );
  client.enableNonRepudiationChecks(config);
  const supported = config.serverMetadata().acr_values_supported ?? [];

  atStep("asking for mfa");
  const mfa = await request(config, MFA);
  const reached = await follow(mfa.url.href, "/login/factor");
  if (!reached.page) fail(`no second-factor prompt: straight back to ${reached.callback}`);
  const prompt = reached.page;
  const promptPath = new URL(prompt.url).pathname;

  atStep("answering the second-factor prompt");
  const done = await browse(
    new URL("/login/factor", issuer).href,
    post({
      csrf: input(prompt, "csrf"),
      method: "totp",
      code: totpCode,
      level: input(prompt, "level"),
      return_to: input(prompt, "return_to"),
    }),
  );
  if (!done.location) fail(`the code was not accepted: ${done.status}`);
  const back = await follow(new URL(done.location, issuer).href);

  atStep("authorization code grant");
  const tokens = await client.authorizationCodeGrant(config, new URL(back.callback), mfa.checks);
  const claims = tokens.claims();
  if (!claims) fail("no ID token claims");

  atStep("asking for phishing-resistant");
  // The OpenID EAP value for phishing-resistant (our urn:gatehouse:acr:phishing-resistant).
  const strong = await request(config, PHR);
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
      discovery_lists_eap: supported.includes(PHR) && supported.includes("phrh") && supported.includes(PHISHING_RESISTANT),
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

await run("openid-client step-up interop", main);
