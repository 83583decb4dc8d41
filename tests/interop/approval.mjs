// Cross-device sign-in approval in two real browsers: Debian Chromium driven by playwright-core, axe-core on each page.
//
//   node tests/interop/approval.mjs BASE_URL USERNAME PASSWORD COOKIE_NAME COOKIE_VALUE
//
// COOKIE_NAME=COOKIE_VALUE is the session of a browser where USERNAME is signed in with a passkey (the approving
// browser). Steps: a second browser signs in with the password, asks for approval on the second-factor page and
// shows a number; the approving browser's account page says a sign-in waits (it polls), its approvals page offers
// three numbers and where the sign-in comes from; it picks the one the other browser shows; the other browser goes
// on to the account page by itself. Then a third browser asks, and the approving browser picks a wrong number: the
// third browser is told it was refused. On each page: axe-core (serious or critical violations), and at 1440 and
// 390 px whether the page scrolls sideways, with a screenshot (GATEHOUSE_SCREENSHOTS, default /tmp).
// Prints one JSON line with what it found; exits 1 when a step fails.
import { chromium } from "playwright-core";
import { PageChecks, WIDTHS } from "./page_checks.mjs";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 120_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const [baseArg, username, password, cookieName, cookieValue] = process.argv.slice(2);
if (!baseArg || !username || !password || !cookieName || !cookieValue) {
  console.error("usage: node tests/interop/approval.mjs BASE_URL USERNAME PASSWORD COOKIE_NAME COOKIE_VALUE");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
const shots = process.env.GATEHOUSE_SCREENSHOTS || join(tmpdir(), "gatehouse-approval");
mkdirSync(shots, { recursive: true });
const checks = new PageChecks(shots, "approval-");
const { violations, overflow, screenshots, inspected } = checks;

let step = "starting";
let current = null;

async function inspect(page, name, element) {
  step = `inspecting ${name}`;
  await checks.inspect(page, name, element);
}

async function context(browser) {
  const ctx = await browser.newContext({ viewport: WIDTHS[0], locale: "en-US" });
  ctx.setDefaultTimeout(TIMEOUT_MS);
  ctx.setDefaultNavigationTimeout(TIMEOUT_MS);
  return ctx;
}

// A new browser past the password that asks for approval; returns its page and the number it shows.
async function ask(browser, name) {
  const page = await (await context(browser)).newPage();
  current = page;
  step = `${name}: the password`;
  await page.goto(`${base}/login`, { waitUntil: "load" });
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === "/login/factor"), page.locator('form[action="/login"] button[type="submit"]').click()]);
  if (name === "new") await inspect(page, "offer");
  step = `${name}: asking for approval`;
  await Promise.all([page.waitForLoadState("load"), page.locator('form[action="/login/approval"] button[type="submit"]').click()]);
  const number = (await page.locator("#approval-number").innerText()).trim();
  if (!/^\d\d$/.test(number)) throw new Error(`the waiting page shows ${JSON.stringify(number)}`);
  if (name === "new") await inspect(page, "waiting");
  return { page, number };
}

async function main() {
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 30_000 });
  try {
    const approverContext = await context(browser);
    const { hostname } = new URL(base);
    await approverContext.addCookies([{ name: cookieName, value: cookieValue, domain: hostname, path: "/" }]);
    const approver = await approverContext.newPage();
    current = approver;
    step = "the approving browser's account page";
    await approver.goto(`${base}/account`, { waitUntil: "load" });
    if (new URL(approver.url()).pathname !== "/account") throw new Error(`the approving browser is at ${approver.url()}`);
    const hiddenBefore = await approver.locator("#approval-waiting").isHidden();

    const fresh = await ask(browser, "new");
    current = approver;
    step = "the account page notices the waiting sign-in";
    await approver.locator("#approval-waiting").waitFor({ state: "visible", timeout: 20_000 });
    await Promise.all([approver.waitForURL((u) => u.pathname === "/account/approvals"), approver.locator("#approval-waiting a").click()]);
    await inspect(approver, "approvals");
    const offered = await approver.locator('button[name="pick"]').evaluateAll((b) => b.map((e) => e.value));
    const summary = (await approver.locator("section.approval h2").innerText()).trim();
    step = "picking the number";
    await Promise.all([approver.waitForURL((u) => u.search.includes("done=")), approver.locator(`button[name="pick"][value="${fresh.number}"]`).click()]);
    const approvedNotice = (await approver.locator('[role="status"]').first().innerText()).trim();
    await inspect(approver, "approved");

    current = fresh.page;
    step = "the new browser goes on by itself";
    await fresh.page.waitForURL((u) => u.pathname === "/account", { timeout: 20_000 });
    const newBrowserAt = new URL(fresh.page.url()).pathname;

    const third = await ask(browser, "third");
    current = approver;
    step = "a wrong number";
    await reopen(approver, `${base}/account/approvals`);
    const wrong = (await approver.locator('button[name="pick"]').evaluateAll((b) => b.map((e) => e.value))).find((n) => n !== third.number);
    await Promise.all([approver.waitForURL((u) => u.search.includes("done=")), approver.locator(`button[name="pick"][value="${wrong}"]`).click()]);
    const mismatchAlert = (await approver.locator('[role="alert"]').first().innerText()).trim();
    current = third.page;
    step = "the third browser is refused";
    await third.page.locator('[role="alert"]').waitFor({ timeout: 20_000 });
    const refusedAlert = (await third.page.locator('[role="alert"]').innerText()).trim();
    const thirdAt = new URL(third.page.url()).pathname;
    await inspect(third.page, "refused");
    console.log(JSON.stringify({
      done: true, hiddenBefore, number: fresh.number, offered, summary, approvedNotice, newBrowserAt,
      mismatchAlert, refusedAlert, thirdAt, violations, overflow, screenshots,
    }));
  } finally {
    await browser.close().catch(() => {});
  }
}

// Opens `url` in `page`. The approvals page reloads itself when the number of waiting sign-ins changes (as the
// third browser's request does), and a reload that starts while the test navigates aborts the test's navigation
// (net::ERR_ABORTED): then it navigates again.
async function reopen(page, url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url, { waitUntil: "load" });
    } catch (e) {
      if (attempt >= 3 || !String(e.message).includes("ERR_ABORTED")) throw e;
    }
  }
}

const watchdog = setTimeout(() => {
  console.error(`approval: no result within ${WATCHDOG_MS} ms (step: ${step})`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
main().then(
  () => process.exit(0),
  async (e) => {
    console.error(`approval failed at step "${step}": ${e.message.split("\n")[0]}`);
    if (current) {
      const file = join(shots, "approval-failure.png");
      await current.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => {});
      const text = await current.evaluate(() => document.body.innerText).catch(() => "");
      console.error(`  at ${current.url()}: ${text.replace(/\s+/g, " ").slice(0, 400)}\n  screenshot: ${file}`);
    }
    process.exit(1);
  },
);
