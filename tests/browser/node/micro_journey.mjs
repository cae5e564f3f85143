// A micro-task is posted -> offered -> accepted, with the keyboard only, JavaScript on or off.
// An organisation member signs in and posts the task with the form; then a volunteer, in a
// second browser context (another person's browser), signs in, finds it among the tasks
// offered to them and accepts it. Every step is reached by Tab and done by typing or Enter.
// argv[2]: {"base", "javascript", "org", "member": {"email","password"},
//           "volunteer": {"email","password"}, "task": {"title","postcode","date","time"}}
import { launch, run } from "./browser.mjs";
import { enter, tabTo, typeInto } from "./keyboard.mjs";

function watch(page, problems) {
  page.on("console", (m) => { if (m.type() === "error") { problems.push(m.text()); } });
  page.on("response", (r) => { if (r.status() >= 400) { problems.push(`${r.status()} ${r.url()}`); } });
}

async function signIn(page, base, next, who, steps) {
  await page.goto(`${base}/sign-in?next=${encodeURIComponent(next)}`);
  await typeInto(page, "#email", who.email, steps);
  await typeInto(page, "#password", who.password, steps);
  await enter(page, "main form button[type=submit]", steps);
}

async function postTask(context, base, org, member, task, steps, problems) {
  const page = await context.newPage();
  watch(page, problems);
  await signIn(page, base, `/manage/${org}/microtasks/new`, member, steps);
  await tabTo(page, "#task_type", steps);
  await page.keyboard.type("Shopping");                  // a select picks by typed letters
  await typeInto(page, "#title", task.title, steps);
  await typeInto(page, "#description", "A short list from the Co-op.", steps);
  await typeInto(page, "#postcode", task.postcode, steps); // "In person" is already chosen
  await typeInto(page, "#date", task.date, steps);
  await typeInto(page, "#time", task.time, steps);
  await enter(page, "main form button[type=submit]", steps);
  const errors = await page.locator(".govuk-error-summary").allTextContents();
  if (errors.length) { throw new Error(`posting failed: ${errors.join(" ")}`); }
  const url = new URL(page.url());
  const posted = {
    url: url.pathname,
    task_id: url.pathname.split("/").pop(),
    banner: await page.locator(".govuk-notification-banner__heading, .govuk-notification-banner__content").first().textContent(),
  };
  await page.close();
  return posted;
}

async function acceptTask(context, base, taskId, volunteer, steps, problems) {
  const page = await context.newPage();
  watch(page, problems);
  await signIn(page, base, "/microtasks/offers", volunteer, steps);
  const offers = await page.locator("main").textContent();
  await enter(page, `form[action="/microtasks/${taskId}/accept"] button`, steps);
  const accepted = {
    url: page.url(),
    banner: await page.locator(".govuk-notification-banner__heading, .govuk-notification-banner__content").first().textContent(),
    status: await page.locator(".govuk-summary-list").first().textContent(),
  };
  await page.close();
  return { offers, accepted };
}

run(async ({ base, javascript, org, member, volunteer, task }) => {
  const browser = await launch();
  const steps = [];
  const problems = [];
  const coordinator = await browser.newContext({ javaScriptEnabled: javascript });
  const posted = await postTask(coordinator, base, org, member, task, steps, problems);
  const person = await browser.newContext({ javaScriptEnabled: javascript });
  const { offers, accepted } = await acceptTask(person, base, posted.task_id, volunteer, steps, problems);
  await browser.close();
  return { steps, posted, offers, accepted, console_errors: problems };
});
