// Keyboard-only steps for the journeys: every control is reached with Tab and used with
// typing, Space or Enter, as someone without a mouse would. `steps` records what happened.

// Enough for the longest page (the role form: about 170 checkboxes, folded until opened).
const MAX_TABS = 400;

// Tab until the element matching `selector` (and with `text`, if given) has focus.
export async function tabTo(page, selector, steps, text = null) {
  for (let i = 0; i < MAX_TABS; i++) {
    const focused = await page.evaluate(([sel, txt]) => {
      const el = document.activeElement;
      return Boolean(el?.matches(sel) && (txt === null || el.textContent.trim() === txt));
    }, [selector, text]);
    if (focused) {
      steps.push(`focus ${selector} after ${i} tabs`);
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`${selector} not reachable with Tab on ${page.url()}`);
}

export async function typeInto(page, selector, text, steps) {
  await tabTo(page, selector, steps);
  await page.keyboard.type(text);
}

export async function tick(page, selector, steps) {
  await tabTo(page, selector, steps);
  await page.keyboard.press("Space");
}

// Enter on a link or button that loads another page; waits for it.
export async function enter(page, selector, steps, text = null) {
  await tabTo(page, selector, steps, text);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  steps.push(`-> ${new URL(page.url()).pathname}`);
}
