// Audit pages: for each, axe-core (WCAG 2.2 AA tags) with JavaScript on, the HTML as served
// with JavaScript off (for the Nu HTML Checker), and screenshots at 1280 and 375 px.
// argv[2]: {"base", "out_dir", "shots_dir", "sign_in": {"email","password"} | null,
//           "pages": [{"name", "path", "submit": bool, "fill": {"#id": "text"}, "signed_in": bool,
//                      "screenshot": bool}]}
import { launch, axe, run } from "./browser.mjs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

async function signIn(context, base, who) {
  const page = await context.newPage();
  await page.goto(base + "/sign-in");
  await page.fill("#email", who.email);
  await page.fill("#password", who.password);
  await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
  await page.close();
}

async function visit(context, base, spec) {
  const page = await context.newPage();
  const response = await page.goto(base + spec.path);
  for (const [selector, text] of Object.entries(spec.fill || {})) {
    await page.fill(selector, text);
  }
  let status = response.status();
  if (spec.submit) {
    const [answer] = await Promise.all([
      page.waitForNavigation(),
      page.click("main form button[type=submit]"),
    ]);
    status = answer ? answer.status() : status;
  }
  return { page, status };
}

run(async ({ base, out_dir, shots_dir, sign_in, pages }) => {
  const browser = await launch();
  const contexts = {};
  for (const js of [true, false]) {
    for (const signed of [false, true]) {
      // bypassCSP: axe is injected as an inline script, which the pages' CSP rightly refuses.
      const context = await browser.newContext({ javaScriptEnabled: js, bypassCSP: true, viewport: { width: 1280, height: 900 } });
      if (signed && sign_in) { await signIn(context, base, sign_in); }
      contexts[`${js}-${signed}`] = context;
    }
  }
  for (const signed of [false, true]) {
    // A phone-sized window from the start, for the 320 px reflow check (WCAG 1.4.10).
    const narrow = await browser.newContext({ viewport: { width: 320, height: 640 } });
    if (signed && sign_in) { await signIn(narrow, base, sign_in); }
    contexts[`narrow-${signed}`] = narrow;
  }
  const report = [];
  for (const spec of pages) {
    const signed = Boolean(spec.signed_in);
    const withJs = await visit(contexts[`true-${signed}`], base, spec);
    const entry = { name: spec.name, status: withJs.status, url: withJs.page.url() };
    entry.title = await withJs.page.title();
    entry.axe = await axe(withJs.page);
    entry.h1 = await withJs.page.locator("h1").allTextContents();
    entry.error_links = await withJs.page.$$eval(".govuk-error-summary a", (as) =>
      as.map((a) => ({ text: a.textContent.trim(), target: a.getAttribute("href"),
                       exists: Boolean(document.querySelector(a.getAttribute("href"))) })));
    if (spec.screenshot && shots_dir) {
      for (const width of [1280, 375]) {
        await withJs.page.setViewportSize({ width, height: 900 });
        await withJs.page.screenshot({ path: join(shots_dir, `${spec.name}-${width}.png`), fullPage: true });
      }
      // A fresh load at 320 px: measured after a full-page screenshot, Chromium keeps
      // the wider layout's scroll width.
      const narrow = await contexts[`narrow-${signed}`].newPage();
      await narrow.goto(withJs.page.url());
      entry.overflow_320 = await narrow.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      entry.wide_320 = await narrow.evaluate(() => [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`).slice(0, 5));
      await narrow.close();
    }
    await withJs.page.close();
    const noJs = await visit(contexts[`false-${signed}`], base, spec);
    entry.nojs_status = noJs.status;
    const html = join(out_dir, `${spec.name}.html`);
    writeFileSync(html, await noJs.page.content());
    entry.html = html;
    await noJs.page.close();
    report.push(entry);
  }
  await browser.close();
  return report;
});
