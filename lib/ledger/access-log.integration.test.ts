import { beforeAll, describe, expect, it } from "vitest";
import { newSubject } from "@/test/consent-fixtures";
import { appendAccessLog } from "./append-access-log";
import { readAccessLog } from "./read-access-log";
import { adminActor, staffActor } from "@/test/actors";

describe("access log", () => {
  let subjectId: string;

  beforeAll(async () => {
    subjectId = (await newSubject()).id;
    for (let index = 0; index < 5; index += 1) {
      await appendAccessLog(
        {
          action: "subject.view",
          subjectId,
        },
        staffActor("auth0|compliance-1"),
      );
    }
    await appendAccessLog(
      {
        action: "report.export",
        detail: { format: "csv", rows: 120 },
      },
      adminActor("auth0|admin-1"),
    );
  });

  it("reads newest first, filtered, in pages", async () => {
    const first = await readAccessLog({ actorId: "auth0|compliance-1", limit: 3 });
    expect(first.entries).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await readAccessLog({ actorId: "auth0|compliance-1", limit: 3, cursor: first.nextCursor! });
    expect(second.entries).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.entries, ...second.entries].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(5);
    const times = [...first.entries, ...second.entries].map((entry) => entry.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await readAccessLog({ subjectId })).entries).toHaveLength(5);
    expect((await readAccessLog({ action: "report.export" })).entries[0]).toMatchObject({
      actorRole: "admin",
      detail: { format: "csv", rows: 120 },
    });
  });

  it("refuses unknown actions and malformed entries with the field named", async () => {
    await expect(appendAccessLog({ action: "peek" as never }, staffActor("x"))).rejects.toMatchObject({
      code: "validation_failed",
      field: "action",
    });
    await expect(appendAccessLog({ action: "subject.view", subjectId: "nope" }, staffActor("x"))).rejects.toMatchObject(
      {
        field: "subjectId",
      },
    );
  });
});
