import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { createExportFormatter, csvCell, neutralizeFormula, type ExportHeader, type ExportRow } from "./export-format";

const header: ExportHeader = {
  dataset: "consent_state",
  exportedAt: "2026-11-23T00:00:00.000Z",
  filters: { purpose: "analytics" },
  columns: ["subject_id", "purpose_title", "seq", "purpose_retired", "decided_at"],
};

async function render(format: "csv" | "json" | "ndjson", rows: ExportRow[]) {
  const formatter = createExportFormatter(format, header);
  const output = await text(Readable.from(rows).pipe(formatter.stream));
  return { output, rows: formatter.rows() };
}

describe("neutralizeFormula", () => {
  it("prefixes text a spreadsheet would run as a formula, and nothing else", () => {
    for (const dangerous of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"]) {
      expect(neutralizeFormula(dangerous)).toBe(`'${dangerous}`);
    }
    for (const safe of ["Analytics", "2026-11-23", "a=b", "", "'already"]) expect(neutralizeFormula(safe)).toBe(safe);
  });
});

describe("createExportFormatter", () => {
  const rows: ExportRow[] = [
    {
      subject_id: "s1",
      purpose_title: '=HYPERLINK("http://evil","x")',
      seq: 1,
      purpose_retired: false,
      decided_at: null,
    },
    {
      subject_id: "s2",
      purpose_title: "Newsletter, monthly",
      seq: -3,
      purpose_retired: true,
      decided_at: "2026-11-23",
    },
  ];

  it("writes CSV with a header, quoted text, neutralized formulas and untouched numbers", async () => {
    const { output, rows: count } = await render("csv", rows);
    expect(output.split("\n")).toEqual([
      `"subject_id","purpose_title","seq","purpose_retired","decided_at"`,
      `"s1","'=HYPERLINK(""http://evil"",""x"")",1,false,`,
      `"s2","Newsletter, monthly",-3,true,"2026-11-23"`,
      "",
    ]);
    expect(count).toBe(2);
  });

  it("writes a header row even when nothing matches", async () => {
    expect((await render("csv", [])).output).toBe(
      `"subject_id","purpose_title","seq","purpose_retired","decided_at"\n`,
    );
  });

  it("writes NDJSON, one object per line, values as they are", async () => {
    const { output, rows: count } = await render("ndjson", rows);
    const lines = output.trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(rows);
    expect(count).toBe(2);
  });

  it("writes one JSON document that describes itself, also when empty", async () => {
    const parsed = JSON.parse((await render("json", rows)).output) as ExportHeader & { rows: ExportRow[] };
    expect(parsed).toEqual({ ...header, rows });
    expect(JSON.parse((await render("json", [])).output)).toEqual({ ...header, rows: [] });
  });

  it("batches many rows into few chunks", async () => {
    const formatter = createExportFormatter("ndjson", header);
    const many = Array.from({ length: 5_000 }, (_, index) => ({ subject_id: `s${index}`, seq: index }));
    const chunks = await Readable.from(many).pipe(formatter.stream).toArray();
    expect(chunks.length).toBeLessThan(10);
    expect(formatter.rows()).toBe(5_000);
  });
});

describe("csvCell", () => {
  it("quotes text and doubles its quotes, keeps newlines inside the quotes, and leaves numbers bare", () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines, one cell")).toBe('"two\nlines, one cell"');
    expect(csvCell("=1+2")).toBe(`"'=1+2"`);
    expect(csvCell(42)).toBe("42");
    expect(csvCell(false)).toBe("false");
    expect(csvCell(null)).toBe("");
  });
});
