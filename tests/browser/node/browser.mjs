// Shared launch settings: Chromium from Debian (no browser download), no network chatter.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.VMP_CHROMIUM || "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
}

// axe-core's source, injected into a page to check it (WCAG 2.2 AA rule tags).
export const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

export async function axe(page, include) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async ({ tags, include }) => {
    const result = await window.axe.run(include || document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  }, { tags: AXE_TAGS, include });
}

// Run `main(args)` with the JSON argument on argv[2]; print its JSON answer on stdout.
export async function run(main) {
  const args = JSON.parse(process.argv[2] || "{}");
  const answer = await main(args);
  process.stdout.write(JSON.stringify(answer));
}
