import type { ReactNode } from "react";
import { DataTable } from "@/components/data-table";

/**
 * A chart with its caption and the same figures as a table, so nobody depends on seeing the
 * chart (screen readers, printouts, colour blindness).
 */
export function ChartFigure(props: {
  id: string;
  title: string;
  description?: ReactNode;
  chart: ReactNode;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Shown under the chart, to everyone. */
  children?: ReactNode;
}) {
  return (
    <figure
      aria-labelledby={`${props.id}-caption`}
      className="rounded-xl bg-white p-6 shadow-sm"
      data-testid={props.id}
    >
      <figcaption id={`${props.id}-caption`} className="text-lg font-semibold">
        {props.title}
      </figcaption>
      {props.description && <p className="mt-1 text-sm text-slate-600">{props.description}</p>}
      <div className="mt-4" aria-hidden="true">
        {props.chart}
      </div>
      {props.children}
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer font-medium text-blue-800">Show the figures as a table</summary>
        <DataTable
          className="mt-2"
          density="compact"
          columns={props.columns.map((header, index) => ({
            header,
            rowHeader: index === 0,
            className: index === 0 ? undefined : "tabular-nums",
            cell: (row: Array<string | number>) => row[index],
          }))}
          rows={props.rows}
          rowKey={(_, index) => index}
        />
      </details>
    </figure>
  );
}
