// WebAuthn in a real browser: Debian Chromium driven by playwright-core, with a CDP virtual authenticator
// (a platform passkey: resident key, user verification) answering the real pages' navigator.credentials calls.
//
//   node tests/interop/webauthn.mjs BASE_URL USERNAME PASSWORD
//
// BASE_URL must be http://localhost:PORT (a secure context whose host is a valid RP ID). The user must exist
// with that password and no second factor. Steps: password sign-in, passkey registration, sign-out, password
// plus passkey as second factor, sign-out, passwordless sign-in with the passkey. On success prints one JSON
// line; on failure prints what went wrong (URL, #webauthn-status, console messages, a screenshot) and exits 1.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 100_000;
const PASSKEY_NAME = "Chromium passkey";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const [baseArg, username, password] = process.argv.slice(2);
if (!baseArg || !username || !password) {
  console.error("usage: node tests/interop/webauthn.mjs BASE_URL USERNAME PASSWORD");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";

class StepError extends Error {}

let step = "starting";
const consoleLines = [];
const badResponses = [];

function fail(message) {
  throw new StepError(message);
}

function pathOf(url) {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

// Does `action` and waits (bounded) until the page shows `path`. A navigation answered with an HTTP error
// fails at once, saying which; otherwise says where the page is instead if it does not get there in time.
async function navigate(page, path, action) {
  const refused = page
    .waitForResponse(
      (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && r.status() >= 400,
      { timeout: TIMEOUT_MS },
    )
    .catch(() => null);
  const arrived = page
    .waitForURL((url) => url.pathname === path, { timeout: TIMEOUT_MS, waitUntil: "load" })
    .then(() => "arrived")
    .catch(() => "timeout");
  await action();
  const outcome = await Promise.race([arrived, refused.then((r) => r || arrived)]);
  if (outcome === "arrived") return;
  if (outcome === "timeout") fail(`expected to reach ${path} within ${TIMEOUT_MS} ms, but the page is at ${page.url()}`);
  const request = outcome.request();
  const origin = await request.headerValue("origin").catch(() => null);
  await page.waitForLoadState("load").catch(() => {});
  fail(
    `expected to reach ${path}, but ${request.method()} ${request.url()} (Origin: ${origin ?? "none"}) ` +
      `was answered ${outcome.status()}: ${await pageText(page)}`,
  );
}

// The heading and first paragraph of the page, e.g. of an error page.
async function pageText(page) {
  try {
    return JSON.stringify(
      await page.evaluate(() =>
        [document.querySelector("h1"), document.querySelector("main p, p")]
          .map((e) => (e ? e.textContent.trim() : ""))
          .filter(Boolean)
          .join(" — "),
      ),
    );
  } catch (error) {
    return `(unreadable: ${error.message.split("\n")[0]})`;
  }
}

async function statusText(page) {
  try {
    const status = page.locator("#webauthn-status");
    if ((await status.count()) === 0) return "(no #webauthn-status on this page)";
    return JSON.stringify(await status.first().textContent({ timeout: 2_000 }));
  } catch (error) {
    return `(unreadable: ${error.message.split("\n")[0]})`;
  }
}

async function signInWithPassword(page, expected) {
  await navigate(page, "/login", () => page.goto(`${base}/login`, { waitUntil: "load" }));
  await page.locator('form[action="/login"] input[name="username"]').fill(username);
  await page.locator('form[action="/login"] input[name="password"]').fill(password);
  await navigate(page, expected, () => page.locator('form[action="/login"] button[type="submit"]').click());
}

async function signOut(page) {
  if (pathOf(page.url()) !== "/account") {
    await navigate(page, "/account", () => page.goto(`${base}/account`, { waitUntil: "load" }));
  }
  await navigate(page, "/login", () => page.getByRole("button", { name: "Sign out" }).click());
}

async function expectUsername(page) {
  const shown = (await page.locator("#username").textContent())?.trim();
  if (shown !== username) fail(`/account shows username ${JSON.stringify(shown)}, expected ${JSON.stringify(username)}`);
}

async function credentials(cdp, authenticatorId) {
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  return credentials;
}

async function expectOneResidentCredential(cdp, authenticatorId) {
  const held = await credentials(cdp, authenticatorId);
  const summary = JSON.stringify(
    held.map((c) => ({ rpId: c.rpId, isResidentCredential: c.isResidentCredential, signCount: c.signCount })),
  );
  if (held.length !== 1) fail(`the virtual authenticator holds ${held.length} credentials, expected 1: ${summary}`);
  if (held[0].isResidentCredential !== true) fail(`the credential is not resident (discoverable): ${summary}`);
  if (held[0].rpId !== new URL(base).hostname) fail(`the credential is for RP ID ${held[0].rpId}: ${summary}`);
  return held[0];
}

async function run(page, cdp) {
  step = "adding the CDP virtual authenticator";
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  step = "a) password sign-in (no factor yet)";
  await signInWithPassword(page, "/account");
  await expectUsername(page);

  step = "b) passkey registration";
  await navigate(page, "/account/security/webauthn", () =>
    page.goto(`${base}/account/security/webauthn`, { waitUntil: "load" }),
  );
  await page.locator("#webauthn-name").fill(PASSKEY_NAME);
  await navigate(page, "/account/security", () => page.locator('[data-webauthn="register"]').click());
  const listed = await page.getByText(PASSKEY_NAME, { exact: false }).count();
  if (listed === 0) fail(`/account/security does not list "${PASSKEY_NAME}"`);
  await expectOneResidentCredential(cdp, authenticatorId);

  step = "c) password, then the passkey as second factor";
  await signOut(page);
  await signInWithPassword(page, "/login/factor");
  await navigate(page, "/account", () => page.locator('[data-webauthn="second-factor"]').click());
  await expectUsername(page);

  step = "d) passwordless sign-in with the passkey";
  await signOut(page);
  await navigate(page, "/login", () => page.goto(`${base}/login`, { waitUntil: "load" }));
  await navigate(page, "/account", () => page.locator('[data-webauthn="passwordless"]').click());
  await expectUsername(page);

  step = "e) the authenticator holds exactly one resident credential";
  const credential = await expectOneResidentCredential(cdp, authenticatorId);
  if (!(credential.signCount >= 2)) fail(`the credential was used ${credential.signCount} times, expected 2 sign-ins`);
}

async function main() {
  const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-chromium-"));
  let context;
  let page;
  const watchdog = setTimeout(() => {
    console.error(`webauthn interop: still running after ${WATCHDOG_MS} ms (step: ${step}); giving up`);
    if (context) context.close().catch(() => {});
    setTimeout(() => process.exit(1), 5_000).unref();
  }, WATCHDOG_MS);
  watchdog.unref();
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ARGS,
      timeout: 30_000,
      viewport: { width: 1024, height: 768 },
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    page = context.pages()[0] || (await context.newPage());
    page.on("console", (msg) => {
      const where = msg.location()?.url;
      consoleLines.push(`[${msg.type()}] ${msg.text()}${where ? ` (${where})` : ""}`);
    });
    page.on("pageerror", (error) => consoleLines.push(`[pageerror] ${error.message}`));
    page.on("response", async (response) => {
      if (response.status() < 400) return;
      const request = response.request();
      const origin = await request.headerValue("origin").catch(() => null);
      badResponses.push(`${response.status()} ${request.method()} ${response.url()} (Origin: ${origin ?? "none"})`);
    });
    const cdp = await context.newCDPSession(page);
    await run(page, cdp);
    console.log(JSON.stringify({ registered: true, second_factor: true, passwordless: true }));
    return 0;
  } catch (error) {
    const what = error instanceof StepError ? error.message : error.stack || String(error);
    console.error(`webauthn interop FAILED during ${step}: ${what}`);
    if (page) {
      console.error(`  current URL: ${page.url()}`);
      console.error(`  #webauthn-status: ${await statusText(page)}`);
      const shot = join(tmpdir(), `gatehouse-webauthn-${process.pid}-${Date.now()}.png`);
      try {
        await page.screenshot({ path: shot, fullPage: true, timeout: 5_000 });
        console.error(`  screenshot: ${shot}`);
      } catch (e) {
        console.error(`  screenshot failed: ${e.message.split("\n")[0]}`);
      }
    }
    console.error(`  console messages (${consoleLines.length}):`);
    for (const line of consoleLines) console.error(`    ${line}`);
    if (badResponses.length) {
      console.error(`  HTTP error responses:`);
      for (const line of badResponses) console.error(`    ${line}`);
    }
    return 1;
  } finally {
    clearTimeout(watchdog);
    if (context) await context.close().catch((e) => console.error(`closing the browser: ${e.message}`));
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
