// Every page people use (end users, managers, helpdesk agents, and the pages anyone reaches before signing in) in a
// real browser: Debian Chromium driven by playwright-core, in English and in German, at 1440 and 390 CSS pixels.
//
//   node tests/interop/pages_tour.mjs PLAN.json
//
// PLAN.json: { base, screenshots, offset (the server clock's seconds ahead of this one), personas: [{ name, username?, password?, totp?, stop_at_factor?, pages: [path] }] }.
// A persona with a username signs in through the login page (and the app-code page when asked, with a code made
// from `totp`, base32); one with `stop_at_factor` stops at the second step and tours it. Personas without a
// username tour anonymously, first with a German Accept-Language (a new browser), then English, then English in
// dark mode (`prefers-color-scheme: dark`, persona name suffixed `-dark`). Signed-in personas
// start in English and switch to German with the link at the foot of the page (the switcher's cookie).
// On every page, in each language: the answer is not a server error, `<html lang>` is the language, axe-core finds
// no serious or critical violation, and at each width the page does not scroll sideways; a screenshot at each width.
// Prints one JSON line: { visits: [{ persona, path, lang, status, h1, htmlLang }], violations, overflow, screenshots }.
import { chromium } from "playwright-core";
import { AXE_SOURCE, WIDTHS } from "./page_checks.mjs";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 400_000;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = plan.base.replace(/\/+$/, "");
const executablePath = process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium";
mkdirSync(plan.screenshots, { recursive: true });

const visits = [];
const violations = [];
const overflow = [];
const screenshots = [];
let step = "starting";
let current = null; // the page being worked, for the failure report

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor((Date.now() / 1000 + (plan.offset || 0)) / 30)));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

function slug(path) {
  return path.replace(/\?.*$/, "").replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "home";
}

async function signIn(page, persona) {
  step = `${persona.name}: signing in`;
  await page.goto(`${base}/login`, { waitUntil: "load" });
  await page.locator('form[action="/login"] input[name="username"]').fill(persona.username);
  await page.locator('form[action="/login"] input[name="password"]').fill(persona.password);
  await Promise.all([page.waitForLoadState("load"), page.locator('form[action="/login"] button[type="submit"]').click()]);
  await page.waitForURL((url) => url.pathname !== "/login", { timeout: TIMEOUT_MS });
  if (new URL(page.url()).pathname === "/login/factor" && !persona.stop_at_factor) {
    step = `${persona.name}: second step`;
    const code = page.locator('input[name="code"]');
    if (!(await code.count())) {
      // Another factor was offered first: choose the app.
      await page.goto(`${base}/login/factor?method=totp`, { waitUntil: "load" });
    }
    await page.locator('input[name="code"]').fill(totp(persona.totp));
    await Promise.all([
      page.waitForURL((url) => url.pathname !== "/login/factor", { timeout: TIMEOUT_MS }),
      page.locator('input[name="code"]').press("Enter"),
    ]);
  }
}

async function inspect(page, persona, path, lang, status) {
  step = `${persona.name}: ${path} (${lang})`;
  const seen = await page.evaluate(() => ({
    htmlLang: document.documentElement.lang,
    h1: (document.querySelector("h1")?.textContent || "").trim(),
  }));
  visits.push({ persona: persona.name, path, lang, status, ...seen });
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  for (const v of result.violations) {
    if (v.impact === "serious" || v.impact === "critical") {
      violations.push({ persona: persona.name, path, lang, id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) });
    }
  }
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    const fits = await page.evaluate(() => {
      // The outermost elements reaching past the screen's right edge, to say what widened the page.
      const wide = [...document.body.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1);
      const outermost = wide.filter((e) => !wide.includes(e.parentElement)).slice(0, 3);
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        culprits: document.documentElement.scrollWidth > window.innerWidth
          ? outermost.map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className ? "." + String(e.className).replace(/ /g, ".") : ""}`)
          : [],
      };
    });
    if (fits.scrollWidth > fits.innerWidth) overflow.push({ persona: persona.name, path, lang, width: size.width, ...fits });
    const file = join(plan.screenshots, `${persona.name}-${slug(path)}-${lang}-${size.width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    screenshots.push(file);
  }
  await page.setViewportSize(WIDTHS[0]);
}

async function tour(page, persona, lang) {
  for (const path of persona.pages) {
    step = `${persona.name}: opening ${path} (${lang})`;
    const response = await page.goto(`${base}${path}`, { waitUntil: "load" });
    await inspect(page, persona, path, lang, response ? response.status() : 0);
  }
}

async function withBrowser(locale, body, colorScheme = "light") {
  const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-tour-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, args: ARGS, timeout: 30_000, viewport: WIDTHS[0], locale, colorScheme,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  try {
    current = context.pages()[0] || (await context.newPage());
    await body(current);
    await context.close().catch(() => {});
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main() {
  for (const persona of plan.personas) {
    if (!persona.username) {
      // The browser's language decides: German first, then English.
      await withBrowser("de-DE", (page) => tour(page, persona, "de"));
      await withBrowser("en-US", (page) => tour(page, persona, "en"));
      // And with the system in dark mode: the same contrast rules hold for the dark colours.
      await withBrowser("en-US", (page) => tour(page, { ...persona, name: `${persona.name}-dark` }, "en"), "dark");
      continue;
    }
    await withBrowser("en-US", async (page) => {
      await signIn(page, persona);
      await tour(page, persona, "en");
      // The switcher at the foot of the page: remembered for this browser, and back to the same page.
      step = `${persona.name}: switching to German`;
      const before = new URL(page.url()).pathname;
      await Promise.all([page.waitForLoadState("load"), page.locator('footer a[hreflang="de"]').first().click()]);
      await page.waitForFunction(() => document.documentElement.lang === "de", null, { timeout: TIMEOUT_MS });
      if (new URL(page.url()).pathname !== before) {
        throw new Error(`the switcher went to ${page.url()} instead of back to ${before}`);
      }
      await tour(page, persona, "de");
    });
  }
  console.log(JSON.stringify({ visits, violations, overflow, screenshots }));
}

const watchdog = setTimeout(() => {
  console.error(`pages tour: no result within ${WATCHDOG_MS} ms (step: ${step})`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
main().then(
  () => process.exit(0),
  async (e) => {
    console.error(`pages tour failed at step "${step}": ${e.message.split("\n")[0]}`);
    if (current) {
      const file = join(plan.screenshots, "failure.png");
      await current.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => {});
      const text = await current.evaluate(() => document.body.innerText).catch(() => "");
      console.error(`  at ${current.url()}: ${text.replace(/\s+/g, " ").slice(0, 400)}\n  screenshot: ${file}`);
    }
    process.exit(1);
  },
);
