// A volunteer's journey with the keyboard only: search -> role -> register -> confirm the
// email -> sign in -> apply, with JavaScript on or off. Every step is reached by Tab and
// done by typing, Space or Enter; only following the emailed link is a plain navigation
// (in a second tab, as from an email client).
// argv[2]: {"base", "javascript", "email", "password", "name", "postcode", "role_title"}
import { launch, run } from "./browser.mjs";
import { enter, tabTo, typeInto } from "./keyboard.mjs";

async function verificationLink(page, base, email) {
  for (let i = 0; i < 100; i++) {
    const mail = await (await page.request.get(base + "/dev/mail.json")).json();
    const found = mail.reverse().find((m) => m.to === email && m.text.includes("token="));
    if (found) { return found.text.match(/https?:\/\/\S+token=[\w-]+/)[0]; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no verification email");
}

run(async ({ base, javascript, email, password, name, postcode, role_title }) => {
  const browser = await launch();
  const context = await browser.newContext({ javaScriptEnabled: javascript });
  const page = await context.newPage();
  const steps = [];
  const csp = [];
  page.on("console", (m) => { if (m.type() === "error") { csp.push(m.text()); } });
  page.on("response", (r) => { if (r.status() >= 400) { csp.push(`${r.status()} ${r.url()}`); } });
  await page.goto(base + "/");
  await typeInto(page, "#postcode", postcode, steps);
  await enter(page, "main form button[type=submit]", steps);
  const results = await page.locator("#results li h3").allTextContents();
  await enter(page, "#results a", steps, role_title);
  const role = { h1: await page.locator("h1").textContent(), url: page.url() };
  await enter(page, "main a.govuk-button--start", steps);          // -> sign in first
  await enter(page, 'main a[href^="/register"]', steps);          // no account yet
  await typeInto(page, "#name", name, steps);
  await typeInto(page, "#email", email, steps);
  await typeInto(page, "#password", password, steps);
  await tabTo(page, "#account_type", steps);
  await page.keyboard.press("Space");                             // "I want to volunteer"
  await enter(page, "main form button[type=submit]", steps);
  const checkEmail = await page.locator("h1").textContent();
  const link = await verificationLink(page, base, email);
  const mailTab = await context.newPage();                        // the email client
  await mailTab.goto(link);
  const verified = await mailTab.locator("h1").textContent();
  await mailTab.close();
  await enter(page, 'main a[href^="/sign-in"]', steps);
  await typeInto(page, "#email", email, steps);
  await typeInto(page, "#password", password, steps);
  await enter(page, "main form button[type=submit]", steps);      // -> back to applying
  const applyH1 = await page.locator("h1").textContent();
  await typeInto(page, "#message", "I can help on Monday mornings.", steps);
  await enter(page, "main form button[type=submit]", steps);
  const done = {
    panel: await page.locator(".govuk-panel__title").textContent(),
    roles: await page.locator(".govuk-summary-card__title").allTextContents(),
    url: page.url(),
  };
  await browser.close();
  return { steps, results, role, checkEmail, verified, applyH1, done, console_errors: csp };
});
