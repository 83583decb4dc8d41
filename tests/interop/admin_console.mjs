// The admin console in a real browser: Debian Chromium driven by playwright-core, axe-core in every console page.
//
//   node tests/interop/admin_console.mjs BASE_URL USERNAME PASSWORD TOTP_SECRET_BASE32 CLOCK_OFFSET_SECONDS SP_METADATA_FILE
//
// BASE_URL must be http://localhost:PORT (security keys need a host that is a valid RP ID). USERNAME is an
// administrator with PASSWORD and an authenticator app (TOTP_SECRET_BASE32; the server's clock runs
// CLOCK_OFFSET_SECONDS ahead of this machine's), whose role policy lets them sign in with it; users `carol` (with a
// second factor and a manager) and `erin` exist; SP_METADATA_FILE is a SAML SP's metadata XML. Steps: sign in with
// password and app code; the console refuses (an administrator needs a phishing-resistant sign-in and the account
// has no security key); register a passkey (a CDP virtual authenticator); the console sends the browser to step up
// and the passkey does it; dashboard; create `dana` with `carol` as manager; give her the role helpdesk; open (and
// cancel) the confirmation of taking it back; find the event in the audit log and export it as CSV and JSON
// lines; change dana's manager to erin on her profile page; require a second factor of the role `user` (confirmed,
// since members lack one); register the client `wiki` (its secret shown once, not on its page); add the SP from
// the metadata file through the file field; rotate the ES256 signing key (confirmed); import two hardware tokens;
// open a factor-reset request for carol from her account page and read its timeline on the helpdesk page; switch
// to German with the console bar's language switcher and look at the dashboard and the users page. On every
// console page: axe-core, and at 1440 and 390 px wide whether the page scrolls sideways, with a screenshot of each
// (GATEHOUSE_SCREENSHOTS, default /tmp).
// Prints one JSON line with what it found; exits 1 when a step fails (with the URL, console messages and a
// screenshot).
import { chromium } from "playwright-core";
import { PageChecks, WIDTHS } from "./page_checks.mjs";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 280_000;
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

const [baseArg, username, password, totpSecret, offsetArg, spMetadataFile] = process.argv.slice(2);
if (!baseArg || !username || !password || !totpSecret || !spMetadataFile) {
  console.error(
    "usage: node tests/interop/admin_console.mjs BASE_URL USERNAME PASSWORD TOTP_SECRET_BASE32 CLOCK_OFFSET_SECONDS SP_METADATA_FILE",
  );
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const clockOffset = Number(offsetArg || "0");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
const shots = process.env.GATEHOUSE_SCREENSHOTS || join(tmpdir(), "gatehouse-admin-console");
mkdirSync(shots, { recursive: true });
const checks = new PageChecks(shots, "");
const { violations, overflow, screenshots, inspected } = checks;

class StepError extends Error {}

let step = "starting";
const consoleLines = [];
const badResponses = [];
// What the checks found, page by page.

function fail(message) {
  throw new StepError(message);
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for the server's current time.
function totp(secretBase32) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) fail(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Math.floor((Date.now() / 1000 + clockOffset) / 30);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, "0");
}

// Main-frame navigations so far, and the last document the main frame received (after redirects).
let navigations = 0;
let lastDocument = null;

// Does `action` and waits (bounded) until a navigation has brought the page to `path` and it has loaded; the
// document must have been answered `expected` (a status), or below 400 by default.
async function navigate(page, path, action, expected) {
  const before = navigations;
  await action();
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(navigations > before && new URL(page.url()).pathname === path)) {
    if (Date.now() > deadline) {
      fail(`expected to reach ${path} within ${TIMEOUT_MS} ms, but the page is at ${page.url()}: ${await pageText(page)}`);
    }
    await page.waitForTimeout(50);
  }
  await page.waitForLoadState("load");
  const status = lastDocument?.status;
  if (expected ? status !== expected : !(status < 400)) {
    fail(`${lastDocument?.url} was answered ${status}${expected ? `, expected ${expected}` : ""}: ${await pageText(page)}`);
  }
}

async function pageText(page) {
  try {
    return JSON.stringify(
      await page.evaluate(() =>
        [document.querySelector("h1"), document.querySelector("[role=alert]"), document.querySelector("main p")]
          .map((e) => (e ? e.textContent.trim() : ""))
          .filter(Boolean)
          .join(" — "),
      ),
    );
  } catch (error) {
    return `(unreadable: ${error.message.split("\n")[0]})`;
  }
}

async function expectNotice(page, text) {
  const notice = page.locator('[role="status"]');
  if ((await notice.count()) === 0) fail(`no notice (role=status) on ${page.url()}: ${await pageText(page)}`);
  const shown = (await notice.first().textContent()).trim();
  if (!shown.includes(text)) fail(`the notice says ${JSON.stringify(shown)}, expected it to mention ${JSON.stringify(text)}`);
}

async function inspect(page, name, element) {
  step = `inspecting ${name}`;
  await checks.inspect(page, name, element);
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

  step = "a) password, then the authenticator app's code";
  await navigate(page, "/login", () => page.goto(`${base}/login?return_to=%2Fadmin`, { waitUntil: "load" }));
  await page.getByLabel("Username or e-mail", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await navigate(page, "/login/factor", () => page.locator('form[action="/login"] button[type="submit"]').click());
  await page.getByLabel("Code from your authenticator app", { exact: true }).fill(totp(totpSecret));

  step = "b) the console refuses an app sign-in of an administrator without a security key";
  await navigate(page, "/admin", () => page.getByRole("button", { name: "Continue" }).click(), 403);
  const refusal = await pageText(page);
  if (!refusal.includes("security key or passkey")) fail(`expected the console to ask for a security key: ${refusal}`);

  step = "c) passkey registration";
  await navigate(page, "/account/security/webauthn", () =>
    page.goto(`${base}/account/security/webauthn`, { waitUntil: "load" }),
  );
  await page.locator("#webauthn-name").fill("Console passkey");
  await navigate(page, "/account/security", () => page.locator('[data-webauthn="register"]').click());
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  if (credentials.length !== 1) fail(`the authenticator holds ${credentials.length} credentials, expected 1`);

  step = "d) the console sends the browser to step up; the passkey does it";
  await navigate(page, "/login/factor", () => page.goto(`${base}/admin`, { waitUntil: "load" }));
  const level = new URL(page.url()).searchParams.get("level");
  if (level !== "urn:gatehouse:acr:phishing-resistant") fail(`step-up asked for level ${level}`);
  await navigate(page, "/admin", () => page.locator('[data-webauthn="second-factor"]').click());

  step = "e) the dashboard";
  const heading = (await page.locator("h1").textContent()).trim();
  if (heading !== "Dashboard") fail(`the console opened on "${heading}"`);
  await inspect(page, "dashboard");

  step = "f) create dana with carol as manager";
  await navigate(page, "/admin/users", () =>
    page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users" }).click(),
  );
  await inspect(page, "users");
  await page.getByLabel("Username", { exact: true }).fill("dana");
  await page.getByLabel("E-mail address", { exact: true }).fill("dana@example.com");
  await page.getByLabel("Display name (optional)", { exact: true }).fill("Dana Doe");
  await page.getByLabel("Manager: username or e-mail (optional)", { exact: true }).fill("carol");
  await page.getByLabel("Phone, e.g. +41446681800 (optional)", { exact: true }).fill("+41446681800");
  await navigate(page, "/admin/users/dana", () => page.getByRole("button", { name: "Create the account" }).click());
  await expectNotice(page, "Created the account dana (Dana Doe)");
  const manager = (await page.locator("#manager").textContent()).trim();
  if (!manager.includes("(carol)")) fail(`dana's manager shows as ${JSON.stringify(manager)}`);

  step = "g) give dana the role helpdesk";
  await page.getByLabel("Give a role", { exact: true }).selectOption("helpdesk");
  await navigate(page, "/admin/users/dana", () => page.getByRole("button", { name: "Give the role" }).click());
  await expectNotice(page, "Gave dana the role helpdesk");
  await inspect(page, "user");

  step = "h) taking the role back asks first (cancelled)";
  await navigate(page, "/admin/users/dana/roles/remove", () =>
    page.getByRole("button", { name: "Remove the role helpdesk…" }).click(),
  );
  const question = (await page.locator("h1").textContent()).trim();
  if (question !== "Remove the role helpdesk from dana?") fail(`the confirmation asks ${JSON.stringify(question)}`);
  await inspect(page, "confirm");
  await navigate(page, "/admin/users/dana", () => page.getByRole("link", { name: /^Cancel/ }).click());
  if ((await page.locator('[data-role="helpdesk"]').count()) !== 1) fail("cancelling took the role anyway");

  step = "i) the event in the audit log";
  await navigate(page, "/admin/audit", () =>
    page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Audit log" }).click(),
  );
  await page.getByLabel("About user", { exact: true }).fill("dana");
  await page.getByLabel("Event (user.created, or login.*)", { exact: true }).fill("user.role_added");
  await navigate(page, "/admin/audit", () => page.getByRole("button", { name: "Filter" }).click());
  const rows = page.locator("#events tbody tr");
  if ((await rows.count()) !== 1) fail(`the filtered log shows ${await rows.count()} events, expected 1`);
  const row = (await rows.first().textContent()).replace(/\s+/g, " ");
  if (!row.includes("user.role_added") || !row.includes("Dana Doe (dana)") || !row.includes(`(${username})`)) {
    fail(`the event row reads ${JSON.stringify(row)}`);
  }
  await inspect(page, "audit");

  step = "j) export the filtered log";
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-csv").click()]);
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.trim().split(/\r?\n/);
  if (lines.length !== 2 || !lines[1].includes("user.role_added") || !lines[1].includes(",dana,")) {
    fail(`the CSV export holds ${JSON.stringify(lines)}`);
  }
  const jsonlUrl = await page.locator("#export-jsonl").getAttribute("href");
  const jsonl = await page.evaluate(async (url) => (await fetch(url)).text(), jsonlUrl);
  const events = jsonl.trim().split("\n").map((l) => JSON.parse(l));
  if (events.length !== 1 || events[0].subject_username !== "dana" || events[0].actor_username !== username) {
    fail(`the JSON-lines export holds ${jsonl}`);
  }
  const exported = { csv_rows: lines.length - 1, jsonl_rows: events.length };
  return { exported, ...(await administer(page)) };
}

const nav = (page, name) =>
  page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name, exact: true });

// The pages of issue #14: profile, role policy, client, service provider, keys, hardware tokens, and a factor
// reset opened from the console and read on the helpdesk's page.
async function administer(page) {
  step = "k) change dana's manager to erin";
  await navigate(page, "/admin/users/dana", () => page.goto(`${base}/admin/users/dana`, { waitUntil: "load" }));
  await navigate(page, "/admin/users/dana/profile", () => page.locator("#edit-profile").click());
  await inspect(page, "profile");
  await page.getByLabel("Manager: username or e-mail (empty: none)", { exact: true }).fill("erin");
  await navigate(page, "/admin/users/dana", () => page.getByRole("button", { name: "Save the profile" }).click());
  await expectNotice(page, "manager");
  const manager = (await page.locator("#manager").textContent()).trim();
  if (!manager.includes("(erin)")) fail(`dana's manager shows as ${JSON.stringify(manager)}`);

  step = "l) require a second factor of the role user";
  await navigate(page, "/admin/roles", () => nav(page, "Roles").click());
  await inspect(page, "roles");
  await navigate(page, "/admin/roles/user", () =>
    page.locator('#roles-table a[href="/admin/roles/user"]').click(),
  );
  await inspect(page, "role");
  await page.getByLabel("Members must have and use a second factor", { exact: true }).check();
  await page.getByLabel("Trusted browser days (0: never trusted)", { exact: true }).fill("7");
  await navigate(page, "/admin/roles/user", () => page.getByRole("button", { name: "Save the policy" }).click());
  const ask = (await page.locator("h1").textContent()).trim();
  if (ask !== "Tighten the policy of user?") fail(`tightening asks ${JSON.stringify(ask)}`);
  const lacking = await page.locator("#consequences").textContent();
  if (!lacking.includes("dana")) fail(`the confirmation does not name dana: ${JSON.stringify(lacking)}`);
  await inspect(page, "role-confirm");
  await navigate(page, "/admin/roles/user", () => page.getByRole("button", { name: "Tighten the policy" }).click());
  await expectNotice(page, "Changed the policy of the role user");
  if (!(await page.getByLabel("Members must have and use a second factor", { exact: true }).isChecked())) {
    fail("the saved policy does not require a second factor");
  }

  step = "m) register the client wiki; its secret is shown once";
  await navigate(page, "/admin/clients", () => nav(page, "Clients").click());
  await inspect(page, "clients");
  await page.getByLabel("Client id (a-z A-Z 0-9 - _ . :)", { exact: true }).fill("wiki");
  await page.locator("#redirect-uris").fill("https://wiki.example.com/callback");
  await navigate(page, "/admin/clients", () => page.getByRole("button", { name: "Register the client" }).click());
  const secret = (await page.locator("#client-secret").textContent()).trim();
  if (secret.length < 32) fail(`the secret shown is ${JSON.stringify(secret)}`);
  if (!(await page.locator("#secret-warning").textContent()).includes("shown this once")) fail("no warning");
  await inspect(page, "client-secret");
  await navigate(page, "/admin/clients/wiki", () => page.locator("#client-link").click());
  if ((await page.content()).includes(secret)) fail("the client's page shows the secret again");
  await inspect(page, "client");

  step = "n) add the service provider from its metadata file";
  await navigate(page, "/admin/service-providers", () => nav(page, "Service providers").click());
  await inspect(page, "sps");
  await page.locator("#metadata-file").setInputFiles(spMetadataFile);
  await page.waitForFunction(() => document.getElementById("metadata").value.includes("EntityDescriptor"), null, {
    timeout: TIMEOUT_MS,
  });
  const spPath = "/admin/service-providers/https%3A%2F%2Fsp.example.test%2Fmetadata";
  await navigate(page, spPath, () => page.getByRole("button", { name: "Add the service provider" }).click());
  await expectNotice(page, "Added the service provider https://sp.example.test/metadata");
  await inspect(page, "sp");

  step = "o) rotate the ES256 signing key";
  await navigate(page, "/admin/keys", () => nav(page, "Keys").click());
  await inspect(page, "keys");
  await page.getByLabel("Algorithm", { exact: true }).selectOption("ES256");
  await navigate(page, "/admin/keys/rotate", () =>
    page.getByRole("button", { name: "Rotate the signing key…" }).click(),
  );
  await inspect(page, "key-confirm");
  await navigate(page, "/admin/keys", () => page.getByRole("button", { name: "Rotate", exact: true }).click());
  await expectNotice(page, "Added the signing key");

  step = "p) import two hardware tokens";
  await navigate(page, "/admin/hardware-tokens", () => nav(page, "Hardware tokens").click());
  await page.locator("#seed-content").fill("HW-0001,JBSWY3DPEHPK3PXP,totp,6,30\nHW-0002,JBSWY3DPEHPK3PXQ,totp,6,30\n");
  await navigate(page, "/admin/hardware-tokens", () => page.getByRole("button", { name: "Import the tokens" }).click());
  await expectNotice(page, "Imported 2 hardware tokens");
  await inspect(page, "tokens");

  step = "q) open a factor reset for carol from her account, and read it on the helpdesk page";
  await navigate(page, "/admin/users/carol", () => page.goto(`${base}/admin/users/carol`, { waitUntil: "load" }));
  if ((await page.locator("#sessions tbody tr").count()) < 1) fail("carol's sessions are not listed");
  await inspect(page, "user-sessions");
  await navigate(page, "/helpdesk/open", () => page.getByRole("link", { name: "Open a factor-reset request" }).click());
  await inspect(page, "helpdesk-open");
  await page.getByLabel("Reason (what the user told you, and how they reached you)", { exact: true }).fill(
    "Lost her phone; called from the number on file.",
  );
  await navigate(page, "/helpdesk/request", () => page.getByRole("button", { name: "Open request" }).click());
  const requestId = new URL(page.url()).searchParams.get("id");
  if (!requestId) fail(`no request id in ${page.url()}`);
  const timeline = await page.locator("table").last().textContent();
  if (!timeline.includes("recovery.opened")) fail(`the timeline reads ${JSON.stringify(timeline)}`);
  await inspect(page, "helpdesk-request");

  step = "r) the console in German, from the switcher in the console bar";
  await navigate(page, "/admin", () => page.goto(`${base}/admin`, { waitUntil: "load" }));
  await navigate(page, "/admin", () =>
    page.getByRole("navigation", { name: "Language" }).getByRole("link", { name: "Deutsch" }).click(),
  );
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (lang !== "de") fail(`after choosing Deutsch the page says lang="${lang}"`);
  const german = (await page.locator("h1").textContent()).trim();
  if (german !== "Übersicht") fail(`the German dashboard is headed ${JSON.stringify(german)}`);
  await inspect(page, "dashboard-de");
  await navigate(page, "/admin/users", () => nav(page, "Benutzer").click());
  await inspect(page, "users-de");
  await navigate(page, "/admin/users", () =>
    page.getByRole("navigation", { name: "Sprache" }).getByRole("link", { name: "English" }).click(),
  );
  return { client_secret_shown: true, request_id: requestId };
}

async function main() {
  const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-chromium-"));
  let context;
  let page;
  const watchdog = setTimeout(() => {
    console.error(`admin console interop: still running after ${WATCHDOG_MS} ms (step: ${step}); giving up`);
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
      viewport: WIDTHS[0],
      acceptDownloads: true,
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    page = context.pages()[0] || (await context.newPage());
    page.on("console", (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`[pageerror] ${error.message}`));
    page.on("response", (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
        lastDocument = { status: response.status(), url: response.url() };
      }
      if (response.status() >= 400) badResponses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    const cdp = await context.newCDPSession(page);
    const found = await run(page, cdp);
    console.log(JSON.stringify({ done: true, inspected, violations, overflow, ...found, screenshots: shots }));
    return 0;
  } catch (error) {
    const what = error instanceof StepError ? error.message : error.stack || String(error);
    console.error(`admin console interop FAILED during ${step}: ${what}`);
    if (page) {
      console.error(`  current URL: ${page.url()}`);
      const shot = join(shots, `failure-${Date.now()}.png`);
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
      console.error("  HTTP error responses:");
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
