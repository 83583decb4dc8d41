// The temporary access pass in a real browser: Debian Chromium driven by playwright-core, axe-core on each page.
//
//   node tests/interop/recovery_pass.mjs BASE_URL USERNAME PASSWORD PASS CLOCK_OFFSET_SECONDS
//
// USERNAME's factors were reset (the reset has taken effect) and PASS was issued at its execution. Steps: open
// /recovery/pass, type the username, the pass (lower case, with spaces, as a person types what they heard) and the
// password; the browser lands on the enrolment page; every other account page sends it back there; it adds an
// authenticator app from the page (reading the key, computing the code; the server's clock runs
// CLOCK_OFFSET_SECONDS ahead); the account page then opens. A second browser tries the same pass and stays on the
// form with an error. On each page: axe-core (serious or critical violations are reported), and at 1440 and 390 px
// whether the page scrolls sideways, with a screenshot (GATEHOUSE_SCREENSHOTS, default /tmp).
// Prints one JSON line with what it found; exits 1 when a step fails.
import { chromium } from "playwright-core";
import { PageChecks, WIDTHS } from "./page_checks.mjs";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 120_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const [baseArg, username, password, pass, offsetArg] = process.argv.slice(2);
if (!baseArg || !username || !password || !pass) {
  console.error("usage: node tests/interop/recovery_pass.mjs BASE_URL USERNAME PASSWORD PASS CLOCK_OFFSET_SECONDS");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const clockOffset = Number(offsetArg || "0");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
const shots = process.env.GATEHOUSE_SCREENSHOTS || join(tmpdir(), "gatehouse-recovery-pass");
mkdirSync(shots, { recursive: true });
const checks = new PageChecks(shots, "pass-");
const { violations, overflow, screenshots, inspected } = checks;

let step = "starting";
let current = null;

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/[=\s]+/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor((Date.now() / 1000 + clockOffset) / 30)));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function inspect(page, name, element) {
  step = `inspecting ${name}`;
  await checks.inspect(page, name, element);
}

async function withBrowser(body) {
  const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-pass-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, args: ARGS, timeout: 30_000, viewport: WIDTHS[0], locale: "en-US",
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  try {
    current = context.pages()[0] || (await context.newPage());
    return await body(current);
  } finally {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

// Fills the pass form as a person does and submits it; the path the browser ends on.
async function redeem(page, typed) {
  await page.goto(`${base}/recovery/pass`, { waitUntil: "load" });
  await page.locator("#username").fill(username);
  await page.locator("#pass").fill(typed);
  await page.locator("#password").fill(password);
  await Promise.all([page.waitForLoadState("load"), page.locator('form[action="/recovery/pass"] button[type="submit"]').click()]);
  return new URL(page.url()).pathname;
}

async function main() {
  // A pass heard on the phone is typed lower case, in two groups of five.
  const typed = pass.toLowerCase().replace("-", " ");
  const found = await withBrowser(async (page) => {
    step = "the pass form";
    await page.goto(`${base}/recovery/pass`, { waitUntil: "load" });
    await inspect(page, "form");
    step = "redeeming the pass";
    const landed = await redeem(page, typed);
    await inspect(page, "landed");
    step = "other account pages";
    await page.goto(`${base}/account`, { waitUntil: "load" });
    const accountWhileEnrolling = new URL(page.url()).pathname;
    step = "adding an authenticator app";
    await page.goto(`${base}/account/security/totp`, { waitUntil: "load" });
    await inspect(page, "totp");
    const secret = (await page.locator("#secret").textContent()).trim();
    await page.locator("#code").fill(totp(secret));
    await Promise.all([page.waitForLoadState("load"), page.locator('form[action="/account/security/totp"] button[type="submit"]').click()]);
    const afterEnrolment = new URL(page.url()).pathname;
    step = "the account page after enrolment";
    await page.goto(`${base}/account`, { waitUntil: "load" });
    const accountAfter = new URL(page.url()).pathname;
    return { landed, accountWhileEnrolling, afterEnrolment, accountAfter };
  });
  const reused = await withBrowser(async (page) => {
    step = "the pass a second time";
    const path = await redeem(page, pass);
    const alert = ((await page.locator('[role="alert"]').allTextContents()) || []).join(" ").trim();
    await inspect(page, "reused");
    return { path, alert };
  });
  console.log(JSON.stringify({ done: true, ...found, reused, violations, overflow, screenshots }));
}

const watchdog = setTimeout(() => {
  console.error(`recovery pass: no result within ${WATCHDOG_MS} ms (step: ${step})`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
main().then(
  () => process.exit(0),
  async (e) => {
    console.error(`recovery pass failed at step "${step}": ${e.message.split("\n")[0]}`);
    if (current) {
      const file = join(shots, "pass-failure.png");
      await current.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => {});
      const text = await current.evaluate(() => document.body.innerText).catch(() => "");
      console.error(`  at ${current.url()}: ${text.replace(/\s+/g, " ").slice(0, 400)}\n  screenshot: ${file}`);
    }
    process.exit(1);
  },
);
