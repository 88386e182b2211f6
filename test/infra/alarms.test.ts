import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTION_METRICS_NAMESPACE, FUNCTION_SERVICE_NAME } from '../../lib/definition/function-settings';
import { METRIC } from '../../lambda/src/observability';
import { buildTestApp, templatesFor } from './synth';

const template = templatesFor().bot;
const functionRef = {
  Ref: Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { PackageType: 'Image' } }))[0],
};

describe('bot stack alarms', () => {
  test("the function's own failure metrics alarm, under the namespace and service dimension it writes (EMF)", () => {
    // The names come from the function's METRIC list, so a renamed metric fails here rather than going silent.
    for (const metricName of [METRIC.modelFallback, METRIC.memoryFailure, METRIC.malformedEvent]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: FUNCTION_METRICS_NAMESPACE,
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: FUNCTION_SERVICE_NAME }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: Match.anyValue(),
        TreatMissingData: 'notBreaching',
      });
    }
  });

  test('Lambda errors and throttles of the answer function alarm', () => {
    for (const metricName of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: functionRef }],
        Statistic: 'Sum',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    }
    // Five on the answer function, one on the transcript archiver's errors.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('without alarmEmail: no topic, no subscription, alarms without actions', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });

  test('with alarmEmail: an encrypted, TLS-only topic the email subscribes to, and every alarm notifies it', () => {
    const withEmail = templatesFor({ alarmEmail: 'oncall@example.com' }).bot;
    withEmail.resourceCountIs('AWS::SNS::Topic', 1);
    const topicId = Object.keys(withEmail.findResources('AWS::SNS::Topic'))[0];
    withEmail.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    withEmail.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topicId },
    });
    // CloudWatch must be able to use the topic's key, or the alarm's publish fails silently.
    withEmail.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
          }),
        ]),
      },
    });
    const alarms = Object.values(withEmail.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  test('a malformed alarmEmail fails the synth naming the setting', () => {
    expect(() => buildTestApp({ alarmEmail: 'not an address' })).toThrow(/alarmEmail "not an address"/);
  });
});
