// Caller verification with number matching in a real browser: Debian Chromium driven by playwright-core.
//
//   node tests/interop/caller_verify.mjs PHASE BASE_URL MAIL_DIR CLOCK_OFFSET_SECONDS REQUEST_A REQUEST_B HANA_TOTP HAL_TOTP
//
// The Rust test (tests/it/interop/caller_verify.rs) sets the stage: Kim's request A and Lee's request B, both opened
// by the agent Hugo and approved by their manager Mona; the agents Hana and Hal sign in with password (the test's
// GOOD_PASSWORD) and an authenticator app (base32 secrets; the server's clock runs CLOCK_OFFSET_SECONDS ahead of
// this machine's). Mails are read from MAIL_DIR (the file transport). Two phases, with the server's clock moved on
// between them:
//   one: on A, Hana finds Execute disabled, sends Kim a prompt and reads the number; Kim picks a wrong number
//        (mismatch), then answers "I'm not talking to the helpdesk" (failed), then picks the right one (passed);
//        Execute is enabled and Hana executes. On B, Hana asks the manager; Mona signs in and sees the question,
//        but does not answer.
//   passkey: see phasePasskey below.
//   two: (the prompt has timed out) Mona's link is spent; on B Hana sees "timed out", Execute is disabled and a
//        forced submit is refused (403); Hana records an override with a reason, after which she still may not
//        execute, and Hal does.
// Screenshots of the console's section and of the prompt pages at 1440 and 390 px go to GATEHOUSE_SCREENSHOTS, and
// axe-core runs on each (serious or critical violations are reported). Prints one JSON line; exits 1 on failure.
import { chromium } from "playwright-core";
import { PageChecks, WIDTHS } from "./page_checks.mjs";
import { createHmac } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TIMEOUT_MS = 15_000;
const PASSWORD = "violet-tractor-sings-at-dawn";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

const [phase, baseArg, mailDir, offsetArg, requestA, requestB, hanaTotp, halTotp] = process.argv.slice(2);
if (!phase || !baseArg || !mailDir || !requestA || !requestB || !hanaTotp || !halTotp) {
  console.error(
    "usage: node caller_verify.mjs PHASE BASE_URL MAIL_DIR CLOCK_OFFSET_SECONDS REQUEST_A REQUEST_B HANA_TOTP HAL_TOTP",
  );
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");
const clockOffset = Number(offsetArg || "0");
const shots = process.env.GATEHOUSE_SCREENSHOTS || join(tmpdir(), "gatehouse-caller-verify");
mkdirSync(shots, { recursive: true });
const checks = new PageChecks(shots, "");
const { violations, overflow, screenshots, inspected } = checks;

class StepError extends Error {}
let step = "starting";
const seen = [];

function fail(message) {
  throw new StepError(message);
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for the server's current time.
function totp(secretBase32) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor((Date.now() / 1000 + clockOffset) / 30)));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

// The newest prompt link mailed to `to` that this run has not used yet (waits for it).
async function newLink(to) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    for (const file of readdirSync(mailDir).filter((f) => f.endsWith(".eml"))) {
      const raw = readFileSync(join(mailDir, file), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      if (!raw.includes(`To: ${to}@example.com`)) continue;
      const link = raw.match(/https?:\/\/[^\s"<]*\/recovery\/verify\?token=[A-Za-z0-9_-]+/)?.[0];
      if (link && !seen.includes(link)) {
        seen.push(link);
        return link;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`no new prompt link mailed to ${to}`);
}

// Any prompt link mailed to `to` (for phase two, which did not see phase one's).
function anyLink(to) {
  for (const file of readdirSync(mailDir).filter((f) => f.endsWith(".eml"))) {
    const raw = readFileSync(join(mailDir, file), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    const link = raw.includes(`To: ${to}@example.com`) && raw.match(/https?:\/\/[^\s"<]*\/recovery\/verify\?token=[A-Za-z0-9_-]+/);
    if (link) return link[0];
  }
  fail(`no prompt link mailed to ${to}`);
}

async function text(page) {
  return (await page.locator("main").innerText()).replace(/\s+/g, " ").trim();
}

// Goes to `url` and checks the document's status.
async function visit(page, url, expected = 200) {
  const response = await page.goto(url.startsWith("http") ? url : `${base}${url}`, { waitUntil: "load" });
  if (response.status() !== expected) fail(`${url} answered ${response.status()}, expected ${expected}: ${await text(page)}`);
}

// Clicks `locator` (a submit) and checks the status of the document it leads to.
async function submit(page, locator, expected = 200) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    locator.click(),
  ]);
  const status = response ? response.status() : 0;
  if (status !== expected) fail(`submitting answered ${status}, expected ${expected}: ${await text(page)}`);
}

async function signIn(page, username, secret) {
  step = `${username} signs in`;
  await visit(page, "/login");
  await page.getByLabel("Username or e-mail", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await submit(page, page.locator('form[action="/login"] button[type="submit"]'));
  if (secret) {
    await page.getByLabel("Code from your authenticator app", { exact: true }).fill(totp(secret));
    await submit(page, page.getByRole("button", { name: "Continue" }));
  }
  if (new URL(page.url()).pathname.startsWith("/login")) fail(`${username} is still signing in: ${await text(page)}`);
}

async function inspect(page, name, element) {
  step = `inspecting ${name}`;
  await checks.inspect(page, name, element);
}

async function requestPage(page, id) {
  await visit(page, `/helpdesk/request?id=${id}`);
}

async function executeDisabled(page) {
  return page.locator("#execute").isDisabled();
}

async function stateOfLastPrompt(page) {
  return page.locator("#verify-results tbody tr").last().getAttribute("data-state");
}

async function phaseOne(browser) {
  const hana = await (await browser.newContext()).newPage();
  const kim = await (await browser.newContext()).newPage();
  const mona = await (await browser.newContext()).newPage();
  await signIn(hana, "hana", hanaTotp);

  step = "A: Execute is disabled before any prompt";
  await requestPage(hana, requestA);
  if (!(await executeDisabled(hana))) fail("Execute is enabled before the caller is verified");
  await inspect(hana, "console-unverified", "#verify");

  step = "A: a prompt to Kim by mail; the number to read out";
  await submit(hana, hana.locator("#verify-user button[type=submit]"));
  const number = (await hana.locator("#verify-number").innerText()).trim();
  if (!/^[1-9][0-9]$/.test(number)) fail(`the number to read out is ${JSON.stringify(number)}`);
  await inspect(hana, "console-number", "#verify");

  step = "A: Kim picks a wrong number";
  await visit(kim, await newLink("kim"));
  await inspect(kim, "prompt-user");
  const choices = await kim.locator('button[name="answer"]').evaluateAll((b) => b.map((e) => e.value));
  if (choices.length !== 3 || !choices.includes(number)) fail(`the page offers ${choices}, the agent read ${number}`);
  const wrong = choices.find((c) => c !== number);
  await submit(kim, kim.locator(`button[name="answer"][value="${wrong}"]`));
  if ((await kim.locator("#verified").getAttribute("data-outcome")) !== "mismatch") fail(`after a wrong pick: ${await text(kim)}`);
  await inspect(kim, "prompt-mismatch");
  await requestPage(hana, requestA);
  const mismatch = await stateOfLastPrompt(hana);
  if (mismatch !== "mismatch" || !(await executeDisabled(hana))) fail(`after the mismatch: ${mismatch}`);

  step = "A: Kim says she is not talking to the helpdesk";
  await submit(hana, hana.locator("#verify-user button[type=submit]"));
  await visit(kim, await newLink("kim"));
  await submit(kim, kim.getByRole("button", { name: "I'm not talking to the helpdesk" }));
  if ((await kim.locator("#verified").getAttribute("data-outcome")) !== "failed") fail(`after "not me": ${await text(kim)}`);
  await requestPage(hana, requestA);
  const failed = await stateOfLastPrompt(hana);
  if (failed !== "failed" || !(await executeDisabled(hana))) fail(`after "not me": ${failed}`);

  step = "A: Kim picks the right number; Hana executes";
  await submit(hana, hana.locator("#verify-user button[type=submit]"));
  const right = (await hana.locator("#verify-number").innerText()).trim();
  await visit(kim, await newLink("kim"));
  await submit(kim, kim.locator(`button[name="answer"][value="${right}"]`));
  if ((await kim.locator("#verified").getAttribute("data-outcome")) !== "passed") fail(`after the right pick: ${await text(kim)}`);
  await inspect(kim, "prompt-passed");
  await requestPage(hana, requestA);
  if ((await stateOfLastPrompt(hana)) !== "passed" || (await executeDisabled(hana))) fail("Execute stays disabled after a pass");
  // The first column is when (a time may hold any two digits); the number must not be in any other.
  const cells = await hana.locator("#verify-results tbody td:not(:first-child)").allInnerTexts();
  if (cells.some((c) => new RegExp(`\\b${right}\\b`).test(c))) fail("the results show the number picked");
  await inspect(hana, "console-passed", "#verify");
  await hana.locator('input[name="check_employee_id"]').check();
  await submit(hana, hana.locator("#execute"));
  const executed = await text(hana);

  step = "B: Hana asks the manager; Mona sees the question and does not answer";
  await requestPage(hana, requestB);
  await submit(hana, hana.locator("#verify-manager button[type=submit]"));
  const managerNumber = (await hana.locator("#verify-number").innerText()).trim();
  const link = await newLink("mona");
  await signIn(mona, "mona", null);
  await visit(mona, link);
  const question = (await mona.locator("h1").innerText()).trim();
  if (!question.includes("Lee Ode")) fail(`the manager is asked ${JSON.stringify(question)}`);
  const offered = await mona.locator('button[name="answer"]').evaluateAll((b) => b.map((e) => e.value));
  if (!offered.includes(managerNumber)) fail(`the manager's page offers ${offered}, not ${managerNumber}`);
  await inspect(mona, "prompt-manager");
  return { executed_text: executed.slice(0, 200), mismatch, failed };
}

async function phaseTwo(browser) {
  const hana = await (await browser.newContext()).newPage();
  const hal = await (await browser.newContext()).newPage();
  const mona = await (await browser.newContext()).newPage();

  step = "B: the manager's link has timed out";
  await signIn(mona, "mona", null);
  await visit(mona, anyLink("mona"), 400);

  step = "B: Hana sees the time-out; a forced Execute is refused";
  await signIn(hana, "hana", hanaTotp);
  await requestPage(hana, requestB);
  const timedOut = await stateOfLastPrompt(hana);
  if (timedOut !== "timed_out" || !(await executeDisabled(hana))) fail(`after the time-out: ${timedOut}`);
  await inspect(hana, "console-timed-out", "#verify");
  await hana.locator('input[name="check_employee_id"]').check();
  await hana.evaluate(() => {
    document.getElementById("execute").disabled = false;
  });
  await submit(hana, hana.locator("#execute"), 403);
  const refusal = await text(hana);
  if (!refusal.includes("not verified")) fail(`the refusal says ${JSON.stringify(refusal.slice(0, 300))}`);

  step = "B: Hana records an override; she still may not execute, Hal does";
  await requestPage(hana, requestB);
  await hana.getByLabel(/Override as a second agent/).fill("Lee came to the service desk with his badge.");
  await submit(hana, hana.getByRole("button", { name: "Record the override" }));
  if (!(await hana.locator("#verify-override").innerText()).includes("Hana Ode")) fail("the override is not shown");
  if (!(await executeDisabled(hana))) fail("the agent who overrode may execute");
  await inspect(hana, "console-override", "#verify");
  await signIn(hal, "hal", halTotp);
  await requestPage(hal, requestB);
  if (await executeDisabled(hal)) fail("Hal may not execute after the override");
  await hal.locator('input[name="check_employee_id"]').check();
  await submit(hal, hal.locator("#execute"));
  return { timed_out: timedOut };
}

// Phase "passkey": REQUEST_A is Kim's request resetting her authenticator app only; HAL_TOTP is Kim's app secret.
// Kim registers a passkey in her browser (a CDP virtual authenticator); Hana sends her a prompt; Kim's page asks for
// the passkey, Kim confirms with it and picks the number; the prompt passes and Execute is enabled.
async function phasePasskey(browser) {
  const hana = await (await browser.newContext()).newPage();
  const kim = await (await browser.newContext()).newPage();
  step = "Kim registers a passkey";
  const cdp = await kim.context().newCDPSession(kim);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await signIn(kim, "kim", halTotp);
  await visit(kim, "/account/security/webauthn");
  await kim.locator("#webauthn-name").fill("Laptop passkey");
  await Promise.all([kim.waitForURL((u) => u.pathname === "/account/security"), kim.locator('[data-webauthn="register"]').click()]);

  step = "Hana sends Kim a prompt";
  await signIn(hana, "hana", hanaTotp);
  await requestPage(hana, requestA);
  await submit(hana, hana.locator("#verify-user button[type=submit]"));
  const number = (await hana.locator("#verify-number").innerText()).trim();

  step = "Kim confirms with her passkey and picks the number";
  await visit(kim, await newLink("kim"));
  if ((await kim.locator('input[name="code"]').count()) !== 0) fail("the page asks for the app the reset removes");
  await inspect(kim, "prompt-passkey");
  await kim.locator('[data-webauthn="confirm"]').click();
  await kim.locator("#webauthn-status", { hasText: "Confirmed" }).waitFor({ timeout: TIMEOUT_MS });
  if (!(await kim.locator("#assertion").inputValue()).includes("authenticatorData")) fail("no passkey answer in the form");
  await inspect(kim, "prompt-passkey-confirmed");
  await submit(kim, kim.locator(`button[name="answer"][value="${number}"]`));
  const outcome = await kim.locator("#verified").getAttribute("data-outcome");
  if (outcome !== "passed") fail(`after confirming and picking: ${await text(kim)}`);
  await requestPage(hana, requestA);
  if ((await stateOfLastPrompt(hana)) !== "passed" || (await executeDisabled(hana))) fail("Execute stays disabled after a pass");
  return { passkey: outcome };
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`caller verification interop: still running after 240 s (step: ${step})`);
    process.exit(1);
  }, 240_000);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.GATEHOUSE_CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: ARGS,
      timeout: 30_000,
    });
    const phases = { one: phaseOne, two: phaseTwo, passkey: phasePasskey };
    const found = await phases[phase](browser);
    console.log(JSON.stringify({ done: true, phase, violations, overflow, screenshots: shots, ...found }));
    return 0;
  } catch (error) {
    console.error(`caller verification interop FAILED during ${step}: ${error instanceof StepError ? error.message : error.stack}`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => {});
  }
}

process.exitCode = await main();
