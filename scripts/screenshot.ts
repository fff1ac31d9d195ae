// Refreshes the README screenshot: `npm start` in one terminal, then `npm run screenshot`.
import { chromium } from "@playwright/test";

const base = process.env.APP_BASE_URL ?? "http://localhost:3000";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
await page.goto(base);
await page.getByRole("link", { name: "Sign in to continue" }).click();
await page.getByLabel("Email address").fill("admin@demo.test");
await page.getByLabel("Password").fill("demo-password");
await page.getByRole("button", { name: "Continue" }).click();
await page.getByTestId("viewer-role").waitFor();
await page.screenshot({ path: "docs/screenshot-home.png" });
await browser.close();
console.log("Wrote docs/screenshot-home.png");
