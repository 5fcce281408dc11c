/**
 * The server's counters, and their Prometheus text exposition (format 0.0.4) for `GET /metrics`.
 *
 * A snapshot is plain data, so with `--workers N` the primary process can add up the workers'
 * snapshots and one scrape sees the whole server (see cluster.ts).
 */

/** Upper bounds of the latency histogram's buckets, in seconds (the last, +Inf, is implicit). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsSnapshot {
  /** Requests answered, by route and status: "predict 200" → count. */
  requests: Record<string, number>;
  /** Cumulative counts per bucket of LATENCY_BUCKETS, then +Inf. */
  latencyBuckets: number[];
  latencySum: number;
  latencyCount: number;
  /** Rows scored (predict instances and :score CSV rows). */
  rows: number;
  /** Cells whose category was not seen in training. */
  unseen: number;
  /** Model files loaded (the first included), and replacements refused. */
  reloads: number;
  reloadFailures: number;
  /** The version being served, per process (one entry when merged from workers that agree). */
  versions: string[];
  /** Processes added up in this snapshot. */
  processes: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  private latencySum = 0;
  private latencyCount = 0;
  rows = 0;
  unseen = 0;
  reloads = 0;
  reloadFailures = 0;
  version = '';

  /** Counts one answered request and its latency in seconds. */
  observe(route: string, status: number, seconds: number): void {
    const key = `${route} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let b = 0;
    while (b < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[b]) b++;
    this.buckets[b]++;
    this.latencySum += seconds;
    this.latencyCount++;
  }

  snapshot(): MetricsSnapshot {
    const cumulative: number[] = [];
    let c = 0;
    for (const n of this.buckets) cumulative.push((c += n));
    return {
      requests: Object.fromEntries(this.requests),
      latencyBuckets: cumulative,
      latencySum: this.latencySum,
      latencyCount: this.latencyCount,
      rows: this.rows,
      unseen: this.unseen,
      reloads: this.reloads,
      reloadFailures: this.reloadFailures,
      versions: this.version ? [this.version] : [],
      processes: 1,
    };
  }
}

/** The sum of several processes' snapshots. */
export function mergeSnapshots(parts: MetricsSnapshot[]): MetricsSnapshot {
  const out: MetricsSnapshot = {
    requests: {},
    latencyBuckets: new Array(LATENCY_BUCKETS.length + 1).fill(0),
    latencySum: 0,
    latencyCount: 0,
    rows: 0,
    unseen: 0,
    reloads: 0,
    reloadFailures: 0,
    versions: [],
    processes: 0,
  };
  for (const p of parts) {
    for (const [k, n] of Object.entries(p.requests)) out.requests[k] = (out.requests[k] ?? 0) + n;
    p.latencyBuckets.forEach((n, i) => (out.latencyBuckets[i] += n));
    out.latencySum += p.latencySum;
    out.latencyCount += p.latencyCount;
    out.rows += p.rows;
    out.unseen += p.unseen;
    out.reloads += p.reloads;
    out.reloadFailures += p.reloadFailures;
    for (const v of p.versions) if (!out.versions.includes(v)) out.versions.push(v);
    out.processes += p.processes;
  }
  return out;
}

/** A label value, escaped as the exposition format asks. */
function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The Prometheus text for a snapshot, for the model named `name`.
 * @example
 * prometheusText(m.snapshot(), 'marketing'); // '# HELP densely_requests_total ...'
 */
export function prometheusText(s: MetricsSnapshot, name: string): string {
  const lines: string[] = [];
  const model = `model="${label(name)}"`;
  lines.push('# HELP densely_requests_total Requests answered, by route and HTTP status.', '# TYPE densely_requests_total counter');
  for (const key of Object.keys(s.requests).sort()) {
    const [route, status] = key.split(' ');
    lines.push(`densely_requests_total{${model},route="${label(route)}",status="${status}"} ${s.requests[key]}`);
  }
  lines.push('# HELP densely_request_duration_seconds Time from a request\'s arrival to its last byte sent.', '# TYPE densely_request_duration_seconds histogram');
  LATENCY_BUCKETS.forEach((le, i) => lines.push(`densely_request_duration_seconds_bucket{${model},le="${le}"} ${s.latencyBuckets[i]}`));
  lines.push(`densely_request_duration_seconds_bucket{${model},le="+Inf"} ${s.latencyBuckets[LATENCY_BUCKETS.length]}`);
  lines.push(`densely_request_duration_seconds_sum{${model}} ${s.latencySum}`, `densely_request_duration_seconds_count{${model}} ${s.latencyCount}`);
  const counter = (metric: string, help: string, v: number) => lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} counter`, `${metric}{${model}} ${v}`);
  counter('densely_rows_scored_total', 'Rows scored, by :predict and :score.', s.rows);
  counter('densely_unseen_categories_total', 'Cells whose category was not seen in training (scored as all zeros).', s.unseen);
  counter('densely_model_loads_total', 'Model files loaded, the first one included.', s.reloads);
  counter('densely_model_load_failures_total', 'Replacement model files refused (the old model kept serving).', s.reloadFailures);
  lines.push('# HELP densely_model_version_info The model version being served (1 per version; two while workers switch).', '# TYPE densely_model_version_info gauge');
  for (const v of s.versions) lines.push(`densely_model_version_info{${model},version="${label(v)}"} 1`);
  lines.push('# HELP densely_processes Processes whose counters are added up here.', '# TYPE densely_processes gauge', `densely_processes{${model}} ${s.processes}`);
  return `${lines.join('\n')}\n`;
}
