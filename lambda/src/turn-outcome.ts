/**
 * How a turn ended, counted for the dashboard: a failed turn, a hand-over to a person, the bot ending the call.
 * Read off the turn's record, so every path that keeps a record (and the handler's own failures) counts alike.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC, MetricUnit } from './observability';
import type { TurnRecord } from './turn-record';

export function countTurnOutcome(record: Pick<TurnRecord, 'route' | 'next'>, metrics: Metrics): void {
  if (record.route === 'failed') metrics.addMetric(METRIC.failedTurn, MetricUnit.Count, 1);
  if (record.next === 'agent') metrics.addMetric(METRIC.handOver, MetricUnit.Count, 1);
  if (record.next === 'hangup') metrics.addMetric(METRIC.hangUp, MetricUnit.Count, 1);
}
