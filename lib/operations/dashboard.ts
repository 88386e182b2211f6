/**
 * One CloudWatch dashboard per deployment, `<prefix>-operations`, built with cdk-monitoring-constructs (cdklabs):
 * what callers experienced first (calls and how they ended, turn and model latency, how turns were answered),
 * then the answer function, the archiver and the call-memory table from the library's own monitors, and the
 * state of every alarm of the bot stack.
 *
 * The app's own metrics are the function's EMF metrics (lib/definition/metrics.ts, under FUNCTION_METRICS_NAMESPACE
 * with the `service` dimension); test/infra/dashboard.test.ts fails when the function emits one this dashboard does
 * not show. Calls per hour are Connect's own CallsPerInterval (dimensions InstanceId and MetricGroup=VoiceCalls,
 * https://docs.aws.amazon.com/connect/latest/adminguide/monitoring-cloudwatch.html), so a call that never reached
 * the bot counts too.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type CustomMetricGroup,
  DefaultDashboardFactory,
  GraphWidgetType,
  MonitoringFacade,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { arnPathPart } from '../connect-arn';
import { FUNCTION_METRICS_NAMESPACE, FUNCTION_SERVICE_NAME } from '../definition/function-settings';
import { CALL_ENDING_DIMENSION, METRIC } from '../definition/metrics';
import { CALL_ENDINGS } from '../definition/transcripts';

type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The dashboard's name: the deploy prints its console link, the README names it. */
export function dashboardName(prefix: string): string {
  return `${prefix}-operations`;
}

/** What the dashboard shows by default: today's calls. */
const RANGE = Duration.days(1);
const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);

export interface OperationsDashboardProps {
  readonly prefix: string;
  readonly instanceArn: string;
  readonly answerFunction: lambda.IFunction;
  readonly archiverFunction: lambda.IFunction;
  readonly table: dynamodb.ITable;
  /** Shown with their state (OK, ALARM) at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const factory = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: dashboardName(props.prefix),
      detailDashboardRange: RANGE,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    const facade = new MonitoringFacade(this, 'Monitoring', {
      // The bot stack's alarms are its own (lib/bot/answer-alarms.ts); the monitors here create none.
      alarmFactoryDefaults: { alarmNamePrefix: props.prefix, actionsEnabled: false },
      metricFactoryDefaults: { namespace: FUNCTION_METRICS_NAMESPACE },
      dashboardFactory: factory,
    });

    facade
      .addLargeHeader(`Chalkbot: ${props.prefix}`)
      .addWidget(
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms (README, "Running it": what each means and what to do)',
          alarms: [...props.alarms],
          width: 24,
          height: 3,
        }),
      )
      .monitorCustom({
        alarmFriendlyName: 'Calls',
        humanReadableName: 'What callers experienced',
        metricGroups: callerMetricGroups(props.instanceArn),
      })
      .monitorLambdaFunction({
        lambdaFunction: props.answerFunction,
        humanReadableName: 'Answer function',
        isIterator: false,
      })
      .monitorDynamoTable({ table: props.table, humanReadableName: 'Call memory' })
      .monitorLambdaFunction({
        lambdaFunction: props.archiverFunction,
        humanReadableName: 'Transcript archiver',
        isIterator: false,
      });

    const dashboard = factory.createdDashboard();
    if (!dashboard) throw new Error('cdk-monitoring-constructs created no dashboard');
    this.dashboard = dashboard;
  }
}

/** One of the function's own metrics (lib/definition/metrics.ts). */
function appMetric(metricName: MetricName, label: string, statistic: string, period = FIVE_MINUTES) {
  return new cloudwatch.Metric({
    namespace: FUNCTION_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: FUNCTION_SERVICE_NAME },
    statistic,
    period,
    label,
  });
}

const count = (metricName: MetricName, label: string) => appMetric(metricName, label, cloudwatch.Stats.SUM);
const percentiles = (metricName: MetricName) =>
  (['p50', 'p90', 'p99'] as const).map((p) => appMetric(metricName, p, p));

/** Every one of the function's metrics, grouped as a person running the line reads them. */
function callerMetricGroups(instanceArn: string): CustomMetricGroup[] {
  const calls = new cloudwatch.Metric({
    namespace: 'AWS/Connect',
    metricName: 'CallsPerInterval',
    dimensionsMap: { InstanceId: arnPathPart(instanceArn, 1), MetricGroup: 'VoiceCalls' },
    statistic: cloudwatch.Stats.SUM,
    period: HOUR,
    label: 'Calls (Connect)',
  });
  return [
    {
      title: 'Calls and turns per hour',
      graphWidgetType: GraphWidgetType.BAR,
      metrics: [calls, appMetric(METRIC.turnLatency, 'Turns', cloudwatch.Stats.SAMPLE_COUNT, HOUR)],
    },
    { title: 'Turn latency (ms): event in to answer out', metrics: percentiles(METRIC.turnLatency) },
    { title: 'Model latency (ms): one model call', metrics: percentiles(METRIC.modelLatency) },
    {
      title: 'Fallbacks and failures',
      metrics: [
        count(METRIC.modelFallback, 'Model fallback (caller heard the fallback)'),
        count(METRIC.fallbackModelAnswer, 'Fallback model answered'),
        count(METRIC.failedTurn, 'Failed turns'),
        count(METRIC.silentTurn, 'Silent turns'),
        count(METRIC.malformedEvent, 'Malformed Lex events'),
        count(METRIC.memoryFailure, 'Call-memory failures'),
      ],
    },
    {
      title: 'How calls ended (per hour)',
      graphWidgetType: GraphWidgetType.BAR,
      metrics: CALL_ENDINGS.map(
        (ending) =>
          new cloudwatch.Metric({
            namespace: FUNCTION_METRICS_NAMESPACE,
            metricName: METRIC.callEnded,
            dimensionsMap: { service: FUNCTION_SERVICE_NAME, [CALL_ENDING_DIMENSION]: ending },
            statistic: cloudwatch.Stats.SUM,
            period: HOUR,
            label: ending,
          }),
      ),
    },
    {
      title: 'How calls left the bot',
      metrics: [count(METRIC.handOver, 'Hand-overs to a person'), count(METRIC.hangUp, 'Hang-ups by the bot')],
    },
    {
      title: 'Knowledge path',
      metrics: [
        count(METRIC.cannedAnswer, 'FAQ (no model)'),
        count(METRIC.groundedAnswer, 'Model with document passages'),
        count(METRIC.documentAnswer, 'Document passage (no model)'),
      ],
    },
    {
      title: 'Tools',
      metrics: [count(METRIC.toolCall, 'Tool calls'), count(METRIC.toolFailure, 'Tool failures')],
    },
  ];
}
