// The account pages on a phone-sized screen: Debian Chromium driven by playwright-core, 390 CSS pixels wide.
//
//   node tests/interop/narrow_pages.mjs BASE_URL USERNAME PASSWORD TOTP_CODE
//
// The user must have an authenticator app (TOTP_CODE is valid for it now), a second session elsewhere and a
// connected application, so every list has rows. Signs in (password, then the code), checking on the way that the
// "trust this browser" checkbox sits beside its label; then opens each account page and checks that nothing makes
// the page wider than the screen and that every table is inside a box that scrolls sideways. Prints one JSON line
// with what it measured; exits 1 (saying why) when a check fails.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const WIDTH = 390;
const TIMEOUT_MS = 15_000;
const PAGES = ["/account", "/account/security", "/account/sessions", "/account/apps"];
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

const [baseArg, username, password, code] = process.argv.slice(2);
if (!baseArg || !username || !password || !code) {
  console.error("usage: node tests/interop/narrow_pages.mjs BASE_URL USERNAME PASSWORD TOTP_CODE");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
const failures = [];

async function go(page, path, action) {
  await Promise.all([page.waitForURL((url) => url.pathname === path, { timeout: TIMEOUT_MS }), action()]);
}

// How the page fits the screen: its scroll width, and the tables not inside a sideways-scrolling box.
async function measure(page) {
  return page.evaluate(() => {
    const unboxed = [...document.querySelectorAll("table")].filter((table) => {
      const box = table.closest(".scroll");
      return !box || !["auto", "scroll"].includes(getComputedStyle(box).overflowX);
    });
    return {
      viewport: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      tables: document.querySelectorAll("table").length,
      unboxedTables: unboxed.map((t) => t.id || t.className || "table"),
    };
  });
}

async function main() {
  const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-narrow-"));
  let context;
  const result = { pages: {} };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ARGS,
      viewport: { width: WIDTH, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = context.pages()[0] || (await context.newPage());

    await page.goto(`${base}/login`, { waitUntil: "load" });
    await page.locator('form[action="/login"] input[name="username"]').fill(username);
    await page.locator('form[action="/login"] input[name="password"]').fill(password);
    await go(page, "/login/factor", () => page.locator('form[action="/login"] button[type="submit"]').click());

    // The checkbox and its words on one line: the box is small and the words start right of it.
    const beside = await page.evaluate(() => {
      const box = document.querySelector("#trust");
      if (!box) return { found: false };
      const label = box.closest("label");
      const b = box.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(label);
      const text = [...range.getClientRects()].filter((r) => r.width > 0 && r.left >= b.right - 1);
      return {
        found: true,
        boxWidth: Math.round(b.width),
        textBeside: text.some((r) => Math.abs(r.top + r.height / 2 - (b.top + b.height / 2)) < r.height),
      };
    });
    result.checkbox = beside;
    if (!beside.found) failures.push("no #trust checkbox on /login/factor");
    else if (!(beside.boxWidth < 48 && beside.textBeside))
      failures.push(`the trust checkbox is not beside its label: ${JSON.stringify(beside)}`);

    await page.locator('input[name="code"]').fill(code);
    await go(page, "/account", () => page.locator('form[action="/login/factor"] button[type="submit"]').click());

    for (const path of PAGES) {
      await page.goto(`${base}${path}`, { waitUntil: "load" });
      if (new URL(page.url()).pathname !== path) {
        failures.push(`${path} redirected to ${page.url()}`);
        continue;
      }
      const m = await measure(page);
      result.pages[path] = m;
      // A phone lays out a page wider than its screen by zooming out (innerWidth grows): both must stay at 390.
      if (m.viewport !== WIDTH || m.scrollWidth > WIDTH)
        failures.push(`${path} is ${Math.max(m.viewport, m.scrollWidth)}px wide on a ${WIDTH}px screen`);
      if (m.unboxedTables.length) failures.push(`${path}: tables outside a scrolling box: ${m.unboxedTables}`);
    }
  } catch (error) {
    failures.push(error.stack || String(error));
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ ...result, failures }));
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
