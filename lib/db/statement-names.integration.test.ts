import { describe, expect, it } from "vitest";
import { db } from "./client";
import { statementName } from "./statement-names";

describe("named statements (ADR 044)", () => {
  it("prepares a statement with parameters once per connection and reuses it", async () => {
    const prepared = await db().$transaction(async (tx) => {
      // One transaction: one connection, so the second run finds the first one's statement.
      for (const n of [1, 2]) {
        const [row] = await tx.$queryRaw<Array<{ n: number }>>`SELECT ${n}::int + 0 AS n`;
        expect(row?.n).toBe(n);
      }
      return tx.$queryRaw<Array<{ statement: string }>>`
        SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%::int + 0 AS n%'`;
    });
    expect(prepared).toHaveLength(1);
  });

  it("leaves statements without parameters unnamed, so several commands still run as one", async () => {
    expect(statementName({ sql: "SELECT 1; SELECT 2", args: [] })).toBe("");
    await expect(db().$executeRawUnsafe("SELECT 1; SELECT 2")).resolves.toBeDefined();
  });

  it("names the same text alike and different texts apart", () => {
    const first = statementName({ sql: "SELECT $1::int", args: [1] });
    expect(first).toMatch(/^p_/);
    expect(statementName({ sql: "SELECT $1::int", args: [2] })).toBe(first);
    expect(statementName({ sql: "SELECT $1::text", args: ["a"] })).not.toBe(first);
  });
});
