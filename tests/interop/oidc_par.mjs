// Pushed Authorization Requests (RFC 9126): openid-client 6 against Gatehouse.
//
//   node tests/interop/oidc_par.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD
//
// Discovery (which must advertise the PAR endpoint), a plain authorization request for a client that must use PAR
// (answered at the redirect URI with invalid_request), then buildAuthorizationUrlWithPAR — openid-client pushes
// the request with PKCE S256, state and nonce to /par with client_secret_basic and builds the /authorize address
// from the request_uri —, the sign-in form driven with fetch and a cookie jar (as oidc_client.mjs does), and
// authorizationCodeGrant (state, PKCE, `iss`, the ID token's signature and nonce). Last, the same /authorize
// address again: the request_uri is spent, so Gatehouse answers its own error page (400, no redirect). The client
// must be confidential (client_secret_basic), trusted, and set to require PAR; the user must have a password and
// no second factor.
//
// On success prints one JSON line: {"discovery_endpoint", "plain_error", "request_uri_prefix", "sub",
// "reuse_status", "reuse_redirected"}. On failure prints the step and the error to stderr and exits 1.
import * as client from "openid-client";
import { TIMEOUT_S, atStep, browser, fail, input, post, run, text } from "./gatehouse_browser.mjs";

const MAX_REDIRECTS = 10;

const args = process.argv.slice(2);
if (args.length !== 6 || args.some((a) => !a)) {
  console.error("usage: node tests/interop/oidc_par.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD");
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
  const metadata = config.serverMetadata();

  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const parameters = {
    redirect_uri: redirectUri,
    scope: "openid email",
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: "S256",
    state: client.randomState(),
    nonce: client.randomNonce(),
  };

  atStep("plain authorization request");
  const plain = await browse(client.buildAuthorizationUrl(config, parameters).href);
  if (!plain.location) fail(`a plain request was not answered with a redirect: ${plain.status} ${text(plain)}`);
  const plainError = new URL(plain.location).searchParams.get("error");

  atStep("pushed authorization request");
  const authorizationUrl = await client.buildAuthorizationUrlWithPAR(config, parameters);
  const requestUri = authorizationUrl.searchParams.get("request_uri") ?? "";

  atStep("authorizing");
  const callbackUrl = await authorize(authorizationUrl.href);

  atStep("authorization code grant");
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier,
    expectedState: parameters.state,
    expectedNonce: parameters.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) fail("no ID token claims");

  atStep("request_uri used again");
  const reuse = await browse(authorizationUrl.href);

  console.log(
    JSON.stringify({
      discovery_endpoint: metadata.pushed_authorization_request_endpoint,
      plain_error: plainError,
      request_uri_prefix: requestUri.startsWith("urn:ietf:params:oauth:request_uri:"),
      sub: claims.sub,
      reuse_status: reuse.status,
      reuse_redirected: Boolean(reuse.location),
    }),
  );
}

await run("openid-client PAR interop", main);
