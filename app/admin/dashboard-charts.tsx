"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

/** Distinct colours with enough contrast on white for lines, bars and their legend text. */
const SERIES_COLOURS = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f"];
const AXIS = { stroke: "#334155", fontSize: 12 };
/** What the line and bar charts share: drawn to the container's width, no keyboard layer (the table is the accessible version). */
const CHART = {
  accessibilityLayer: false,
  responsive: true,
  style: { width: "100%", height: 280 },
  margin: { top: 8, right: 16, bottom: 8, left: 0 },
};

/** `2026-11-16` → `16 Nov` */
function weekLabel(week: string): string {
  return new Date(`${week}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

export function ConsentRateChart(props: {
  purposes: Array<{ key: string; title: string }>;
  rows: Array<{ week: string; rates: Record<string, number | null> }>;
}) {
  const data = props.rows.map((row) => ({ week: weekLabel(row.week), ...row.rates }));
  return (
    <LineChart {...CHART} data={data}>
      <CartesianGrid stroke="#e2e8f0" />
      <XAxis dataKey="week" tick={AXIS} stroke={AXIS.stroke} />
      <YAxis domain={[0, 100]} unit="%" tick={AXIS} stroke={AXIS.stroke} width={48} />
      <Tooltip formatter={(value) => `${String(value)}%`} />
      <Legend />
      {props.purposes.map((purpose, index) => (
        <Line
          key={purpose.key}
          dataKey={purpose.key}
          name={purpose.title}
          stroke={SERIES_COLOURS[index % SERIES_COLOURS.length]}
          strokeWidth={2}
          // A dot per week: a line needs two weeks, and a new installation has only this one.
          dot={{ r: 3 }}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}

export function ActivityChart(props: { rows: Array<{ week: string; granted: number; withdrawn: number }> }) {
  const data = props.rows.map((row) => ({ ...row, week: weekLabel(row.week) }));
  return (
    <BarChart {...CHART} data={data}>
      <CartesianGrid stroke="#e2e8f0" />
      <XAxis dataKey="week" tick={AXIS} stroke={AXIS.stroke} />
      <YAxis allowDecimals={false} tick={AXIS} stroke={AXIS.stroke} width={48} />
      <Tooltip />
      <Legend />
      <Bar dataKey="granted" name="Grants" fill="#047857" isAnimationActive={false} />
      <Bar dataKey="withdrawn" name="Withdrawals" fill="#b45309" isAnimationActive={false} />
    </BarChart>
  );
}

export function ReconsentChart(props: { accepted: number; pending: number; declined: number }) {
  const data = [
    { name: "Agreed again", value: props.accepted, colour: "#047857" },
    { name: "Not asked yet", value: props.pending, colour: "#1d4ed8" },
    { name: "Declined or left", value: props.declined, colour: "#b45309" },
  ];
  return (
    <PieChart accessibilityLayer={false} responsive style={{ width: "100%", height: 240 }}>
      <Pie data={data} dataKey="value" nameKey="name" innerRadius="55%" outerRadius="85%" isAnimationActive={false}>
        {data.map((slice) => (
          <Cell key={slice.name} fill={slice.colour} />
        ))}
      </Pie>
      <Tooltip />
      <Legend />
    </PieChart>
  );
}
