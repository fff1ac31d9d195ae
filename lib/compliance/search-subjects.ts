import "server-only";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { endOfDay, startOfDay } from "@/lib/dates";
import type { Tx } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import { Prisma, type ConsentStatus, type PolicyKind } from "@/lib/generated/prisma/client";
import { toSubjectView, type SubjectColumns, type SubjectView } from "@/lib/subjects/subject-profile";
import { auth0Directory, type Auth0Directory, type Auth0Person } from "./auth0-directory";
import { readWithAccessLog } from "./read-with-access-log";
import { subjectSearchSchema, type SubjectSearchInput, type SubjectSearchQuery } from "./schemas";
import { decodeSearchCursor, encodeSearchCursor } from "./search-cursor";
import type { Actor } from "@/lib/auth/actor";

/** One purpose's current state, as a search result shows it. */
export interface StateSummary {
  purposeId: string;
  purposeKey: string;
  purposeTitle: string;
  status: ConsentStatus;
  policyVersion: { id: string; kind: PolicyKind; version: string } | null;
  updatedAt: Date;
}

/** A person found by an identifier, with their current consent per purpose. */
export interface SubjectHit extends SubjectView {
  states: StateSummary[];
}

/** A row of a filtered search: one subject's current state for one purpose. */
export interface StateHit extends StateSummary {
  subjectId: string;
  email: string | null;
  erased: boolean;
}

export interface SubjectSearchResult {
  /** `identifier`: people found by email, Auth0 user id or subject id. `filter`: consent rows. */
  mode: "identifier" | "filter";
  subjects: SubjectHit[];
  states: StateHit[];
  /** People Auth0 knows by that email but the ledger does not (with their legacy consent metadata). */
  auth0Only: Auth0Person[];
  /** For the next page of a filtered search; null on the last page. */
  nextCursor: string | null;
  /** Set when the ledger found nobody and Auth0 could not be asked. */
  auth0Unavailable: boolean;
}

const DEFAULT_LIMIT = 25;

/** `to` is a whole day, up to its last millisecond (UTC; `updated_at` keeps milliseconds). */
function dayRange(query: SubjectSearchQuery) {
  const from = query.from ? startOfDay(query.from) : null;
  const to = query.to ? endOfDay(query.to) : null;
  return { from, to };
}

async function resolveFilters(query: SubjectSearchQuery, tx: Tx) {
  const purpose = query.purpose
    ? await tx.purpose.findUnique({ where: { key: query.purpose }, select: { id: true, policyKind: true } })
    : null;
  if (query.purpose && !purpose) throw new AppError("validation_failed", "No such purpose.", { field: "purpose" });
  const version = query.policyVersionId
    ? await tx.policyVersion.findUnique({ where: { id: query.policyVersionId }, select: { id: true, kind: true } })
    : null;
  if (query.policyVersionId && !version) {
    throw new AppError("validation_failed", "No such policy version.", { field: "policyVersionId" });
  }
  // A purpose is only ever decided under its own document's versions: this pair matches nothing.
  const impossible = Boolean(purpose && version && purpose.policyKind !== version.kind);
  return { purposeId: purpose?.id ?? null, policyVersionId: version?.id ?? null, impossible, ...dayRange(query) };
}

type Filters = Awaited<ReturnType<typeof resolveFilters>>;

function stateConditions(query: SubjectSearchQuery, filters: Filters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.purposeId) conditions.push(Prisma.sql`cs.purpose_id = ${filters.purposeId}::uuid`);
  if (filters.policyVersionId) conditions.push(Prisma.sql`cs.policy_version_id = ${filters.policyVersionId}::uuid`);
  if (query.status) conditions.push(Prisma.sql`cs.status = ${query.status}::"ConsentStatus"`);
  if (filters.from) conditions.push(Prisma.sql`cs.updated_at >= ${filters.from}::timestamptz`);
  if (filters.to) conditions.push(Prisma.sql`cs.updated_at <= ${filters.to}::timestamptz`);
  return conditions;
}

interface StateRow {
  subjectId: string;
  purposeId: string;
  status: ConsentStatus;
  policyVersionId: string | null;
  updatedAt: Date;
}

async function labelStates(rows: StateRow[], tx: Tx): Promise<Array<StateRow & StateSummary>> {
  const purposes = await tx.purpose.findMany({ where: { id: { in: [...new Set(rows.map((row) => row.purposeId))] } } });
  const versions = await tx.policyVersion.findMany({
    where: { id: { in: [...new Set(rows.flatMap((row) => (row.policyVersionId ? [row.policyVersionId] : [])))] } },
    select: { id: true, kind: true, version: true },
  });
  return rows.map((row) => {
    const purpose = purposes.find((candidate) => candidate.id === row.purposeId);
    return {
      ...row,
      purposeKey: purpose?.key ?? "?",
      purposeTitle: purpose?.title ?? "?",
      policyVersion: versions.find((version) => version.id === row.policyVersionId) ?? null,
    };
  });
}

/**
 * Filtered search: current consent rows, newest decision first, a keyset page at a time. Each
 * way in has an index (migration 20261123020000) whose order is the page order, so a page costs
 * an index range scan of about `limit` rows whatever the table size (ADR 008 has the plans).
 */
async function searchStates(query: SubjectSearchQuery, filters: Filters, tx: Tx) {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (filters.impossible) return { states: [], nextCursor: null };
  const conditions = stateConditions(query, filters);
  if (query.cursor) {
    const cursor = decodeSearchCursor(query.cursor);
    if (!cursor)
      throw new AppError("validation_failed", "That page link is not valid; search again.", { field: "cursor" });
    conditions.push(
      filters.purposeId
        ? // One purpose: (updated_at, subject_id) identifies the row and matches the purpose index.
          Prisma.sql`(cs.updated_at, cs.subject_id) < (${cursor.updatedAt}::timestamptz, ${cursor.subjectId}::uuid)`
        : Prisma.sql`(cs.updated_at, cs.subject_id, cs.purpose_id) < (${cursor.updatedAt}::timestamptz, ${cursor.subjectId}::uuid, ${cursor.purposeId}::uuid)`,
    );
  }
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const rows = await tx.$queryRaw<StateRow[]>`
    SELECT cs.subject_id AS "subjectId", cs.purpose_id AS "purposeId", cs.status::text AS status,
           cs.policy_version_id AS "policyVersionId", cs.updated_at AS "updatedAt"
    FROM "ConsentState" cs
    ${where}
    ORDER BY cs.updated_at DESC, cs.subject_id DESC, cs.purpose_id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const subjects = await tx.subject.findMany({ where: { id: { in: [...new Set(page.map((row) => row.subjectId))] } } });
  const views = new Map(subjects.map((subject) => [subject.id, toSubjectView(subject)]));
  const states: StateHit[] = (await labelStates(page, tx)).map((row) => {
    const subject = views.get(row.subjectId);
    return { ...row, email: subject?.email ?? null, erased: Boolean(subject?.erasedAt) };
  });
  return {
    states,
    nextCursor: rows.length > limit && last ? encodeSearchCursor(last) : null,
  };
}

/** A subject's columns with one of its labelled states (the state's columns null when it has none). */
interface PersonRow extends SubjectColumns {
  purposeId: string | null;
  purposeKey: string;
  purposeTitle: string;
  status: ConsentStatus;
  policyVersion: StateSummary["policyVersion"];
  updatedAt: Date;
  matchesFilters: boolean;
}

/**
 * The people `where` finds (a condition on the subject `s`) with their current consent per
 * purpose, in one statement: the search by email is the page staff wait on, and one statement
 * needs no transaction (ADR 047). `matching`: those with a state the filters match.
 */
async function findPeople(where: Prisma.Sql, query: SubjectSearchQuery, filters: Filters, client: Tx) {
  const conditions = stateConditions(query, filters);
  const matches = filters.impossible
    ? Prisma.sql`false`
    : conditions.length
      ? Prisma.sql`EXISTS (SELECT 1 FROM "ConsentState" cs WHERE cs.subject_id = s.id AND ${Prisma.join(conditions, " AND ")})`
      : Prisma.sql`true`;
  const rows = await client.$queryRaw<PersonRow[]>`
    SELECT s.id, s.auth0_user_id AS "auth0UserId", s.wrapped_key AS "wrappedKey",
           s.profile_ciphertext AS "profileCiphertext", s.created_at AS "createdAt", s.erased_at AS "erasedAt",
           s.email_verified_at AS "emailVerifiedAt", s.last_seq AS "lastSeq",
           st.purpose_id AS "purposeId", st.status::text AS status, st.updated_at AS "updatedAt",
           p.key AS "purposeKey", p.title AS "purposeTitle",
           CASE WHEN pv.id IS NULL THEN NULL
                ELSE json_build_object('id', pv.id, 'kind', pv.kind, 'version', pv.version) END AS "policyVersion",
           ${matches} AS "matchesFilters"
    FROM "Subject" s
    LEFT JOIN ("ConsentState" st JOIN "Purpose" p ON p.id = st.purpose_id) ON st.subject_id = s.id
    LEFT JOIN "PolicyVersion" pv ON pv.id = st.policy_version_id
    WHERE ${where}
    ORDER BY s.created_at, s.id`;
  const byId = new Map<string, { person: SubjectHit; matchesFilters: boolean }>();
  for (const row of rows) {
    const found = byId.get(row.id) ?? {
      person: { ...toSubjectView(row), states: [] },
      matchesFilters: row.matchesFilters,
    };
    byId.set(row.id, found);
    if (row.purposeId === null) continue; // a person without any consent state yet
    const { purposeId, purposeKey, purposeTitle, status, policyVersion, updatedAt } = row;
    found.person.states.push({ purposeId, purposeKey, purposeTitle, status, policyVersion, updatedAt });
  }
  const found = [...byId.values()];
  for (const { person } of found) person.states.sort((a, b) => a.purposeKey.localeCompare(b.purposeKey));
  return {
    people: found.map(({ person }) => person),
    matching: found.filter(({ matchesFilters }) => matchesFilters).map(({ person }) => person),
  };
}

/** Identifier search: every identifier given must point at the same person (erased people have no email). */
function identifierCondition(query: SubjectSearchQuery, emailBlindIndex: string | null): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (emailBlindIndex) conditions.push(Prisma.sql`s.email_blind_index = ${emailBlindIndex}`);
  if (query.auth0UserId) conditions.push(Prisma.sql`s.auth0_user_id = ${query.auth0UserId}`);
  if (query.subjectId) conditions.push(Prisma.sql`s.id = ${query.subjectId}::uuid`);
  return Prisma.join(conditions, " AND ");
}

/** What the access log keeps of a search: the criteria, never a plaintext email. */
function searchDetail(query: SubjectSearchQuery, emailBlindIndex: string | null): Record<string, unknown> {
  return {
    ...(emailBlindIndex ? { emailBlindIndex } : {}),
    ...(query.auth0UserId ? { auth0UserId: query.auth0UserId } : {}),
    ...(query.subjectId ? { subjectId: query.subjectId } : {}),
    ...(query.purpose ? { purpose: query.purpose } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.policyVersionId ? { policyVersionId: query.policyVersionId } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.cursor ? { page: "next" } : {}),
  };
}

/**
 * The compliance search, from the read replica when one is configured (ADR 039). Every call is
 * written to the access log (with the ids of the people it returned) before anything is returned,
 * so a search that returns data is always on record.
 * An email the ledger does not know is looked up in Auth0 (users-by-email): such people are shown
 * with their legacy `user_metadata.consent`, and that lookup is logged before it is returned too.
 */
export async function searchSubjects(
  actor: Actor,
  input: SubjectSearchInput,
  options: { directory?: Auth0Directory } = {},
): Promise<SubjectSearchResult> {
  const query = parseInput(subjectSearchSchema, input);
  const identifying = Boolean(query.email || query.auth0UserId || query.subjectId);
  const emailBlindIndex = query.email ? computeEmailBlindIndex(emailBlindIndexKey(), query.email) : null;
  const detail = searchDetail(query, emailBlindIndex);
  // Without a purpose or policy version to look up, a search for people is findPeople's one statement.
  const noLookups = !query.purpose && !query.policyVersionId;
  const result = await readWithAccessLog(
    actor,
    async (tx): Promise<SubjectSearchResult> => {
      const filters = await resolveFilters(query, tx);
      if (identifying) {
        const { matching } = await findPeople(identifierCondition(query, emailBlindIndex), query, filters, tx);
        return {
          mode: "identifier",
          subjects: matching,
          states: [],
          auth0Only: [],
          nextCursor: null,
          auth0Unavailable: false,
        };
      }
      const { states, nextCursor } = await searchStates(query, filters, tx);
      return { mode: "filter", subjects: [], states, auth0Only: [], nextCursor, auth0Unavailable: false };
    },
    (found) => {
      const ids = [...new Set([...found.subjects.map((hit) => hit.id), ...found.states.map((hit) => hit.subjectId)])];
      return {
        action: "subject.search",
        subjectId: ids.length === 1 ? ids[0] : null,
        detail: { ...detail, results: ids.length, subjectIds: ids.slice(0, 100) },
      };
    },
    { source: "replica", oneStatement: identifying && noLookups },
  );
  // Only an email nobody in the ledger has goes to Auth0: the person may predate the portal (or
  // changed their address in Auth0 since the ledger last saw them).
  const onlyEmail = query.email && !query.auth0UserId && !query.subjectId;
  if (!onlyEmail || result.subjects.length > 0) return result;
  let people: Auth0Person[];
  try {
    people = await (options.directory ?? auth0Directory()).findByEmail(query.email!);
  } catch (error) {
    if (error instanceof AppError && error.code === "upstream_unavailable")
      return { ...result, auth0Unavailable: true };
    throw error;
  }
  if (people.length === 0) return result;
  return readWithAccessLog(
    actor,
    async (tx): Promise<SubjectSearchResult> => {
      const userIds = people.map((person) => person.userId);
      const { people: known, matching } = await findPeople(
        Prisma.sql`s.auth0_user_id = ANY(${userIds}::text[])`,
        query,
        await resolveFilters(query, tx),
        tx,
      );
      const auth0Only = people.filter((person) => !known.some((subject) => subject.auth0UserId === person.userId));
      return { ...result, subjects: matching, auth0Only };
    },
    (found) => ({
      action: "subject.search",
      subjectId: found.subjects.length === 1 ? found.subjects[0]!.id : null,
      detail: {
        ...detail,
        source: "auth0",
        auth0UserIds: people.map((person) => person.userId),
        subjectIds: found.subjects.map((hit) => hit.id),
      },
    }),
    { source: "replica", oneStatement: noLookups },
  );
}
