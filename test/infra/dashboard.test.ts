/**
 * The operations dashboard (lib/operations/dashboard.ts) shows every metric the function emits, the AWS metrics
 * of the function and the table, and every alarm. The list of the function's metrics is METRIC
 * (lib/definition/metrics.ts), and the function's source is read to check that it emits each of them through
 * METRIC and nothing else: a new metric, emitted and not on the dashboard, fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_METRICS_NAMESPACE, FUNCTION_SERVICE_NAME } from '../../lib/definition/function-settings';
import { CALL_ENDING_DIMENSION, METRIC } from '../../lib/definition/metrics';
import { CALL_ENDINGS } from '../../lib/definition/transcripts';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { dashboardName } from '../../lib/operations/dashboard';
import { dashboardHtml } from '../../scripts/render-dashboard';
import { REPO_ROOT, templatesFor } from './synth';

type Resource = { Properties: Record<string, unknown> };
interface DashboardBody {
  start: string;
  widgets: { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[] } }[];
}

const { bot } = templatesFor();
const dashboards = bot.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>;
const [dashboardId] = Object.keys(dashboards);

/** The body as JSON, each CloudFormation token written as `{Ref:<id>}` or `{GetAtt:<id>}` (or TOKEN). */
function bodyOf(dashboard: Resource): DashboardBody {
  const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (token.Ref) return `{Ref:${token.Ref}}`;
      if (token['Fn::GetAtt']) return `{GetAtt:${token['Fn::GetAtt'][0]}}`;
      return 'TOKEN';
    })
    .join('');
  return JSON.parse(text) as DashboardBody;
}

const body = bodyOf(dashboards[dashboardId]);
/** Every metric line of every graph: [namespace, name, ...dimension pairs, options]. */
const metricLines = body.widgets.flatMap((widget) => widget.properties.metrics ?? []);
const shown = (namespace: string, metricName: string) =>
  metricLines.filter((line) => line[0] === namespace && line[1] === metricName);
/** A metric line's dimensions (CloudWatch lists them as name, value pairs after the metric's name). */
const dimensionsOf = (line: unknown[]) => {
  const pairs = line.slice(2).filter((part): part is string => typeof part === 'string');
  return Object.fromEntries(pairs.flatMap((_, i) => (i % 2 === 0 ? [[pairs[i], pairs[i + 1]]] : [])));
};
const optionsOf = (line: unknown[]) => (line.find((part) => typeof part === 'object') ?? {}) as { stat?: string };

/** Every TypeScript file of the function's source. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('operations dashboard', () => {
  test('one per deployment, named with the prefix, showing the last day; its name is an output', () => {
    expect(Object.keys(dashboards)).toHaveLength(1);
    expect(dashboards[dashboardId].Properties.DashboardName).toBe('chalkbot-operations');
    expect(body.start).toBe('-P1D');
    bot.hasOutput(STACK_OUTPUTS.dashboardName, { Value: { Ref: dashboardId } });
    const demo = Object.values(templatesFor({ prefix: 'demo' }).bot.findResources('AWS::CloudWatch::Dashboard'));
    expect(demo.map((d) => d.Properties.DashboardName)).toEqual([dashboardName('demo')]);
  });

  test.each(Object.values(METRIC))('shows the function metric %s, with the service dimension', (metricName) => {
    const lines = shown(FUNCTION_METRICS_NAMESPACE, metricName);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(dimensionsOf(line).service).toBe(FUNCTION_SERVICE_NAME);
  });

  test('calls by how they ended: one series per ending the archiver counts', () => {
    const endings = shown(FUNCTION_METRICS_NAMESPACE, METRIC.callEnded).map(dimensionsOf);
    expect(endings).toEqual(
      CALL_ENDINGS.map((ending) => ({ service: FUNCTION_SERVICE_NAME, [CALL_ENDING_DIMENSION]: ending })),
    );
  });

  test('turn and model latency as p50, p90 and p99; calls per hour from Connect, for this instance', () => {
    for (const metricName of [METRIC.turnLatency, METRIC.modelLatency]) {
      const stats = shown(FUNCTION_METRICS_NAMESPACE, metricName).map((line) => optionsOf(line).stat);
      expect(stats).toEqual(expect.arrayContaining(['p50', 'p90', 'p99']));
    }
    const [calls] = shown('AWS/Connect', 'CallsPerInterval');
    expect(calls.slice(2, 6)).toEqual(['InstanceId', 'TOKEN', 'MetricGroup', 'VoiceCalls']);
    expect(optionsOf(calls)).toMatchObject({ stat: 'Sum', period: 3600 });
  });

  test("the answer function's errors, throttles, duration and concurrency; the table's throttles and latency", () => {
    const answer = Object.keys(bot.findResources('AWS::Lambda::Function', { Properties: { PackageType: 'Image' } }))[0];
    for (const metricName of ['Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']) {
      const onAnswer = shown('AWS/Lambda', metricName).filter((line) => line.includes(`{Ref:${answer}}`));
      expect({ metricName, shown: onAnswer.length > 0 }).toEqual({ metricName, shown: true });
    }
    const table = Object.keys(bot.findResources('AWS::DynamoDB::Table')).find((id) => id.startsWith('CallMemory'));
    const onTable = (metricName: string) =>
      shown('AWS/DynamoDB', metricName).filter((line) => line.includes(`{Ref:${table}}`));
    // The library draws the table's latency per operation with a SEARCH expression naming the metric.
    const latency = metricLines.filter((line) => JSON.stringify(line).includes('SuccessfulRequestLatency'));
    expect(latency.filter((line) => JSON.stringify(line).includes(`{Ref:${table}}`)).length).toBeGreaterThan(0);
    expect(onTable('ReadThrottleEvents').length + onTable('WriteThrottleEvents').length).toBeGreaterThan(0);
  });

  test('every alarm of the bot stack is on it, with its state', () => {
    const alarms = Object.keys(bot.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(6);
    const onDashboard = body.widgets.flatMap((widget) =>
      widget.type === 'alarm' ? (widget.properties.alarms ?? []) : [],
    );
    expect(onDashboard.sort()).toEqual(alarms.map((id) => `{GetAtt:${id}}`).sort());
  });
});

test("the README's picture is drawn from this definition (scripts/render-dashboard.ts): every graph, every alarm", () => {
  const html = dashboardHtml(bot.toJSON() as Parameters<typeof dashboardHtml>[0]);
  const titles = body.widgets.flatMap((widget) => (widget.type === 'metric' ? [widget.properties.title ?? ''] : []));
  for (const title of titles) expect(html).toContain(`<div class="title">${title}</div>`);
  for (const alarm of Object.values(bot.findResources('AWS::CloudWatch::Alarm')))
    expect(html).toContain(alarm.Properties.AlarmDescription);
  expect(existsSync(join(REPO_ROOT, 'docs', 'dashboard.png'))).toBe(true);
});

describe('the function emits every METRIC, and only through METRIC', () => {
  const sources = sourceFiles(join(REPO_ROOT, 'lambda', 'src')).map((path) => readFileSync(path, 'utf8'));
  const calls = sources.flatMap((text) =>
    [...text.matchAll(/\.addMetric\(\s*([^,]+),/g)].map((match) => match[1].trim()),
  );

  test('each addMetric names its metric from METRIC', () => {
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((name) => !/^METRIC\.[a-zA-Z]+$/.test(name))).toEqual([]);
  });

  test('every METRIC is emitted somewhere in the function', () => {
    const emitted = new Set(calls.map((name) => name.replace('METRIC.', '')));
    expect(Object.keys(METRIC).filter((key) => !emitted.has(key))).toEqual([]);
  });
});
