// What every page a Chromium script visits is checked for: axe-core's serious and critical violations, whether the
// page scrolls sideways at each width, and a screenshot at each width for a person to look at. Shared by the
// scripts that drive real pages (admin_console.mjs, approval.mjs, caller_verify.mjs, passkey_profile.mjs,
// recovery_pass.mjs; pages_tour.mjs uses the widths and axe-core with findings of its own shape).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
export const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// A desktop and a phone.
export const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

export class PageChecks {
  // Screenshots go to `shots`, named `${prefix}${name}-${width}.png`.
  constructor(shots, prefix = "") {
    this.shots = shots;
    this.prefix = prefix;
    this.violations = [];
    this.overflow = [];
    this.screenshots = [];
    this.inspected = [];
  }

  // axe-core on the page as it is, then each width: does the page scroll sideways, and a screenshot of `element`
  // (a selector) if given, else of the whole page. `inView` (a selector) names controls that must be reachable
  // without scrolling anything sideways, not even a table's own scrolling box: each one found must lie within the
  // window's width and within every box that clips it, else it is reported in `overflow` too. The page is left at the first width.
  async inspect(page, name, element, inView) {
    // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') neither blocks nor is relaxed.
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical") {
        this.violations.push({
          page: name,
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        });
      }
    }
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      const fits = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      if (fits.scrollWidth > fits.innerWidth) this.overflow.push({ page: name, width: size.width, ...fits });
      if (inView) {
        const outside = await page.evaluate((selector) => {
          const found = [];
          for (const el of document.querySelectorAll(selector)) {
            const box = el.getBoundingClientRect();
            if (box.width === 0 && box.height === 0) continue; // not displayed
            // Inside the window, and inside every box that clips it (a scrolling region cuts it off at its edge).
            let clipped = box.left < 0 || box.right > window.innerWidth;
            for (let a = el.parentElement; a && !clipped; a = a.parentElement) {
              if (getComputedStyle(a).overflowX === "visible") continue;
              const r = a.getBoundingClientRect();
              clipped = box.left < r.left - 0.5 || box.right > r.right + 0.5;
            }
            if (clipped) {
              found.push({ control: (el.getAttribute("aria-label") || el.textContent || "").trim(), right: Math.round(box.right) });
            }
          }
          return found;
        }, inView);
        for (const o of outside) this.overflow.push({ page: name, width: size.width, innerWidth: size.width, ...o });
      }
      const path = join(this.shots, `${this.prefix}${name}-${size.width}.png`);
      if (element) await page.locator(element).screenshot({ path });
      else await page.screenshot({ path, fullPage: true });
      this.screenshots.push(path);
    }
    await page.setViewportSize(WIDTHS[0]);
    this.inspected.push(name);
  }
}
