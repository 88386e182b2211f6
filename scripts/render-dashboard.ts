/**
 * Draws the operations dashboard as synthesized (the bot stack's AWS::CloudWatch::Dashboard) to a PNG, for the
 * README: each widget where the DashboardBody puts it on CloudWatch's 24-column grid, with its title, its series
 * and the alarms with their descriptions. No AWS account is involved, so the lines are illustrative (a fixed
 * pseudo-random series per metric), and the picture says so.
 *
 *   npm run synth && npx tsx scripts/render-dashboard.ts [--template cdk.out/chalkbot-bot.template.json]
 *                                                        [--out docs/dashboard.png]
 *
 * The browser is Debian's chromium (apt-get install chromium) driven by playwright-core.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

interface Widget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
    readonly view?: string;
  };
}

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

const COLUMN_PX = 56;
const ROW_PX = 34;
const REGION = 'us-east-1';

/** The dashboard's widgets, its CloudFormation tokens written as words a reader understands. */
export function dashboardWidgets(template: Template): { name: string; widgets: Widget[] } {
  const dashboard = Object.values(template.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  if (!dashboard) throw new Error('the template has no AWS::CloudWatch::Dashboard');
  const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const parts = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : tokenWord(part))).join('');
  const { widgets } = JSON.parse(text) as { widgets: Widget[] };
  return { name: String(dashboard.Properties.DashboardName ?? 'dashboard'), widgets };
}

function tokenWord(token: unknown): string {
  const { Ref, 'Fn::GetAtt': getAtt } = token as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (Ref === 'AWS::Region') return REGION;
  if (Ref) return Ref;
  if (getAtt) return `alarm:${getAtt[0]}`;
  return 'instance-id';
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** A small, fixed series per name, so the picture is the same on every run. */
function series(name: string, points = 24): number[] {
  let seed = [...name].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7);
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  const base = 2 + next() * 6;
  return Array.from({ length: points }, (_, i) => Math.max(0, base + Math.sin(i / 3 + next()) * 2 + next() * 2));
}

/** The visible series of a graph: labelled metrics and math expressions, not the hidden inputs of an expression. */
function seriesLabels(metrics: unknown[][]): string[] {
  return metrics.flatMap((line) => {
    const options = (line.find((part) => typeof part === 'object' && part !== null) ?? {}) as {
      label?: string;
      visible?: boolean;
      expression?: string;
    };
    if (options.visible === false) return [];
    // The library's SEARCH expressions (one line per DynamoDB operation) carry a blank label.
    const search = options.expression?.startsWith('SEARCH(') ? 'each operation' : options.expression;
    const label = options.label?.trim() || (typeof line[1] === 'string' ? line[1] : search) || 'series';
    return [label.replace(/\s*\(avg: \$\{AVG\}\)/, '')];
  });
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function graph(widget: Widget, widthPx: number, heightPx: number): string {
  const labels = seriesLabels(widget.properties.metrics ?? []);
  const chartHeight = Math.max(40, heightPx - 70 - 14 * Math.ceil(labels.length / 2));
  const chartWidth = widthPx - 24;
  const bar = widget.properties.view === 'bar';
  const drawn = labels.map((label, index) => {
    const values = series(`${widget.properties.title}/${label}`, bar ? 12 : 24);
    const max = 12;
    const color = COLORS[index % COLORS.length];
    if (bar) {
      const slot = chartWidth / values.length;
      const width = Math.max(2, slot / (labels.length + 1));
      return values
        .map((v, i) => {
          const h = (v / max) * chartHeight;
          return `<rect x="${i * slot + index * width}" y="${chartHeight - h}" width="${width}" height="${h}" fill="${color}"/>`;
        })
        .join('');
    }
    const step = chartWidth / (values.length - 1);
    const points = values.map(
      (v, i) => `${(i * step).toFixed(1)},${(chartHeight - (v / max) * chartHeight).toFixed(1)}`,
    );
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.join(' ')}"/>`;
  });
  const legend = labels
    .map(
      (label, index) => `<span><i style="background:${COLORS[index % COLORS.length]}"></i>${escapeHtml(label)}</span>`,
    )
    .join('');
  return (
    `<div class="title">${escapeHtml(widget.properties.title ?? '')}</div>` +
    `<svg width="${chartWidth}" height="${chartHeight}"><line x1="0" y1="${chartHeight}" x2="${chartWidth}" ` +
    `y2="${chartHeight}" stroke="#ccc"/>${drawn.join('')}</svg><div class="legend">${legend}</div>`
  );
}

function markdown(text: string): string {
  const plain = escapeHtml(
    text.replace(/\*\*\[([^\]]+)\]\([^)]*\)\*\*/g, '$1').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1'),
  );
  const heading = /^(#+)\s*(.*)$/s.exec(plain);
  return heading ? `<div class="h${heading[1].length}">${heading[2]}</div>` : `<div>${plain}</div>`;
}

function alarmList(widget: Widget, template: Template): string {
  const rows = (widget.properties.alarms ?? []).map((arn) => {
    const id = arn.replace(/^alarm:/, '');
    const description = String(template.Resources[id]?.Properties.AlarmDescription ?? id);
    return `<div class="alarm"><b>OK</b> ${escapeHtml(description)}</div>`;
  });
  return `<div class="title">${escapeHtml(widget.properties.title ?? 'Alarms')}</div><div class="alarms">${rows.join('')}</div>`;
}

/** The page: the widgets at their grid positions, and a line saying what the picture is. */
export function dashboardHtml(template: Template): string {
  const { name, widgets } = dashboardWidgets(template);
  const bottom = Math.max(...widgets.map((w) => w.y + w.height));
  const cells = widgets.map((widget) => {
    const [left, top] = [widget.x * COLUMN_PX, widget.y * ROW_PX];
    const [width, height] = [widget.width * COLUMN_PX - 8, widget.height * ROW_PX - 8];
    const inner =
      widget.type === 'text'
        ? markdown(widget.properties.markdown ?? '')
        : widget.type === 'alarm'
          ? alarmList(widget, template)
          : graph(widget, width, height);
    return `<div class="widget ${widget.type}" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px">${inner}</div>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;font:12px system-ui,sans-serif;background:#f2f3f3;color:#16191f}
header{padding:10px 12px;font-size:16px;font-weight:600}
header small{font-weight:400;color:#545b64;margin-left:12px}
.grid{position:relative;margin:0 8px;height:${bottom * ROW_PX}px;width:${24 * COLUMN_PX}px}
.widget{position:absolute;box-sizing:border-box;background:#fff;border:1px solid #d5dbdb;padding:6px 10px;overflow:hidden}
.widget.text{background:transparent;border:none;padding:4px 2px}
.h1{font-size:18px;font-weight:700}.h3{font-size:14px;font-weight:600}
.title{font-weight:600;margin-bottom:4px}
.legend span{display:inline-block;margin-right:10px;color:#545b64}
.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
.alarms{display:grid;grid-template-columns:1fr 1fr 1fr;gap:2px 16px}
.alarm b{color:#1d8102;margin-right:4px}
</style></head><body><header>CloudWatch dashboard ${escapeHtml(name)}<small>layout, titles, series and alarms from the
synthesized definition; the lines are illustrative, not measurements</small></header>
<div class="grid">${cells.join('')}</div></body></html>`;
}

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const { values } = parseArgs({
    options: {
      template: { type: 'string', default: join(root, 'cdk.out', 'chalkbot-bot.template.json') },
      out: { type: 'string', default: join(root, 'docs', 'dashboard.png') },
    },
  });
  const template = JSON.parse(readFileSync(resolve(values.template), 'utf8')) as Template;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 24 * COLUMN_PX + 16, height: 900 } });
    await page.setContent(dashboardHtml(template));
    await page.screenshot({ path: resolve(values.out), fullPage: true });
    console.log(`Wrote ${values.out}`);
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`render-dashboard: ${error.message}`);
    process.exitCode = 1;
  });
}
