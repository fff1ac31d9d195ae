import { text } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { computeEventHash } from "@/lib/ledger/event-hash";
import { readAccessLog } from "@/lib/ledger/read-access-log";
import { createPurpose } from "@/lib/admin/create-purpose";
import { closeExportPool } from "./export-pool";
import { openExportJobFile } from "./open-export-job-file";
import { openLedgerExport } from "./open-ledger-export";
import { findStalledExportJobs, runLedgerExportJob } from "./run-ledger-export-job";
import type { ExportRequestInput } from "./schemas";
import { startLedgerDownload } from "./start-ledger-download";
import { purgeExpiredExportJobs, startLedgerExportJob } from "./start-ledger-export-job";
import { adminActor, PERSON, staffActor, systemActor } from "@/test/actors";
import { asOwner } from "@/test/owner-database";

// Small, so the "too large to download at once" path is reachable with a few rows.
process.env.EXPORT_DIRECT_MAX_ROWS = "8";

const admin = adminActor("auth0|export-admin");
let policies: { termsId: string; privacyId: string };
const subjects: string[] = [];

/** Parses RFC 4180 CSV (quoted cells with doubled quotes; no newlines inside cells in these fixtures). */
function parseCsv(csv: string): string[][] {
  return csv
    .trimEnd()
    .split("\n")
    .map((line) => {
      const cells: string[] = [];
      let index = 0;
      while (index <= line.length) {
        if (line[index] === '"') {
          let value = "";
          index += 1;
          while (index < line.length) {
            if (line[index] === '"' && line[index + 1] === '"') {
              value += '"';
              index += 2;
            } else if (line[index] === '"') {
              index += 1;
              break;
            } else {
              value += line[index];
              index += 1;
            }
          }
          cells.push(value);
          index += 1; // the comma
        } else {
          const end = line.indexOf(",", index);
          cells.push(line.slice(index, end === -1 ? line.length : end));
          index = end === -1 ? line.length + 1 : end + 1;
        }
      }
      return cells;
    });
}

async function download(request: ExportRequestInput): Promise<string> {
  const result = await startLedgerDownload(request, admin);
  if (result.kind !== "stream") throw new Error(`expected a download, got ${result.kind}`);
  return text(result.stream);
}

beforeAll(async () => {
  policies = await seedCatalog();
  await createPurpose(
    {
      key: "formula-test",
      title: '=HYPERLINK("http://evil.example","click")',
      description: "A purpose whose title a spreadsheet would run",
      policyKind: "privacy",
    },
    systemActor("test"),
  );
  for (let index = 0; index < 4; index += 1) {
    const subject = await newSubject("export");
    subjects.push(subject.id);
    await grantConsent(
      {
        subjectId: subject.id,
        purposes: index % 2 === 0 ? ["terms", "analytics", "formula-test"] : ["terms"],
        policyVersionIds: [policies.termsId, policies.privacyId],
        method: "signup",
      },
      PERSON,
    );
  }
  await withdrawConsent(
    {
      subjectId: subjects[0]!,
      purposes: ["analytics"],
      method: "staff",
      reason: "-1+1 asked by phone",
    },
    staffActor("auth0|staff"),
  );
});

afterAll(async () => {
  await closeExportPool();
});

describe("ledger exports", () => {
  it("exports current state as CSV, one row per person and purpose, with formulas neutralized", async () => {
    const rows = parseCsv(await download({ dataset: "consent_state", format: "csv" }));
    const [header, ...body] = rows;
    expect(header).toContain("subject_id");
    expect(header).not.toContain("email");
    expect(body).toHaveLength(4 + 2 + 2); // terms ×4, analytics ×2, formula-test ×2
    const titleColumn = header!.indexOf("purpose_title");
    const formulaRows = body.filter((row) => row[header!.indexOf("purpose")] === "formula-test");
    expect(formulaRows.map((row) => row[titleColumn])).toEqual([
      `'=HYPERLINK("http://evil.example","click")`,
      `'=HYPERLINK("http://evil.example","click")`,
    ]);
    for (const row of body) expect(row).toHaveLength(header!.length);
  });

  it("filters by purpose, state, version and date range", async () => {
    const withdrawn = parseCsv(
      await download({ dataset: "consent_state", format: "csv", purpose: "analytics", state: "withdrawn" }),
    );
    expect(withdrawn).toHaveLength(2);
    expect(withdrawn[1]![0]).toBe(subjects[0]);

    const terms = JSON.parse(
      await download({ dataset: "consent_state", format: "json", version: policies.termsId }),
    ) as { rows: Array<{ purpose: string }>; filters: Record<string, string> };
    expect(terms.filters).toEqual({ version: policies.termsId });
    expect(new Set(terms.rows.map((row) => row.purpose))).toEqual(new Set(["terms"]));

    const future = await download({ dataset: "consent_events", format: "ndjson", from: "2999-01-01" });
    expect(future).toBe("");
    const today = new Date().toISOString().slice(0, 10);
    const todays = await download({
      dataset: "consent_events",
      format: "ndjson",
      purpose: "analytics",
      from: today,
      to: today,
    });
    expect(todays.trimEnd().split("\n")).toHaveLength(3);
    // The widest range the database can compare with reaches PostgreSQL as it is.
    const all = await download({ dataset: "consent_events", format: "ndjson", purpose: "analytics" });
    const widest = await download({
      dataset: "consent_events",
      format: "ndjson",
      purpose: "analytics",
      from: "0001-01-01",
      to: "9999-12-31T23:59:59.999Z",
    });
    expect(widest).toBe(all);
  });

  it("exports events with every hashed column, so each hash can be recomputed from the file", async () => {
    const lines = (await download({ dataset: "consent_events", format: "ndjson", purpose: "analytics" }))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, string | number | null>);
    expect(lines).toHaveLength(3); // two grants, one staff withdrawal
    for (const row of lines) {
      expect(
        computeEventHash({
          id: row.event_id as string,
          subjectId: row.subject_id as string,
          seq: row.seq as number,
          hashVersion: row.hash_version as number,
          action: row.action as string,
          purposeId: row.purpose_id as string | null,
          purposeVersionId: row.purpose_version_id as string | null,
          purposeTextSha256: row.purpose_text_sha256 as string | null,
          policyVersionId: row.policy_version_id as string | null,
          policyTextSha256: row.policy_text_sha256 as string | null,
          method: row.method as string,
          actorType: row.actor_type as string,
          actorId: row.actor_id as string | null,
          actorReason: row.actor_reason as string | null,
          clientTime: row.client_time ? new Date(row.client_time as string) : null,
          serverTime: new Date(row.server_time as string),
          ipTruncated: row.ip_truncated as string | null,
          userAgentHash: row.user_agent_hash as string | null,
          idempotencyKey: row.idempotency_key as string,
          requestFingerprint: row.request_fingerprint as string,
          prevHash: row.prev_hash as string,
        }),
      ).toBe(row.hash);
    }
    // The staff reason is text a spreadsheet would run: neutralized in CSV, kept as is in NDJSON.
    expect(lines.find((row) => row.action === "withdrawn")?.actor_reason).toBe("-1+1 asked by phone");
    const csv = parseCsv(await download({ dataset: "consent_events", format: "csv", state: "withdrawn" }));
    expect(csv[1]![csv[0]!.indexOf("actor_reason")]).toBe("'-1+1 asked by phone");
  });

  it("writes every download to the access log, with the filters and the row count", async () => {
    await download({ dataset: "consent_state", format: "ndjson", purpose: "terms" });
    const { entries } = await readAccessLog({ actorId: admin.id, action: "report.export", limit: 1 });
    expect(entries[0]).toMatchObject({
      actorRole: "admin",
      subjectId: null,
      detail: { dataset: "consent_state", format: "ndjson", filters: { purpose: "terms" }, mode: "download", rows: 4 },
    });
  });

  it("refuses bad filters with the field and the reason", async () => {
    await expect(
      startLedgerDownload({ dataset: "consent_state", format: "csv", state: "erased" }, admin),
    ).rejects.toMatchObject({ code: "validation_failed", field: "state" });
    await expect(
      startLedgerDownload({ dataset: "consent_events", format: "csv", from: "2026-02-01", to: "2026-01-01" }, admin),
    ).rejects.toMatchObject({ field: "to" });
    // PostgreSQL has no year 0; an offset may also carry an instant out of year 1.
    for (const from of ["0000-01-01", "0001-01-01T00:30:00+01:00"]) {
      await expect(
        startLedgerDownload({ dataset: "consent_events", format: "csv", from }, admin),
      ).rejects.toMatchObject({
        code: "validation_failed",
        field: "from",
      });
    }
  });

  it("sends exports above the direct limit to a job, which stores the file gzipped and serves it back", async () => {
    const request = { dataset: "consent_events", format: "csv" } as const;
    const direct = await startLedgerDownload(request, admin);
    expect(direct).toEqual({ kind: "job_required", rows: 9 }); // 8 grants, 1 withdrawal

    const job = await startLedgerExportJob(request, admin);
    expect(job.status).toBe("pending");
    const finished = await runLedgerExportJob(job.id);
    expect(finished).toMatchObject({ status: "completed", totalRows: 9, rowsWritten: 9 });
    expect(await runLedgerExportJob(job.id)).toBeNull(); // finished jobs are never run twice

    const file = await openExportJobFile({ jobId: job.id }, admin);
    expect(file.contentType).toBe("text/csv; charset=utf-8");
    expect(file.filename).toMatch(/^consent-events-\d{8}T\d{6}Z\.csv$/);
    const csv = await text(file.stream);
    expect(parseCsv(csv)).toHaveLength(10);
    const gz = await openExportJobFile({ jobId: job.id, compressed: true }, admin);
    expect(gz.contentType).toBe("application/gzip");
    expect(gunzipSync(Buffer.concat(await gz.stream.toArray())).toString()).toBe(csv);

    const { entries } = await readAccessLog({ actorId: admin.id, action: "report.export", limit: 3 });
    expect(entries.map((entry) => (entry.detail as { mode: string }).mode)).toEqual([
      "job-download",
      "job-download",
      "job",
    ]);
  });

  it("takes over a job whose process died, and refuses to serve an unfinished one", async () => {
    const job = await startLedgerExportJob({ dataset: "consent_state", format: "json" }, admin);
    await db().exportJob.update({
      where: { id: job.id },
      data: { status: "running", lockedUntil: new Date(Date.now() - 1_000) },
    });
    await expect(openExportJobFile({ jobId: job.id }, admin)).rejects.toMatchObject({ code: "conflict" });
    expect(await findStalledExportJobs()).toContain(job.id);
    const finished = await runLedgerExportJob(job.id);
    expect(finished?.status).toBe("completed");
    const parsed = JSON.parse(await text((await openExportJobFile({ jobId: job.id }, admin)).stream)) as {
      rows: unknown[];
    };
    expect(parsed.rows).toHaveLength(8);
    await expect(openExportJobFile({ jobId: "not-a-uuid" }, admin)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("purges jobs past their retention with their files, and keeps the others", async () => {
    const [expired, kept] = [
      await startLedgerExportJob({ dataset: "consent_state", format: "csv" }, admin),
      await startLedgerExportJob({ dataset: "consent_state", format: "ndjson" }, admin),
    ];
    await runLedgerExportJob(expired.id);
    await runLedgerExportJob(kept.id);
    // A week later, for one of them (the portal itself may not move a job's expiry).
    await asOwner((owner) =>
      owner.query(`UPDATE "ExportJob" SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]),
    );
    expect(await purgeExpiredExportJobs()).toBe(1);
    expect(await db().exportJob.findUnique({ where: { id: expired.id } })).toBeNull();
    expect(await db().exportJobChunk.count({ where: { jobId: expired.id } })).toBe(0);
    expect(await db().exportJobChunk.count({ where: { jobId: kept.id } })).toBeGreaterThan(0);
    await expect(openExportJobFile({ jobId: expired.id }, admin)).rejects.toMatchObject({ code: "not_found" });
  });

  it("returns its connection when a consumer abandons a stream halfway", async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const exported = await openLedgerExport({ dataset: "consent_events", format: "ndjson" });
      exported.stream.destroy();
    }
    // The pool has 8 connections: had any of these leaked, this would wait forever.
    expect(await text((await openLedgerExport({ dataset: "consent_state", format: "csv" })).stream)).toContain(
      "subject_id",
    );
  });
});
