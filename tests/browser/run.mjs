// Drives Debian's chromium over a served build of the briefing and prints one JSON
// report on stdout. Called by tests/browser.rs, which makes the assertions.
//
//   node run.mjs BASE_URL SCREENSHOT_DIR PAGE...
//
// For each page, at 375 px and 1280 px, in light and dark mode: a full-page
// screenshot, whether the page scrolls horizontally, and axe-core's violations. Then
// the briefing printed to PDF (tests/browser.rs reads its text back with pdftotext).
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { writeFile } from "node:fs/promises";
import path from "node:path";

const require = createRequire(import.meta.url);
const axeSource = require.resolve("axe-core/axe.min.js");
const [base, screenshots, ...pages] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});

const report = { pages: [], pdf: null };
const requests = new Set();
for (const scheme of ["light", "dark"]) {
  for (const width of [375, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    for (const pagePath of pages) {
      const page = await context.newPage();
      page.on("request", (request) => requests.add(new URL(request.url()).origin));
      const response = await page.goto(base + pagePath, { waitUntil: "load" });
      const name = `${(pagePath || "index").replace(/\/$/, "").replace(/[\/.]/g, "_") || "index"}-${width}-${scheme}.png`;
      await page.screenshot({ path: path.join(screenshots, name), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await page.addScriptTag({ path: axeSource });
      const axe = await page.evaluate(async () => {
        const results = await window.axe.run(document, { resultTypes: ["violations"] });
        return results.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        }));
      });
      report.pages.push({ path: pagePath, width, scheme, status: response.status(), overflow, violations: axe, screenshot: name });
      await page.close();
    }
    await context.close();
  }
}

// Reading comfort and the citation tooltip, on the briefing at desktop width.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(base, { waitUntil: "load" });
  report.charactersPerLine = await page.evaluate(() => {
    // innerText: the hidden tooltips inside citations are not read.
    const paragraph = [...document.querySelectorAll(".prose > p")].sort((a, b) => b.innerText.length - a.innerText.length)[0];
    const lines = Math.round(paragraph.getBoundingClientRect().height / parseFloat(getComputedStyle(paragraph).lineHeight));
    return paragraph.innerText.length / lines;
  });
  const tooltip = (selector) => page.evaluate((s) => {
    const tip = document.querySelector(s);
    return { display: getComputedStyle(tip).display, text: tip.textContent };
  }, selector);
  const first = await page.getAttribute(".citation > a", "aria-describedby");
  report.tooltipAtRest = await tooltip(`#${first}`);
  await page.focus(".citation > a");
  report.tooltipOnFocus = await tooltip(`#${first}`);
  await context.close();
}

// The FAQ printed: every answer, folded or not.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "faq/", { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  report.faqPdf = path.join(screenshots, "faq.pdf");
  await page.pdf({ path: report.faqPdf, format: "A4" });
  await context.close();
}

// Print the briefing as a reader would, and read the PDF's text back.
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(base, { waitUntil: "load" });
await page.emulateMedia({ media: "print" });
const pdfPath = path.join(screenshots, "briefing.pdf");
const pdf = await page.pdf({ path: pdfPath, format: "A4", printBackground: false });
report.pdf = { path: pdfPath, bytes: pdf.length };
report.origins = [...requests].sort();
await browser.close();
await writeFile(path.join(screenshots, "report.json"), JSON.stringify(report, null, 2));
process.stdout.write(JSON.stringify(report));
