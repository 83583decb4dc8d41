// A scripted browser through Gatehouse's pages, shared by the openid-client interop scripts under tests/interop/
// (oidc_client.mjs, oidc_stepup.mjs): fetch with a small cookie jar that follows no redirect by itself, the inputs
// of a page's forms read as a browser submits them, and the run of a script: the step it is at, a watchdog, and
// one line on stderr naming the step when it fails (exit 1). The Python scripts have the same in gatehouse_browser.py.
// (webauthn.mjs drives a real Chromium instead and needs none of this.)

export const TIMEOUT_S = 10;

export class StepError extends Error {}

let step = "starting";

// Names the step the script is at, for the failure message and the watchdog.
export function atStep(name) {
  step = name;
}

export function fail(message) {
  throw new StepError(message);
}

// An error as one line: openid-client's OAuth error fields, the HTTP status and the cause included.
export function describe(e) {
  const parts = [e?.name && e.name !== "Error" ? `${e.name}: ${e.message}` : String(e?.message ?? e)];
  if (e?.code) parts.push(`code=${e.code}`);
  if (e?.error) parts.push(`error=${e.error}`);
  if (e?.error_description) parts.push(`error_description=${e.error_description}`);
  if (e?.status) parts.push(`status=${e.status}`);
  const cause = e?.cause;
  if (cause instanceof Error) parts.push(`cause=${cause.message}${cause.code ? ` (${cause.code})` : ""}`);
  else if (cause && !(cause instanceof Response)) parts.push(`cause=${JSON.stringify(cause)}`);
  return parts.join(" ");
}

// Runs `main` with the whole run bounded too, whatever hangs; a failure is printed with the step, exit 1.
export async function run(label, main, watchdogMs = 60_000) {
  const watchdog = setTimeout(() => {
    console.error(`${label}: no result within ${watchdogMs} ms (step: ${step})`);
    process.exit(1);
  }, watchdogMs);
  try {
    await main();
    clearTimeout(watchdog);
  } catch (e) {
    console.error(`${label} failed at step "${step}": ${e instanceof StepError ? e.message : describe(e)}`);
    process.exit(1);
  }
}

// A browser for one host: `browse(url, init)` sends the cookies it was given (`seed`, "name=value") and has been
// set since (attributes ignored; every request goes to the issuer), and follows no redirect.
export function browser(seed) {
  const jar = new Map();
  if (seed) {
    const eq = seed.indexOf("=");
    jar.set(seed.slice(0, eq), seed.slice(eq + 1));
  }

  function remember(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [k, v = ""] = a.split("=").map((s) => s.trim());
        const key = k.toLowerCase();
        return (key === "max-age" && Number(v) <= 0) || (key === "expires" && Date.parse(v) <= Date.now());
      });
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
  }

  return async function browse(url, init = {}) {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    let response;
    try {
      response = await fetch(url, {
        ...init,
        headers,
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_S * 1000),
      });
    } catch (e) {
      fail(`${init.method ?? "GET"} ${url} failed: ${e.cause?.message ?? e.message}`);
    }
    remember(response);
    const body = await response.text();
    return { status: response.status, location: response.headers.get("location"), body, url };
  };
}

// Form-encoded POST options for `browse`.
export function post(fields) {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

export function decodeHtml(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    const lower = e.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[lower];
  });
}

// A page's text, shortened, for error messages.
export function text(page) {
  const body = page.body.replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ");
  return decodeHtml(body).replace(/\s+/g, " ").trim().slice(0, 500);
}

export function hasInput(page, name) {
  return new RegExp(`<input[^>]*\\bname="${name}"`).test(page.body);
}

// The value of a (hidden) input, as a browser would submit it.
export function input(page, name) {
  const tag = page.body.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`));
  const value = tag?.[0].match(/\bvalue="([^"]*)"/);
  if (!value) fail(`no ${name} input on ${page.url} (${page.status}): ${text(page)}`);
  return decodeHtml(value[1]);
}
