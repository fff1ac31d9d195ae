import type { ReactNode } from "react";

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
        <div className="mt-2 overflow-x-auto">
          <table className="min-w-full text-left">
            <thead>
              <tr>
                {props.columns.map((column) => (
                  <th key={column} scope="col" className="border-b border-slate-300 px-2 py-1 font-semibold">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, cellIndex) =>
                    cellIndex === 0 ? (
                      <th key={cellIndex} scope="row" className="border-b border-slate-100 px-2 py-1 font-normal">
                        {cell}
                      </th>
                    ) : (
                      <td key={cellIndex} className="border-b border-slate-100 px-2 py-1 tabular-nums">
                        {cell}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
