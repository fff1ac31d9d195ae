import { Transform, type TransformCallback } from "node:stream";
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

/**
 * One CSV cell (RFC 4180): text always in double quotes with inner quotes doubled, and
 * formula-neutralized; numbers and booleans bare; null empty.
 */
export function csvCell(value: ExportRow[string]): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `"${neutralizeFormula(value).replaceAll('"', '""')}"`;
}

/** Rows in, text out: `open`, then each row rendered (with `separator` between), then `close`. */
class RowTextTransform extends Transform {
  rows = 0;
  private batch: string[] = [];
  private batchLength = 0;

  constructor(
    private readonly render: (row: ExportRow) => string,
    private readonly frame: { open: string; close: string; separator: string },
  ) {
    // At most 256 rows wait on the writable side; the readable side holds one batch or so.
    super({ writableObjectMode: true, writableHighWaterMark: 256 });
    if (frame.open) this.add(frame.open);
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
    if (this.rows > 0 && this.frame.separator) this.add(this.frame.separator);
    this.add(this.render(row));
    this.rows += 1;
    if (this.batchLength >= BATCH_BYTES) this.flushBatch();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.frame.close) this.add(this.frame.close);
    this.flushBatch();
    callback();
  }
}

export interface ExportFormatter {
  /** Objects in, text out. */
  stream: Transform;
  /** Rows formatted so far (for progress). */
  rows(): number;
}

/**
 * Turns export rows (objects with `columns` as keys) into the text of a file: CSV with a header
 * row and formula-neutralized text cells, NDJSON (one object per line), or one JSON document
 * `{ dataset, exportedAt, filters, columns, rows: [...] }` written as it streams. Each holds at
 * most a batch of rows, whatever the size of the export.
 */
export function createExportFormatter(format: ExportFormatName, header: ExportHeader): ExportFormatter {
  let stream: RowTextTransform;
  if (format === "csv") {
    const columns = [...header.columns];
    stream = new RowTextTransform((row) => `${columns.map((column) => csvCell(row[column] ?? null)).join(",")}\n`, {
      open: `${columns.map((column) => csvCell(column)).join(",")}\n`,
      close: "",
      separator: "",
    });
  } else if (format === "ndjson") {
    stream = new RowTextTransform((row) => `${JSON.stringify(row)}\n`, { open: "", close: "", separator: "" });
  } else {
    stream = new RowTextTransform((row) => JSON.stringify(row), {
      open: `${JSON.stringify(header).slice(0, -1)},"rows":[\n`,
      close: "\n]}\n",
      separator: ",\n",
    });
  }
  return { stream, rows: () => stream.rows };
}
