import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { sha256Hex } from "@/lib/crypto/sha256";
import { createPurpose } from "./create-purpose";
import { listPurposes } from "@/lib/policies/list-purposes";
import { publishPolicyVersion } from "./publish-policy-version";
import {
  listPolicyVersions,
  readCurrentPolicyVersions,
  readPolicyVersion,
  resolvePolicyUrl,
} from "@/lib/policies/read-policy-versions";
import { updatePurpose } from "./update-purpose";
import { systemActor } from "@/test/actors";

const ADMIN = systemActor("test");

describe("policy versions", () => {
  it("publishes versions with the text's hash; the newest is current", async () => {
    const v1 = await publishPolicyVersion(
      {
        kind: "terms",
        version: "1",
        title: "Terms",
        url: "/policies/terms/1",
        text: "Terms v1 — «quoted» ✓",
      },
      ADMIN,
    );
    expect(v1.textSha256).toBe(sha256Hex("Terms v1 — «quoted» ✓"));
    const v2 = await publishPolicyVersion(
      {
        kind: "terms",
        version: "2",
        title: "Terms",
        url: "https://example.com/terms/2",
        text: "Terms v2",
        requiresReconsent: true,
        changeSummary: "Shorter terms.",
      },
      ADMIN,
    );
    expect((await readCurrentPolicyVersions()).terms?.id).toBe(v2.id);
    // The summary is kept beside the text; the hash is of the text alone.
    expect(v2).toMatchObject({ changeSummary: "Shorter terms.", textSha256: sha256Hex("Terms v2") });
    expect(v1.changeSummary).toBeNull();
    expect((await listPolicyVersions({ kind: "terms" })).map((version) => version.version)).toEqual(["2", "1"]);
    expect(await listPolicyVersions()).not.toHaveProperty("0.text");
    expect((await readPolicyVersion({ kind: "terms", version: "1" }))?.text).toBe("Terms v1 — «quoted» ✓");
    expect(await readPolicyVersion({ id: "not-a-uuid" })).toBeNull();
    expect(resolvePolicyUrl(v1.url)).toBe("http://localhost:3999/policies/terms/1");
    expect(resolvePolicyUrl(v2.url)).toBe("https://example.com/terms/2");
  });

  it("refuses a duplicate version label, and the database refuses a hash that is not the text's", async () => {
    await publishPolicyVersion(
      { kind: "privacy", version: "1", title: "Privacy", url: "/p/1", text: "Privacy v1" },
      ADMIN,
    );
    await expect(
      publishPolicyVersion({ kind: "privacy", version: "1", title: "Privacy", url: "/p/1", text: "other" }, ADMIN),
    ).rejects.toMatchObject({
      code: "already_exists",
      field: "version",
    });
    await expect(
      db().policyVersion.create({
        data: {
          kind: "privacy",
          version: "9",
          title: "x",
          url: "/x",
          text: "real text",
          textSha256: sha256Hex("other text"),
        },
      }),
    ).rejects.toThrow("PolicyVersion_text_sha256_check");
  });
});

describe("purposes", () => {
  it("creates, lists (required first) and rewords purposes; keys are unique and plain", async () => {
    const key = `p-${randomUUID().slice(0, 6)}`;
    await createPurpose(
      {
        key,
        title: "Newsletter",
        description: "Monthly newsletter",
        policyKind: "privacy",
        position: 5,
      },
      ADMIN,
    );
    await createPurpose(
      {
        key: `${key}-req`,
        title: "Core",
        description: "Core service",
        policyKind: "terms",
        required: true,
      },
      ADMIN,
    );
    const listed = await listPurposes();
    expect(listed[0]!.required).toBe(true);
    expect(await updatePurpose({ key, title: "Monthly newsletter", wordingChange: "editorial" }, ADMIN)).toMatchObject({
      purpose: { key, title: "Monthly newsletter", position: 5 },
      version: { version: 2, title: "Monthly newsletter", requiresReconsent: false },
    });
    await expect(
      createPurpose({ key, title: "x", description: "x", policyKind: "privacy" }, ADMIN),
    ).rejects.toMatchObject({
      code: "already_exists",
    });
    await expect(
      createPurpose({ key: "Bad Key", title: "x", description: "x", policyKind: "privacy" }, ADMIN),
    ).rejects.toMatchObject({ field: "key" });
    await expect(updatePurpose({ key: "missing-purpose", title: "x" }, ADMIN)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
