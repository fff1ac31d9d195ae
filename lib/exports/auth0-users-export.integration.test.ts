import { text } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { createManagementClient } from "@/lib/auth0/management-client";
import { db } from "@/lib/db/client";
import { readAccessLog } from "@/lib/ledger/read-access-log";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { openAuth0UsersExportFile, refreshAuth0UsersExport, startAuth0UsersExport } from "./auth0-users-export";
import { adminActor } from "@/test/actors";

const admin = adminActor("auth0|auth0-export-admin");

let tenant: TestTenant;
let mgmt: ManagementClient;
let auth0: Auth0Gateway;

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "read:connections"],
    exportJobDelayMs: 50,
  });
  mgmt = createManagementClient(tenant.credentials);
  auth0 = createAuth0Gateway(tenant.credentials);
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
    const progress = await refreshAuth0UsersExport(jobId, auth0);
    if (progress.job.status === "completed") return progress;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the export did not complete");
}

describe("Auth0 users export", () => {
  it("starts a job on the database connection, follows it, and downloads the CSV gunzipped", async () => {
    const job = await startAuth0UsersExport({ format: "csv" }, admin, auth0);
    expect(job).toMatchObject({ dataset: "auth0_users", format: "csv", status: "pending" });
    expect(job.auth0JobId).toMatch(/^job_/);
    const progress = await waitUntilCompleted(job.id);
    expect(progress.job.finishedAt).not.toBeNull();
    // The page says how many people the file holds: one per Auth0 user on the connection.
    const users = (await tenant.api<unknown[]>("GET", "/api/v2/users?per_page=100")).body.length;
    expect(progress.job).toMatchObject({ rowsWritten: users, totalRows: users });

    const file = await openAuth0UsersExportFile({ jobId: job.id }, admin, auth0);
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    const csv = await text(file.stream);
    const [header, row] = csv.trimEnd().split("\n");
    expect(header).toBe("user_id,email,name,created_at,updated_at,consent,deleted");
    expect(row).toContain(`"'exported.person@example.com"`); // Auth0 escapes CSV cells itself
    expect(row).toContain("text_details");

    const gz = await openAuth0UsersExportFile({ jobId: job.id, compressed: true }, admin, auth0);
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
    // A second person, whose consent text holds a line break: still one row each.
    await mgmt.users.create({
      connection: "Username-Password-Authentication",
      email: "two.lines@example.com",
      password: "Str0ng-enough-pass",
      user_metadata: { consent: { given: true, date: "01/23/2018", text_details: "line one\nline two" } },
    });
    const people = (await tenant.api<unknown[]>("GET", "/api/v2/users?per_page=100")).body.length;
    for (const format of ["csv", "ndjson"] as const) {
      const counted = await waitUntilCompleted((await startAuth0UsersExport({ format }, admin, auth0)).id);
      expect([format, counted.job.rowsWritten]).toEqual([format, people]);
    }
    const job = await startAuth0UsersExport({ format: "ndjson" }, admin, auth0);
    await waitUntilCompleted(job.id);
    const file = await openAuth0UsersExportFile({ jobId: job.id }, admin, auth0);
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
      const slowAuth0 = createAuth0Gateway(slow.credentials);
      const job = await startAuth0UsersExport({ format: "csv" }, admin, slowAuth0);
      expect((await refreshAuth0UsersExport(job.id, slowAuth0)).job.status).toBe("pending");
      await expect(openAuth0UsersExportFile({ jobId: job.id }, admin, slowAuth0)).rejects.toMatchObject({
        code: "conflict",
      });
    } finally {
      await slow.close();
    }
  });

  it("records and logs the request before asking Auth0: a job Auth0 refuses is marked failed", async () => {
    // The connection can be read, but starting an export needs a scope this client lacks.
    const limited = await startPortalTenant({ scopes: ["read:connections"] });
    try {
      await expect(
        startAuth0UsersExport({ format: "csv" }, admin, createAuth0Gateway(limited.credentials)),
      ).rejects.toThrow();
      const failed = await db().exportJob.findFirst({
        where: { createdBy: admin.id, dataset: "auth0_users" },
        orderBy: { createdAt: "desc" },
      });
      expect(failed).toMatchObject({ status: "failed", auth0JobId: null, error: "Auth0 could not start the export." });
      const { entries } = await readAccessLog({ actorId: admin.id, action: "report.export" });
      expect(entries[0]?.detail).toMatchObject({ mode: "job", jobId: failed!.id });
    } finally {
      await limited.close();
    }
  });

  it("says so when Auth0 cannot be reached, without passing its error on", async () => {
    const unreachable = createAuth0Gateway({
      domain: "http://localhost:1",
      clientId: "x",
      clientSecret: "y",
      retry: { maxAttempts: 1 },
    });
    await expect(startAuth0UsersExport({ format: "csv" }, admin, unreachable)).rejects.toMatchObject({
      code: "upstream_unavailable",
    });
  });
});
