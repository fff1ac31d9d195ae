import type { ReactNode } from "react";

export interface Column<Row> {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** The cell that names its row: a `<th scope="row">`. */
  rowHeader?: boolean;
  /** Classes of the column's header and cells (alignment, width, wrapping). */
  className?: string;
}

const DENSITIES = {
  /** Inside a card, under a heading: a hairline under the headers, little padding. */
  compact: {
    table: "w-full text-left text-sm",
    headRow: "border-b border-slate-200 text-slate-600",
    header: "py-1 pr-3 font-medium last:pr-0",
    row: "border-b border-slate-100",
    cell: "py-1 pr-3 last:pr-0",
  },
  /** A table of its own: shaded headers, roomier cells, scrolls sideways on narrow screens. */
  comfortable: {
    table: "min-w-full text-left text-sm",
    headRow: "bg-slate-100",
    header: "px-3 py-2",
    row: "border-t border-slate-200",
    cell: "px-3 py-2",
  },
} as const;

/** A table with column headers (`scope="col"`) and one row per item. */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowProps,
  caption,
  density = "comfortable",
  className = "",
  tableClassName = "",
}: {
  columns: ReadonlyArray<Column<Row>>;
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string | number;
  /** Per-row attributes: a test id, a highlight. */
  rowProps?: (row: Row) => { className?: string; "data-testid"?: string };
  /** Read by screen readers only. */
  caption?: ReactNode;
  density?: keyof typeof DENSITIES;
  /** Classes of the wrapper (margins, a card). */
  className?: string;
  tableClassName?: string;
}) {
  const style = DENSITIES[density];
  return (
    <div className={`overflow-x-auto ${className}`}>
      <table className={`${style.table} ${tableClassName}`}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr className={style.headRow}>
            {columns.map((column, index) => (
              <th key={index} scope="col" className={`${style.header} ${column.className ?? ""}`}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const { className: rowClassName = "", ...rest } = rowProps?.(row) ?? {};
            return (
              <tr key={rowKey(row, index)} className={`${style.row} ${rowClassName}`} {...rest}>
                {columns.map((column, columnIndex) =>
                  column.rowHeader ? (
                    <th key={columnIndex} scope="row" className={`${style.cell} font-normal ${column.className ?? ""}`}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={columnIndex} className={`${style.cell} ${column.className ?? ""}`}>
                      {column.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
