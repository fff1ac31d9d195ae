import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { TENANT_NAME, type DatabaseConnection } from "./connections.js";
import { ManagementApiError, validationError } from "./errors.js";
import type { TenantStore } from "./store.js";
import { toAuth0User, type Auth0User } from "./user-profile.js";

/** Auth0: "The download link is valid for 60 seconds"; GET /jobs/{id} again for a fresh one. */
const DEFAULT_DOWNLOAD_TTL_SECONDS = 60;
/** Auth0: "You can export up to 30 fields." */
const MAX_EXPORT_FIELDS = 30;
/**
 * Fields of a CSV export when the request names none. Auth0 says "defaults to a predefined set
 * of fields" without listing it; this list is our assumption. A JSON export without `fields`
 * carries the whole profile.
 */
const DEFAULT_CSV_FIELDS = [
  "user_id",
  "email",
  "email_verified",
  "name",
  "nickname",
  "created_at",
  "updated_at",
] as const;

const JOB_ID = /^job_[A-Za-z0-9]{16}$/;

export const createUsersExportSchema = z.strictObject({
  connection_id: z
    .string()
    .regex(/^con_[A-Za-z0-9]{16}$/)
    .optional(),
  format: z.enum(["json", "csv"]).optional(),
  limit: z.number().int().min(1).optional(),
  fields: z
    .array(z.strictObject({ name: z.string().min(1), export_as: z.string().min(1).optional() }))
    .max(MAX_EXPORT_FIELDS)
    .optional(),
});
export type CreateUsersExport = z.infer<typeof createUsersExportSchema>;
type ExportField = NonNullable<CreateUsersExport["fields"]>[number];

interface UsersExportJob {
  id: string;
  status: "pending" | "processing" | "completed" | "failed";
  created_at: string;
  connection: DatabaseConnection;
  format: "json" | "csv";
  limit?: number;
  fields?: ExportField[];
  file?: Buffer;
}

/** Resolves `identities[0].connection` or `user_metadata.consent.given` against a profile. */
export function valueAtExportPath(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split(".")) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(segment);
    if (!match?.[1]) return undefined;
    const indexes = [...(match[2] ?? "").matchAll(/\[(\d+)\]/g)].map((index) => Number(index[1]));
    for (const key of [match[1], ...indexes]) {
      if (current === null || typeof current !== "object") return undefined;
      current = (current as Record<string | number, unknown>)[key];
    }
  }
  return current;
}

/**
 * Auth0 escapes CSV strings against CSV injection (OWASP): double quotes are doubled, the
 * string is prefixed with a single quote and wrapped in double quotes. Other types are raw.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `"'${text.replaceAll('"', '""')}"`;
}

function renderCsv(users: Auth0User[], fields: ExportField[]): string {
  const header = fields.map((field) => field.export_as ?? field.name).join(",");
  const rows = users.map((user) => fields.map((field) => csvCell(valueAtExportPath(user, field.name))).join(","));
  return [header, ...rows].join("\n") + "\n";
}

function renderNdjson(users: Auth0User[], fields: ExportField[] | undefined): string {
  return users
    .map((user) => {
      if (!fields) return JSON.stringify(user);
      const line: Record<string, unknown> = {};
      for (const field of fields) {
        const value = valueAtExportPath(user, field.name);
        if (value !== undefined) line[field.export_as ?? field.name] = value;
      }
      return JSON.stringify(line);
    })
    .map((line) => `${line}\n`)
    .join("");
}

export interface UsersExportOptions {
  issuer: string;
  store: TenantStore;
  connection: DatabaseConnection;
  /** How long a job stays `pending` before it is processed, so clients must poll. */
  processingDelayMs: number;
  downloadTtlSeconds?: number;
}

/**
 * `POST /api/v2/jobs/users-exports` and `GET /api/v2/jobs/{id}`. Jobs and their files live in
 * memory (Auth0 expires them after 24 hours anyway); the gzipped file is served by the
 * emulator at the short-lived, HMAC-signed `location` URL.
 */
export class UsersExportJobs {
  private readonly jobs = new Map<string, UsersExportJob>();
  private readonly urlKey = randomBytes(32);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: UsersExportOptions) {}

  create(body: CreateUsersExport): Record<string, unknown> {
    if (body.connection_id !== undefined && body.connection_id !== this.options.connection.id) {
      throw new ManagementApiError(404, "The connection does not exist.", "inexistent_connection");
    }
    const format = body.format ?? "csv";
    if (format === "csv") {
      for (const field of body.fields ?? []) {
        if (field.name === "user_metadata" || field.name === "app_metadata") {
          throw validationError(
            "Payload",
            `${field.name} cannot be exported whole in CSV; name its fields (e.g. ${field.name}.consent) or use the json format`,
            "fields",
          );
        }
      }
    }
    const job: UsersExportJob = {
      id: `job_${randomBytes(8).toString("hex")}`,
      status: "pending",
      created_at: new Date().toISOString(),
      connection: this.options.connection,
      format,
      ...(body.limit === undefined ? {} : { limit: body.limit }),
      ...(body.fields === undefined ? {} : { fields: body.fields }),
    };
    this.jobs.set(job.id, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.process(job);
    }, this.options.processingDelayMs);
    this.timers.add(timer);
    return this.describe(job);
  }

  get(id: string): Record<string, unknown> {
    if (!JOB_ID.test(id)) {
      throw validationError("Path", "String does not match pattern ^job_[A-Za-z0-9]{16}$", "id (The id of the job)");
    }
    const job = this.jobs.get(id);
    if (!job) throw new ManagementApiError(404, "The job does not exist.", "inexistent_job");
    return this.describe(job);
  }

  /** Stops pending jobs; called when the emulator closes. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private fileName(job: UsersExportJob): string {
    // Auth0 names the export file after the tenant: `<tenant>.csv.gz` / `<tenant>.json.gz`.
    return `${TENANT_NAME}.${job.format}.gz`;
  }

  private process(job: UsersExportJob): void {
    job.status = "processing";
    try {
      const users = this.options.store
        .allUsers()
        .sort((a, b) => a.created_at.localeCompare(b.created_at)) // stable: ties keep creation order
        .slice(0, job.limit ?? Number.POSITIVE_INFINITY)
        .map(toAuth0User);
      const text =
        job.format === "csv"
          ? renderCsv(users, job.fields ?? DEFAULT_CSV_FIELDS.map((name) => ({ name })))
          : renderNdjson(users, job.fields);
      job.file = gzipSync(text);
      job.status = "completed";
    } catch (error) {
      console.error("[emulator] users export failed", error);
      job.status = "failed";
    }
  }

  private signature(path: string, expires: number): string {
    return createHmac("sha256", this.urlKey).update(`${path}\n${expires}`).digest("base64url");
  }

  private describe(job: UsersExportJob): Record<string, unknown> {
    const description: Record<string, unknown> = {
      type: "users_export",
      status: job.status,
      connection_id: job.connection.id,
      connection: job.connection.name,
      format: job.format,
      ...(job.limit === undefined ? {} : { limit: job.limit }),
      ...(job.fields === undefined ? {} : { fields: job.fields }),
      created_at: job.created_at,
      id: job.id,
    };
    if (job.status === "completed") {
      const path = `/exports/${job.id}/${this.fileName(job)}`;
      const expires = Math.floor(Date.now() / 1000) + (this.options.downloadTtlSeconds ?? DEFAULT_DOWNLOAD_TTL_SECONDS);
      const url = new URL(path, this.options.issuer);
      url.searchParams.set("Expires", String(expires));
      url.searchParams.set("Signature", this.signature(path, expires));
      description.location = url.toString();
    }
    return description;
  }

  /** Serves `GET /exports/<job>/<file>?Expires=..&Signature=..` (the `location` of a completed job). */
  handleDownload(res: ServerResponse, url: URL): void {
    const deny = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(text);
    };
    const expires = Number(url.searchParams.get("Expires"));
    const given = Buffer.from(url.searchParams.get("Signature") ?? "");
    const expected = Buffer.from(this.signature(url.pathname, expires));
    if (!Number.isInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      deny(403, "AccessDenied: the signature does not match");
      return;
    }
    if (expires < Math.floor(Date.now() / 1000)) {
      deny(403, "AccessDenied: the request has expired; get a fresh location from GET /api/v2/jobs/{id}");
      return;
    }
    const jobId = url.pathname.split("/")[2] ?? "";
    const job = this.jobs.get(jobId);
    if (!job?.file) {
      deny(404, "NoSuchKey");
      return;
    }
    res.writeHead(200, {
      "content-type": "application/gzip",
      "content-length": String(job.file.length),
      "content-disposition": `attachment; filename="${this.fileName(job)}"`,
      "cache-control": "no-store",
    });
    res.end(job.file);
  }
}
