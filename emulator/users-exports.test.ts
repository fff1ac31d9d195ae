// POST /api/v2/jobs/users-exports → GET /api/v2/jobs/{id} (pending → completed) → download
// the gzipped file from `location`.
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DATABASE_CONNECTION } from "./store.js";
import { startTestTenant, type TestTenant } from "../test/emulator.js";
import { csvCell, valueAtExportPath } from "./users-exports.js";

interface Job {
  id: string;
  type: string;
  status: string;
  format: string;
  connection_id: string;
  connection: string;
  location?: string;
  limit?: number;
  fields?: Array<{ name: string; export_as?: string }>;
}

let tenant: TestTenant;

async function connectionId(): Promise<string> {
  const response = await tenant.api<Array<{ id: string }>>("GET", `/api/v2/connections?name=${DATABASE_CONNECTION}`);
  return response.body[0]?.id ?? "";
}

/** Polls GET /jobs/{id} until it is completed; bounded, so a stuck job fails the test. */
async function waitForCompletion(id: string): Promise<Job> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await tenant.api<Job>("GET", `/api/v2/jobs/${id}`);
    expect(response.status).toBe(200);
    if (response.body.status === "completed" || response.body.status === "failed") return response.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} did not complete after 100 polls`);
}

async function download(location: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(location);
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    text: response.status === 200 ? gunzipSync(bytes).toString("utf8") : bytes.toString(),
  };
}

describe("users-exports jobs", () => {
  beforeEach(async () => {
    tenant = await startTestTenant({ exportJobDelayMs: 20 });
    await tenant.createUser("ada@example.com", {
      name: 'Ada "The Countess" Lovelace',
      user_metadata: { consent: { given: true, date: "01/23/2018" }, country: "UK" },
    });
    await tenant.createUser("grace@example.com", { name: "=cmd|' /C calc'!A0" });
    await tenant.createUser("alan@example.com");
  });
  afterEach(async () => {
    vi.useRealTimers();
    await tenant.close();
  });

  it("exports CSV with named fields, export_as and limit; pending first, then a gzipped file at location", async () => {
    const created = await tenant.api<Job>("POST", "/api/v2/jobs/users-exports", {
      body: {
        connection_id: await connectionId(),
        format: "csv",
        limit: 2,
        fields: [
          { name: "email" },
          { name: "name" },
          { name: "identities[0].connection", export_as: "provider" },
          { name: "user_metadata.country" },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: "users_export",
      status: "pending",
      format: "csv",
      limit: 2,
      connection: DATABASE_CONNECTION,
    });
    expect(created.body.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(created.body).not.toHaveProperty("location");

    const job = await waitForCompletion(created.body.id);
    expect(job.status).toBe("completed");
    expect(job.location).toMatch(/\/exports\/job_[A-Za-z0-9]{16}\/emulator\.csv\.gz\?Expires=\d+&Signature=/);

    const file = await download(String(job.location));
    expect(file.status).toBe(200);
    expect(file.type).toBe("application/gzip");
    // Auth0's CSV-injection escaping: quotes doubled, a leading ', wrapped in double quotes.
    expect(file.text.split("\n")).toEqual([
      "email,name,provider,user_metadata.country",
      `"'ada@example.com","'Ada ""The Countess"" Lovelace","'${DATABASE_CONNECTION}","'UK"`,
      `"'grace@example.com","'=cmd|' /C calc'!A0","'${DATABASE_CONNECTION}",`,
      "",
    ]);
  });

  it("exports NDJSON with whole root properties when asked for json", async () => {
    const created = await tenant.api<Job>("POST", "/api/v2/jobs/users-exports", {
      body: { format: "json", fields: [{ name: "email" }, { name: "user_metadata" }] },
    });
    expect(created.status).toBe(201);
    const job = await waitForCompletion(created.body.id);
    expect(job.location).toMatch(/emulator\.json\.gz/);
    const lines = (await download(String(job.location))).text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { email: "ada@example.com", user_metadata: { consent: { given: true, date: "01/23/2018" }, country: "UK" } },
      { email: "grace@example.com" },
      { email: "alan@example.com" },
    ]);
  });

  it("exports the whole profile as NDJSON without fields, and a default CSV field set without them", async () => {
    const json = await waitForCompletion(
      (await tenant.api<Job>("POST", "/api/v2/jobs/users-exports", { body: { format: "json" } })).body.id,
    );
    const first = JSON.parse((await download(String(json.location))).text.split("\n")[0] ?? "{}") as Record<
      string,
      unknown
    >;
    expect(first).toMatchObject({ email: "ada@example.com", identities: [{ connection: DATABASE_CONNECTION }] });
    expect(first).not.toHaveProperty("password_hash");

    const csv = await waitForCompletion(
      (await tenant.api<Job>("POST", "/api/v2/jobs/users-exports", { body: {} })).body.id,
    );
    expect((await download(String(csv.location))).text.split("\n")[0]).toBe(
      "user_id,email,email_verified,name,nickname,created_at,updated_at",
    );
  });

  it("works through the SDK: jobs.usersExports.create and jobs.get", async () => {
    const management = tenant.managementClient();
    const created = await management.jobs.usersExports.create({ format: "json", fields: [{ name: "email" }] });
    expect(created.status).toBe("pending");
    let job = await management.jobs.get(created.id);
    for (let attempt = 0; attempt < 100 && job.status !== "completed"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      job = await management.jobs.get(created.id);
    }
    expect(job.status).toBe("completed");
    expect((await download(String(job.location))).text).toContain('{"email":"grace@example.com"}');
  });

  it("refuses a tampered or expired download link", async () => {
    const job = await waitForCompletion(
      (await tenant.api<Job>("POST", "/api/v2/jobs/users-exports", { body: { format: "json" } })).body.id,
    );
    const tampered = String(job.location).replace(/Signature=[^&]+/, "Signature=forged");
    expect((await download(tampered)).status).toBe(403);
    // The link is valid for 60 seconds, as Auth0's; GET /jobs/{id} again for a fresh one.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    const expired = await download(String(job.location));
    expect(expired.status).toBe(403);
    expect(expired.text).toMatch(/expired/);
    const fresh = await tenant.api<Job>("GET", `/api/v2/jobs/${job.id}`);
    expect((await download(String(fresh.body.location))).status).toBe(200);
  });

  it("rejects bad requests with Auth0's errors", async () => {
    const post = (body: unknown) => tenant.api("POST", "/api/v2/jobs/users-exports", { body });
    expect((await post({ format: "xml" })).body).toMatchObject({
      statusCode: 400,
      errorCode: "invalid_body",
      message: expect.stringMatching(/No enum match/) as unknown,
    });
    expect((await post({ limit: 0 })).body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/limit/) as unknown,
    });
    expect((await post({ connection_id: "con_short" })).body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/connection_id/) as unknown,
    });
    expect((await post({ connection_id: "con_0000000000000000" })).body).toMatchObject({
      statusCode: 404,
      errorCode: "inexistent_connection",
    });
    const thirtyOne = Array.from({ length: 31 }, (_, index) => ({ name: `user_metadata.f${index}` }));
    expect((await post({ format: "csv", fields: thirtyOne })).status).toBe(400);
    expect((await post({ format: "csv", fields: [{ name: "user_metadata" }] })).body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/cannot be exported whole in CSV/) as unknown,
    });
    expect((await post({ format: "json", fields: [{ label: "email" }] })).status).toBe(400);
    expect((await tenant.api("GET", "/api/v2/jobs/not-a-job")).body).toMatchObject({
      statusCode: 400,
      errorCode: "invalid_uri",
    });
    expect((await tenant.api("GET", "/api/v2/jobs/job_0000000000000000")).body).toMatchObject({
      statusCode: 404,
      errorCode: "inexistent_job",
    });
    expect((await tenant.api("POST", "/api/v2/jobs/users-imports", { body: {} })).status).toBe(404);
  });
});

describe("export helpers", () => {
  it("resolves array indexes and nested paths", () => {
    const record = { identities: [{ connection: "db" }], user_metadata: { a: { b: 1 } } };
    expect(valueAtExportPath(record, "identities[0].connection")).toBe("db");
    expect(valueAtExportPath(record, "identities[1].connection")).toBeUndefined();
    expect(valueAtExportPath(record, "user_metadata.a.b")).toBe(1);
    expect(valueAtExportPath(record, "user_metadata.missing.b")).toBeUndefined();
  });

  it("escapes strings for CSV and leaves other types raw", () => {
    expect(csvCell('say "hi"')).toBe(`"'say ""hi"""`);
    expect(csvCell(3)).toBe("3");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell({ a: 1 })).toBe(`"'{""a"":1}"`);
  });
});
