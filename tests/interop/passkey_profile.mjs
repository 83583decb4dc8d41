// Passkey profiles on the real pages: Debian Chromium driven by playwright-core, a CDP virtual authenticator that
// reports its credentials backup-eligible (a synced passkey), axe-core on each page.
//
//   node tests/interop/passkey_profile.mjs BASE_URL COOKIE_NAME COOKIE_VALUE [attested]
//
// With `attested`, the user's role requires attestation instead: the (device-bound) virtual authenticator goes
// straight to the registration page and what the page then says is reported.
//
// COOKIE_NAME=COOKIE_VALUE is a fresh session of a user whose role requires device-bound keys and who holds a
// synced key registered before that. Steps: /account/security shows the re-enrol notice and marks the key; the
// notice's link leads to the registration page; registering the virtual (synced) passkey there is refused with the
// server's message. On each page: axe-core (serious or critical violations), and at 1440 and 390 px whether the page
// scrolls sideways, with a screenshot (GATEHOUSE_SCREENSHOTS, default /tmp/gatehouse-passkey-profile).
// Prints one JSON line with what it found; exits 1 when a step fails.
import { chromium } from "playwright-core";
import { PageChecks, WIDTHS } from "./page_checks.mjs";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 90_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const [baseArg, cookieName, cookieValue, mode] = process.argv.slice(2);
const attested = mode === "attested";
if (!baseArg || !cookieName || !cookieValue) {
  console.error("usage: node tests/interop/passkey_profile.mjs BASE_URL COOKIE_NAME COOKIE_VALUE");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
const shots = process.env.GATEHOUSE_SCREENSHOTS || join(tmpdir(), "gatehouse-passkey-profile");
mkdirSync(shots, { recursive: true });
const checks = new PageChecks(shots, "passkey-profile-");
const { violations, overflow, screenshots, inspected } = checks;

let step = "starting";

async function inspect(page, name, element, inView) {
  step = `inspecting ${name}`;
  await checks.inspect(page, name, element, inView);
}

async function main() {
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 30_000 });
  try {
    const ctx = await browser.newContext({ viewport: WIDTHS[0], locale: "en-US" });
    ctx.setDefaultTimeout(TIMEOUT_MS);
    ctx.setDefaultNavigationTimeout(TIMEOUT_MS);
    const { hostname } = new URL(base);
    await ctx.addCookies([{ name: cookieName, value: cookieValue, domain: hostname, path: "/" }]);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    step = "adding a virtual authenticator that syncs its passkeys";
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        defaultBackupEligibility: !attested,
        defaultBackupState: !attested,
      },
    });

    if (attested) {
      step = "registering under attestation required";
      await page.goto(`${base}/account/security/webauthn`, { waitUntil: "load" });
      await page.locator('[data-webauthn="register"]').click();
      await page.waitForFunction(() => (document.querySelector("#webauthn-status")?.textContent || "").trim().length > 0);
      const refusal = (await page.locator("#webauthn-status").innerText()).trim();
      const stayed = new URL(page.url()).pathname;
      await inspect(page, "attested-refused");
      console.log(JSON.stringify({ done: true, refusal, stayed, violations, overflow, screenshots }));
      return;
    }

    step = "the security page";
    await page.goto(`${base}/account/security`, { waitUntil: "load" });
    if (new URL(page.url()).pathname !== "/account/security") throw new Error(`the browser is at ${page.url()}`);
    const notice = (await page.locator("#reenrol-notice").innerText()).trim();
    const marked = (await page.locator("strong.reenrol").first().innerText()).trim();
    const reason = (await page.locator("strong.reenrol").first().locator("xpath=..").innerText()).trim();
    // The factor table's buttons and links in view on a phone too: a key marked for re-enrolment carries long text,
    // and its Remove button must not end up reachable only by scrolling the table sideways.
    await inspect(page, "security", undefined, "table.factors button, table.factors a");

    step = "following the notice to the registration page";
    await Promise.all([
      page.waitForURL((u) => u.pathname === "/account/security/webauthn"),
      page.locator("#reenrol-add").click(),
    ]);
    step = "registering the synced passkey";
    await page.locator("#webauthn-name").fill("Synced phone");
    await page.locator('[data-webauthn="register"]').click();
    const status = page.locator("#webauthn-status");
    await page.waitForFunction(() => (document.querySelector("#webauthn-status")?.textContent || "").trim().length > 0);
    const refusal = (await status.innerText()).trim();
    const stayed = new URL(page.url()).pathname;
    await inspect(page, "refused");
    console.log(JSON.stringify({ done: true, notice, marked, reason, refusal, stayed, violations, overflow, screenshots }));
  } finally {
    await browser.close().catch(() => {});
  }
}

const watchdog = setTimeout(() => {
  console.error(`passkey_profile: no result within ${WATCHDOG_MS} ms (step: ${step})`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
try {
  await main();
} catch (error) {
  console.error(`passkey_profile FAILED during ${step}: ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
