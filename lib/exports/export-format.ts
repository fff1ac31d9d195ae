import { Transform, type TransformCallback } from "node:stream";
import { stringify } from "csv-stringify";
import type { ExportFormatName } from "./schemas";

/** A row as the export query returns it: text, numbers, booleans and nulls only. */
export type ExportRow = Record<string, string | number | boolean | null>;

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula (and a leading tab
 * or carriage return can hide one), so such text is prefixed with `'` (OWASP "CSV Injection").
 * Only text is touched: numbers and booleans are written as they are.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export const CONTENT_TYPES: Record<ExportFormatName, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

export const FILE_EXTENSIONS: Record<ExportFormatName, string> = { csv: "csv", json: "json", ndjson: "ndjson" };

/** What a JSON export says about itself before its rows. */
export interface ExportHeader {
  dataset: string;
  exportedAt: string;
  filters: Record<string, string>;
  columns: readonly string[];
}

// Rows are small; pushing each one alone costs more than writing it. Batch to about this size.
const BATCH_BYTES = 64 * 1024;

/** JSON text per row, pushed in batches; `open`/`close` frame the whole output. */
class JsonLinesTransform extends Transform {
  rows = 0;
  private batch: string[] = [];
  private batchLength = 0;

  constructor(private readonly options: { open: string; close: string; separator: string; lineEnd: string }) {
    super({ writableObjectMode: true, writableHighWaterMark: 256 });
    if (options.open) this.add(options.open);
  }

  private add(text: string): void {
    this.batch.push(text);
    this.batchLength += text.length;
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    this.push(this.batch.join(""));
    this.batch = [];
    this.batchLength = 0;
  }

  override _transform(row: ExportRow, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.add(`${this.rows === 0 ? "" : this.options.separator}${JSON.stringify(row)}${this.options.lineEnd}`);
    this.rows += 1;
    if (this.batchLength >= BATCH_BYTES) this.flushBatch();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.add(this.options.close);
    this.flushBatch();
    callback();
  }
}

export interface ExportFormatter {
  /** Objects in, bytes out. */
  stream: Transform;
  /** Rows formatted so far (for progress). */
  rows(): number;
}

/**
 * Turns export rows (objects, in `columns` order) into the bytes of a file: CSV with a header
 * row and formula-neutralized text cells, NDJSON (one object per line), or one JSON document
 * `{ dataset, exportedAt, filters, columns, rows: [...] }` written as it streams.
 */
export function createExportFormatter(format: ExportFormatName, header: ExportHeader): ExportFormatter {
  if (format === "ndjson" || format === "json") {
    const stream =
      format === "ndjson"
        ? new JsonLinesTransform({ open: "", close: "", separator: "", lineEnd: "\n" })
        : new JsonLinesTransform({
            open: `${JSON.stringify(header).slice(0, -1)},"rows":[\n`,
            close: "\n]}\n",
            separator: ",\n",
            lineEnd: "",
          });
    return { stream, rows: () => stream.rows };
  }
  const stream = stringify({
    header: true,
    columns: [...header.columns],
    // Every text cell in quotes, as OWASP advises alongside the prefix.
    quoted_string: true,
    cast: {
      string: (value) => neutralizeFormula(value),
      boolean: (value) => (value ? "true" : "false"),
    },
  });
  // csv-stringify counts the records it wrote (not the header) in `info`, which its types omit.
  const info = (stream as unknown as { info: { records: number } }).info;
  return { stream, rows: () => info.records };
}
