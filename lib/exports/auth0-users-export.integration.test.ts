import { text } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAccessLog } from "@/lib/ledger/read-access-log";
import { createManagementClient } from "@/lib/mgmt/management-client";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { openAuth0UsersExportFile, refreshAuth0UsersExport, startAuth0UsersExport } from "./auth0-users-export";
import type { ExportActor } from "./start-ledger-download";

const admin: ExportActor = { id: "auth0|auth0-export-admin", role: "admin" };

let tenant: TestTenant;
let mgmt: ManagementClient;

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "read:connections"],
    exportJobDelayMs: 50,
  });
  mgmt = createManagementClient(tenant.credentials);
  await mgmt.users.create({
    connection: "Username-Password-Authentication",
    email: "exported.person@example.com",
    password: "Str0ng-enough-pass",
    user_metadata: { consent: { given: true, date: "01/23/2018", text_details: "some-url" } },
  });
});

afterAll(async () => {
  await tenant?.close();
});

async function waitUntilCompleted(jobId: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const progress = await refreshAuth0UsersExport(jobId, mgmt);
    if (progress.job.status === "completed") return progress;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the export did not complete");
}

describe("Auth0 users export", () => {
  it("starts a job on the database connection, follows it, and downloads the CSV gunzipped", async () => {
    const job = await startAuth0UsersExport({ request: { format: "csv" }, actor: admin, mgmt });
    expect(job).toMatchObject({ dataset: "auth0_users", format: "csv", status: "pending" });
    expect(job.auth0JobId).toMatch(/^job_/);
    const progress = await waitUntilCompleted(job.id);
    expect(progress.job.finishedAt).not.toBeNull();

    const file = await openAuth0UsersExportFile({ jobId: job.id, actor: admin, mgmt });
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    const csv = await text(file.stream);
    const [header, row] = csv.trimEnd().split("\n");
    expect(header).toBe("user_id,email,name,created_at,updated_at,consent,deleted");
    expect(row).toContain(`"'exported.person@example.com"`); // Auth0 escapes CSV cells itself
    expect(row).toContain("text_details");

    const gz = await openAuth0UsersExportFile({ jobId: job.id, actor: admin, mgmt, compressed: true });
    expect(gz.contentType).toBe("application/gzip");
    expect(gz.filename).toMatch(/\.csv\.gz$/);
    expect(gunzipSync(Buffer.concat(await gz.stream.toArray())).toString()).toBe(csv);

    const { entries } = await readAccessLog({ actorId: admin.id, action: "report.export" });
    expect(entries.map((entry) => (entry.detail as { mode: string }).mode)).toEqual([
      "job-download",
      "job-download",
      "job",
    ]);
  });

  it("exports NDJSON with the consent projection as an object", async () => {
    const job = await startAuth0UsersExport({ request: { format: "ndjson" }, actor: admin, mgmt });
    await waitUntilCompleted(job.id);
    const file = await openAuth0UsersExportFile({ jobId: job.id, actor: admin, mgmt });
    expect(file.contentType).toBe("application/x-ndjson; charset=utf-8");
    const users = (await text(file.stream))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { email: string; consent?: { given: boolean } });
    expect(users.find((user) => user.email === "exported.person@example.com")?.consent?.given).toBe(true);
  });

  it("refuses to download a job Auth0 has not finished", async () => {
    const slow = await startPortalTenant({ scopes: ["read:users", "read:connections"], exportJobDelayMs: 60_000 });
    try {
      const slowMgmt = createManagementClient(slow.credentials);
      const job = await startAuth0UsersExport({ request: { format: "csv" }, actor: admin, mgmt: slowMgmt });
      expect((await refreshAuth0UsersExport(job.id, slowMgmt)).job.status).toBe("pending");
      await expect(openAuth0UsersExportFile({ jobId: job.id, actor: admin, mgmt: slowMgmt })).rejects.toMatchObject({
        code: "conflict",
      });
    } finally {
      await slow.close();
    }
  });

  it("says so when Auth0 cannot be reached, without passing its error on", async () => {
    const unreachable = createManagementClient({
      domain: "http://localhost:1",
      clientId: "x",
      clientSecret: "y",
      retry: { maxAttempts: 1 },
    });
    await expect(
      startAuth0UsersExport({ request: { format: "csv" }, actor: admin, mgmt: unreachable }),
    ).rejects.toMatchObject({ code: "upstream_unavailable" });
  });
});
