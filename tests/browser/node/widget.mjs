// Load a partner page with the widget and report what a visitor would get.
// argv[2]: {"url": ..., "javascript": true, "postcode": "LS1 4DY" | null}
import { launch, axe, run } from "./browser.mjs";

const HOST = "[data-volunteering-widget]";

async function widgetState(page) {
  return page.evaluate((hostSel) => {
    const host = document.querySelector(hostSel);
    const root = host && host.shadowRoot;
    if (!root) {
      const link = host && host.querySelector("a");
      return { shadow: false, fallback: link ? { text: link.textContent.trim(), href: link.href } : null };
    }
    const status = root.querySelector("[role=status]");
    const links = [...root.querySelectorAll("ol a")];
    const first = links[0];
    const style = first ? getComputedStyle(first) : null;
    return {
      shadow: true,
      state: status.getAttribute("data-state"),
      status: status.textContent,
      results: links.map((a) => ({ title: a.textContent, href: a.href })),
      more: root.querySelector("a.more").href,
      link_style: style && { color: style.color, display: style.display, font_size: style.fontSize },
      lightdom_links: host.querySelectorAll("a").length,
    };
  }, HOST);
}

async function settled(page) {
  await page.waitForFunction((hostSel) => {
    const root = document.querySelector(hostSel)?.shadowRoot;
    const state = root?.querySelector("[role=status]")?.getAttribute("data-state");
    return state === "results" || state === "error";
  }, HOST, { timeout: 15000 });
}

run(async ({ url, javascript = true, postcode = null }) => {
  const browser = await launch();
  const context = await browser.newContext({ javaScriptEnabled: javascript });
  const page = await context.newPage();
  const api = [];
  page.on("response", (r) => { if (r.url().includes("/api/v1/search")) api.push({ url: r.url(), status: r.status() }); });
  page.on("requestfailed", (r) => { if (r.url().includes("/api/v1/search")) api.push({ url: r.url(), failed: r.failure()?.errorText }); });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  const answer = { page_errors: errors, api };
  if (!javascript) {
    answer.first = await widgetState(page);
    await browser.close();
    return answer;
  }
  await settled(page);
  answer.first = await widgetState(page);
  answer.axe = await axe(page);
  if (postcode !== null) {
    // Keyboard only: Tab into the postcode field, type, Enter submits the form.
    const field = page.locator(`${HOST} input[name=postcode]`);
    for (let i = 0; i < 10 && !(await field.evaluate((f) => f.getRootNode().activeElement === f)); i++) {
      await page.keyboard.press("Tab");
    }
    answer.focused_by_tab = await field.evaluate((f) => f.getRootNode().activeElement === f);
    await page.keyboard.press("Control+A");
    await page.keyboard.type(postcode);
    await page.evaluate((hostSel) => {
      document.querySelector(hostSel).shadowRoot.querySelector("[role=status]").setAttribute("data-state", "typed");
    }, HOST);
    await page.keyboard.press("Enter");
    await settled(page);
    answer.second = await widgetState(page);
    answer.axe_after = await axe(page);
  }
  await browser.close();
  return answer;
});
