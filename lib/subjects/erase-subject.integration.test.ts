import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { seedCatalog, signUp } from "@/test/consent-fixtures";
import { db } from "@/lib/db/client";
import { verifyLedger } from "@/lib/ledger/verify-ledger";
import { ensureSubject } from "./ensure-subject";
import { eraseSubject } from "./erase-subject";
import { findSubjectsByEmail } from "./find-subjects-by-email";
import { readSubject, readSubjectByAuth0UserId } from "./read-subject";
import { openProfile } from "./subject-profile";
import { PERSON, staffActor } from "@/test/actors";

beforeAll(async () => {
  await seedCatalog();
});

function uniqueUser() {
  const tag = randomUUID().slice(0, 8);
  return { auth0UserId: `auth0|${tag}`, email: `Jane.Doe+${tag}@Example.com`, name: "Jane Doe" };
}

describe("ensureSubject", () => {
  it("stores the email only encrypted, and finds the subject by exact email, case-insensitively", async () => {
    const user = uniqueUser();
    const subject = await ensureSubject(user);
    expect(subject).toMatchObject({
      auth0UserId: user.auth0UserId,
      email: user.email.toLowerCase(),
      name: "Jane Doe",
      erasedAt: null,
    });
    const row = await db().subject.findUniqueOrThrow({ where: { id: subject.id } });
    const stored = Buffer.concat([
      Buffer.from(row.profileCiphertext!),
      Buffer.from(row.wrappedKey!),
      Buffer.from(row.emailBlindIndex!),
    ]);
    expect(stored.toString("latin1").toLowerCase()).not.toContain(user.email.toLowerCase());
    expect((await findSubjectsByEmail(user.email.toUpperCase())).map((found) => found.id)).toEqual([subject.id]);
    expect(await findSubjectsByEmail(`x${user.email}`)).toEqual([]);
    expect((await readSubjectByAuth0UserId(user.auth0UserId))?.id).toBe(subject.id);
  });

  it("returns the same subject for the same Auth0 user, also when sign-ins race", async () => {
    const user = uniqueUser();
    const subjects = await Promise.all(Array.from({ length: 10 }, () => ensureSubject(user)));
    expect(new Set(subjects.map((subject) => subject.id)).size).toBe(1);
    expect(await db().subject.count({ where: { auth0UserId: user.auth0UserId } })).toBe(1);
  });

  it("follows an email change in Auth0: the old address no longer finds the subject", async () => {
    const user = uniqueUser();
    const subject = await ensureSubject(user);
    const moved = await ensureSubject({ ...user, email: `new.${user.email}` });
    expect(moved).toMatchObject({ id: subject.id, email: `new.${user.email}`.toLowerCase() });
    expect(await findSubjectsByEmail(user.email)).toEqual([]);
    expect((await findSubjectsByEmail(`new.${user.email}`)).map((found) => found.id)).toEqual([subject.id]);
  });

  it("binds ciphertexts to their subject: a profile copied onto another row does not decrypt", async () => {
    const [a, b] = [await ensureSubject(uniqueUser()), await ensureSubject(uniqueUser())];
    const rowA = await db().subject.findUniqueOrThrow({ where: { id: a.id } });
    const rowB = await db().subject.findUniqueOrThrow({ where: { id: b.id } });
    expect(
      openProfile({ id: b.id, wrappedKey: rowB.wrappedKey, profileCiphertext: rowA.profileCiphertext }),
    ).toBeNull();
    expect(
      openProfile({ id: b.id, wrappedKey: rowA.wrappedKey, profileCiphertext: rowA.profileCiphertext }),
    ).toBeNull();
    expect(openProfile(rowA)?.email).toBe(a.email);
  });
});

describe("eraseSubject", () => {
  it("crypto-shreds the subject: not findable, not decryptable, Auth0 mapping gone, chains still verify", async () => {
    const user = uniqueUser();
    const subject = await ensureSubject(user);
    await signUp(subject.id, ["terms", "analytics"]);
    // A backup or replica taken now still holds the ciphertext…
    const before = await db().subject.findUniqueOrThrow({ where: { id: subject.id } });

    const { event, replayed } = await eraseSubject(
      {
        subjectId: subject.id,
        idempotencyKey: "erase-request-1",
      },
      PERSON,
    );
    expect(replayed).toBe(false);
    expect(event).toMatchObject({
      action: "erased",
      seq: 3,
      purposeId: null,
      actorType: "self",
      actorId: null,
      method: "portal",
    });

    const after = await db().subject.findUniqueOrThrow({ where: { id: subject.id } });
    expect(after).toMatchObject({
      wrappedKey: null,
      profileCiphertext: null,
      emailBlindIndex: null,
      auth0UserId: null,
      lastSeq: 3,
    });
    expect(after.erasedAt).toEqual(event.serverTime);
    // …but without the subject's key it is noise.
    expect(
      openProfile({ id: subject.id, wrappedKey: after.wrappedKey, profileCiphertext: before.profileCiphertext }),
    ).toBeNull();
    expect(await findSubjectsByEmail(user.email)).toEqual([]);
    expect(await readSubjectByAuth0UserId(user.auth0UserId)).toBeNull();
    expect(await readSubject(subject.id)).toMatchObject({ id: subject.id, email: null, name: null, auth0UserId: null });

    // The ledger keeps only the pseudonymous id: no email or Auth0 id in any of its rows.
    const ledgerRows = JSON.stringify(await db().consentEvent.findMany({ where: { subjectId: subject.id } }));
    expect(ledgerRows).not.toContain(user.auth0UserId);
    expect(ledgerRows.toLowerCase()).not.toContain(user.email.toLowerCase());
    expect(await verifyLedger()).toMatchObject({ ok: true });

    const status = await readConsentStatus(subject.id);
    expect(status?.erased).toBe(true);
    expect(status?.purposes.filter((row) => row.status === "granted")).toEqual([]);
  });

  it("replays an erasure request and refuses to erase twice under another key", async () => {
    const subject = await ensureSubject(uniqueUser());
    const first = await eraseSubject(
      {
        subjectId: subject.id,
        idempotencyKey: "erase-88",
        reason: "Art. 17 request #88",
      },
      staffActor("auth0|dpo"),
    );
    const again = await eraseSubject(
      {
        subjectId: subject.id,
        idempotencyKey: "erase-88",
        reason: "Art. 17 request #88",
      },
      staffActor("auth0|dpo"),
    );
    expect(again).toEqual({ event: first.event, replayed: true });
    expect(first.event).toMatchObject({ method: "staff", actorId: "auth0|dpo" });
    await expect(eraseSubject({ subjectId: subject.id }, PERSON)).rejects.toMatchObject({
      code: "subject_erased",
    });
  });

  it("lets the same Auth0 user start afresh as a new subject after erasure", async () => {
    const user = uniqueUser();
    const old = await ensureSubject(user);
    await eraseSubject({ subjectId: old.id }, PERSON);
    const fresh = await ensureSubject(user);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.email).toBe(user.email.toLowerCase());
  });
});
