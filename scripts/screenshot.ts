// Refreshes the README screenshots from the demo data: `npm start` (a first start, which
// generates the demo history) in one terminal, then `npm run screenshot`.
import { chromium, type Browser, type Page } from "@playwright/test";

const base = process.env.APP_BASE_URL ?? "http://localhost:3000";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  await page.goto(base);
  await page.getByRole("link", { name: "Sign in to continue" }).click();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("viewer-role").waitFor();
  return page;
}

const shots: Array<{ file: string; email: string; path: string; ready: (page: Page) => Promise<void> }> = [
  {
    file: "docs/screenshot-home.png",
    email: "user@demo.test",
    path: "/",
    ready: (page) => page.getByTestId("viewer-role").waitFor(),
  },
  {
    file: "docs/screenshot-dashboard.png",
    email: "admin@demo.test",
    path: "/admin",
    ready: (page) => page.locator("[data-testid=consent-rate] svg .recharts-line-dot").first().waitFor(),
  },
  {
    file: "docs/screenshot-compliance.png",
    email: "compliance@demo.test",
    path: "/compliance?purpose=marketing-email&status=withdrawn",
    ready: (page) => page.getByRole("table").first().waitFor(),
  },
];

for (const shot of shots) {
  const page = await signedIn(browser, shot.email);
  await page.goto(`${base}${shot.path}`);
  await shot.ready(page);
  await page.screenshot({ path: shot.file, fullPage: shot.path !== "/" });
  console.log(`Wrote ${shot.file}`);
  await page.close();
}
await browser.close();
