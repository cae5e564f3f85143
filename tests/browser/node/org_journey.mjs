// An organisation's journey with the keyboard only, with JavaScript on or off: sign in ->
// register the organisation -> post a role -> preview -> publish -> find it in search ->
// (a volunteer applies, through the API) -> the inbox -> accept the application.
// Every page step is reached by Tab and done by typing, Space or Enter; waiting for the
// search index and the volunteer's application are API calls, as another person's would be.
// argv[2]: {"base", "javascript", "email", "password", "org_name", "role_title", "postcode",
//           "volunteer_token"}
import { request } from "playwright-core";
import { launch, run } from "./browser.mjs";
import { enter, tabTo, tick, typeInto } from "./keyboard.mjs";

// Open a folded list (a details element) from the keyboard.
async function unfold(page, name, steps) {
  await tabTo(page, `#${name}-details > summary`, steps);
  await page.keyboard.press("Enter");
}

async function poll(what, check) {
  for (let i = 0; i < 300; i++) {
    const found = await check();
    if (found) { return found; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function postRole(page, role_title, postcode, steps) {
  await typeInto(page, "#title", role_title, steps);
  await typeInto(page, "#summary", "Collect and deliver food parcels.", steps);
  await typeInto(page, "#description", "Drive our van to collect food from shops.", steps);
  await tick(page, "#commitment", steps);                              // One-off
  await tick(page, 'input[name=sessions][value=SaturdayMorning]', steps);
  await typeInto(page, "#postcodes", postcode, steps);
  await typeInto(page, "#minimum_age", "18", steps);
  await typeInto(page, "#places", "2", steps);
  const next = new Date().getFullYear() + 1;
  await typeInto(page, "#closes_on-day", "30", steps);
  await typeInto(page, "#closes_on-month", "6", steps);
  await typeInto(page, "#closes_on-year", String(next), steps);
  await unfold(page, "causes", steps);
  await tick(page, 'input[name=causes][value=AntiPoverty]', steps);
  await unfold(page, "requirements", steps);
  await tick(page, 'input[name=requirements][value=VanOrPeopleCarrier]', steps);
  await enter(page, "main form button[type=submit]", steps, "Save and preview");
}

async function searchFor(page, base, postcode, roleId, steps) {
  // The search index catches up within seconds; wait as a person would, then search.
  await poll("the search index", async () => {
    const found = await (await page.request.get(
      `${base}/api/v1/search?postcode=${encodeURIComponent(postcode)}&radius_km=5`)).json();
    return found.results.some((r) => r.id === roleId);
  });
  await enter(page, 'a[href="/search"]', steps);
  await typeInto(page, "#postcode", postcode, steps);
  await enter(page, "main form button[type=submit]", steps, "Search");
  return page.locator("#results li h3").allTextContents();
}

async function volunteerApplies(base, token, roleId) {
  const api = await request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const body = { opportunity_id: roleId, message: "I have a clean driving licence." };
  const id = await poll("the application", async () => {
    const answer = await api.post(`${base}/api/v1/applications`, { data: body });
    return answer.status() === 201 ? (await answer.json()).id : null;
  });
  await api.dispose();
  return id;
}

run(async ({ base, javascript, email, password, org_name, role_title, postcode,
             volunteer_token }) => {
  const browser = await launch();
  const context = await browser.newContext({ javaScriptEnabled: javascript });
  const page = await context.newPage();
  const steps = [];
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });
  page.on("response", (r) => { if (r.status() >= 400) { errors.push(`${r.status()} ${r.url()}`); } });
  await page.goto(base + "/sign-in");
  await typeInto(page, "#email", email, steps);
  await typeInto(page, "#password", password, steps);
  await enter(page, "main form button[type=submit]", steps);
  await enter(page, 'a[href="/manage"]', steps);                       // "Your organisation"
  const manageEmpty = await page.locator("main p.govuk-body").first().textContent();
  await enter(page, 'main a[href="/manage/organisations/new"]', steps);
  await typeInto(page, "#name", org_name, steps);
  await tick(page, "#type", steps);                                    // Registered charity
  await typeInto(page, "#postcode", postcode, steps);
  await enter(page, "main form button[type=submit]", steps);
  const dashboard = { h1: await page.locator("h1").textContent(), url: page.url() };
  const orgId = new URL(page.url()).pathname.split("/")[2];
  await enter(page, 'main a[href$="/roles/new"]', steps);             // "Post a role"
  await postRole(page, role_title, postcode, steps);
  const roleId = new URL(page.url()).pathname.split("/")[4];
  const preview = {
    h1: await page.locator("h1").textContent(),
    tag: await page.locator("main .govuk-tag").first().textContent(),
  };
  await enter(page, "main form button[type=submit]", steps, "Publish");
  const published = await page.locator(".govuk-notification-banner__heading").textContent();
  const results = await searchFor(page, base, postcode, roleId, steps);
  const applicationId = await volunteerApplies(base, volunteer_token, roleId);
  await enter(page, 'a[href="/manage"]', steps);
  await enter(page, `main a[href="/manage/${orgId}"]`, steps);
  await enter(page, `main a[href="/manage/${orgId}/applications"]`, steps);
  const inbox = await page.locator(".govuk-summary-card").allTextContents();
  await enter(page, `main a[href="/manage/${orgId}/applications/${applicationId}"]`, steps);
  const message = await page.locator("main .app-message").allTextContents();
  await tick(page, "#decision", steps);                                // Accept
  await enter(page, "main form button[type=submit]", steps, "Send answer");
  const answered = await page.locator(".govuk-notification-banner__heading").textContent();
  await browser.close();
  return { steps, manageEmpty, dashboard, orgId, roleId, preview, published, results,
           applicationId, inbox, message, answered, console_errors: errors };
});
