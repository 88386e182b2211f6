/**
 * What every measurement hands back: figures, each the median of repeated runs with their min and max, and a
 * target it is held against. Also the small statistics they are made from, and the table the bench prints.
 */

/** A spread of repeated runs of one figure. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many runs the spread is made of. */
  readonly runs: number;
}

/** A bound the median (for a ratio or a level) or the worst run (for a limit) must keep. */
export interface Target {
  /** "at most 25", "at least 2", ... as printed. */
  readonly text: string;
  readonly met: boolean;
}

export interface Figure {
  /** Which measurement it belongs to: "start-up", "turn overhead", ... */
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly spread: Spread;
  /** Absent for figures shown for context only. */
  readonly target?: Target;
}

export interface MeasurementResult {
  readonly figures: Figure[];
  /** How the measurement was made, in a sentence or two (printed and written to the JSON). */
  readonly method: string;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function spreadOf(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** The spread over runs of one number each run has: `spreadsOf(runs)((run) => run.p99)`. */
export function spreadsOf<Run>(runs: readonly Run[]): (pick: (run: Run) => number) => Spread {
  return (pick) => spreadOf(runs.map(pick));
}

/** A run's latencies, in ms, by percentile. */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export function percentilesOf(values: readonly number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

/** The p50, p95 and p99 of repeated runs, in ms; the p99 is judged against `p99Target`. */
export function percentileFigures(group: string, runs: readonly Percentiles[], p99Target: number): Figure[] {
  const of = spreadsOf(runs);
  const p99 = of((run) => run.p99);
  return [
    { group, name: 'p50', unit: 'ms', spread: of((run) => run.p50) },
    { group, name: 'p95', unit: 'ms', spread: of((run) => run.p95) },
    { group, name: 'p99', unit: 'ms', spread: p99, target: atMost(p99, p99Target) },
  ];
}

/** The target is judged on the median unless `on` says otherwise (a worst case is judged on the max). */
export function atMost(spread: Spread, limit: number, on: 'median' | 'max' = 'median'): Target {
  return { text: `${on === 'max' ? 'worst ' : ''}<= ${format(limit)}`, met: spread[on] <= limit };
}

export function atLeast(spread: Spread, limit: number, on: 'median' | 'min' = 'median'): Target {
  return { text: `${on === 'min' ? 'worst ' : ''}>= ${format(limit)}`, met: spread[on] >= limit };
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toFixed(digits);
}

/** The table printed at the end of a run: figure, median, min, max, target, PASS/MISS. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['figure', 'unit', 'median', 'min', 'max', 'runs', 'target', 'result'];
  const rows = figures.map((figure) => [
    `${figure.group}: ${figure.name}`,
    figure.unit,
    format(figure.spread.median),
    format(figure.spread.min),
    format(figure.spread.max),
    String(figure.spread.runs),
    figure.target?.text ?? '',
    figure.target === undefined ? '' : figure.target.met ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 || column === 1 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
