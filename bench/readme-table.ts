// The results table in bench/README.md, between its two marker comments.
import type { Figure } from "./harness.js";

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

interface Results {
  startedAt: string;
  settings: { subjects: number; events: number; seconds: number; pairs: number };
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    loadAverageAtStart: number[];
    node: string;
    postgres: string;
    pgbench: string | null;
  };
  notes: string[];
  figures: Figure[];
}

const number = (value: number | null) =>
  value === null ? "–" : value >= 100 ? Math.round(value).toLocaleString("en") : value.toFixed(2);

export function renderReadmeTable(readme: string, results: Results): string {
  const { machine, settings } = results;
  const lines = [
    START,
    `Run of ${results.startedAt.slice(0, 16).replace("T", " ")} UTC: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB,`,
    `load average ${machine.loadAverageAtStart.join(" / ")} at the start; Node ${machine.node}; ${machine.postgres.split(",")[0]};`,
    `${machine.pgbench ?? "no pgbench"}. ${settings.subjects.toLocaleString("en")} subjects, ${settings.events.toLocaleString("en")} events;`,
    `${settings.seconds} s per throughput run, median of ${settings.pairs} pair(s).`,
    "",
    "| figure | portal | ceiling, same run | ratio | target |",
    "|---|---|---|---|---|",
    ...results.figures.map(
      (figure) =>
        `| ${figure.figure} | ${figure.value === null ? (figure.note ?? "–") : `${number(figure.value)} ${figure.unit}`} | ${figure.ceiling === null ? figure.ceilingWhat : `${number(figure.ceiling)}: ${figure.ceilingWhat}`} | ${figure.ratio === null ? "–" : figure.ratio.toFixed(2)} | ${figure.target} |`,
    ),
    "",
    ...results.notes.map((note) => `- ${note}`),
    END,
  ];
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) return `${readme.trimEnd()}\n\n${lines.join("\n")}\n`;
  return readme.slice(0, start) + lines.join("\n") + readme.slice(end + END.length);
}
