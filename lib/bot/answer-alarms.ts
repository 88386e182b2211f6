/**
 * Alarms on what a caller would notice: the function's own failure metrics (written as EMF by Powertools under
 * the function's namespace, with the `service` dimension; see lambda/src/observability.ts) and Lambda's errors
 * and throttles. With an alarm email, every alarm also notifies an encrypted SNS topic the address subscribes to.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { FUNCTION_METRICS_NAMESPACE, FUNCTION_SERVICE_NAME } from '../definition/function-settings';
import { METRIC } from '../definition/metrics';

/** The function's failure metrics and how many in five minutes are worth a look. A caller still hears an answer. */
export const FUNCTION_FAILURE_ALARMS = [
  // A model slower than the turn deadline now and then is expected; several in a row is an outage or a bad key.
  { metricName: METRIC.modelFallback, threshold: 3, description: 'callers heard the fallback instead of the model' },
  { metricName: METRIC.memoryFailure, threshold: 1, description: 'the call-memory table could not be read or written' },
  { metricName: METRIC.malformedEvent, threshold: 1, description: 'Lex sent an event the function could not read' },
] as const;

const PERIOD = Duration.minutes(5);

export interface AnswerAlarmsProps {
  readonly function: lambda.IFunction;
  /** Subscribed to the alarm topic; no topic is created without it. */
  readonly alarmEmail?: string;
}

export class AnswerAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic?: sns.Topic;

  constructor(scope: Construct, id: string, props: AnswerAlarmsProps) {
    super(scope, id);

    for (const { metricName, threshold, description } of FUNCTION_FAILURE_ALARMS) {
      const metric = new cloudwatch.Metric({
        namespace: FUNCTION_METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: FUNCTION_SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: PERIOD,
      });
      this.addAlarm(metricName, metric, threshold, `Chalkbot: ${description}.`);
    }
    const lambdaMetrics = { statistic: cloudwatch.Stats.SUM, period: PERIOD };
    this.addAlarm(
      'Errors',
      props.function.metricErrors(lambdaMetrics),
      1,
      'Chalkbot: the answer function failed; Lex spoke its own error.',
    );
    this.addAlarm(
      'Throttles',
      props.function.metricThrottles(lambdaMetrics),
      1,
      'Chalkbot: the answer function was throttled.',
    );

    if (props.alarmEmail !== undefined) {
      // A key of our own: CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
      const key = new kms.Key(this, 'TopicKey', {
        description: 'Encrypts the Chalkbot alarm topic',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      this.topic = new sns.Topic(this, 'Topic', { displayName: 'Chalkbot alarms', masterKey: key, enforceSSL: true });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      const notify = new actions.SnsAction(this.topic);
      for (const alarm of this.alarms) alarm.addAlarmAction(notify);
    }
  }

  private addAlarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No turns means nothing failed.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }),
    );
  }
}
