/**
 * The queue a caller reaches when they ask for a person, with the hours it is staffed. The flow names it by
 * name (`${QUEUE_ARN:Chalkbot support}`), so the name here and in the flow file must agree; the bot stack
 * resolves the placeholder from `SupportQueue.queueArnsByName`.
 */
import * as connect from 'aws-cdk-lib/aws-connect';
import { Construct } from 'constructs';

/** The queue name the inbound flow refers to. */
export const SUPPORT_QUEUE_NAME = 'Chalkbot support';

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;

export interface SupportQueueProps {
  readonly instanceArn: string;
  /** IANA time zone of the opening hours. */
  readonly timeZone?: string;
}

export class SupportQueue extends Construct {
  readonly queueArn: string;
  /** Every queue the flows may name, by name. */
  readonly queueArnsByName: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SupportQueueProps) {
    super(scope, id);
    // Connect requires names for hours and queues; they are unique per instance, not per account.
    const hours = new connect.CfnHoursOfOperation(this, 'Hours', {
      instanceArn: props.instanceArn,
      name: `${SUPPORT_QUEUE_NAME} hours`,
      description: 'When a person can take a call handed over by Chalkbot: weekdays 9 to 5.',
      timeZone: props.timeZone ?? 'America/New_York',
      config: WEEKDAYS.map((day) => ({
        day,
        startTime: { hours: 9, minutes: 0 },
        endTime: { hours: 17, minutes: 0 },
      })),
    });
    const queue = new connect.CfnQueue(this, 'Queue', {
      instanceArn: props.instanceArn,
      name: SUPPORT_QUEUE_NAME,
      description: 'Callers who asked Chalkbot for a person.',
      hoursOfOperationArn: hours.attrHoursOfOperationArn,
    });
    this.queueArn = queue.attrQueueArn;
    this.queueArnsByName = { [SUPPORT_QUEUE_NAME]: queue.attrQueueArn };
  }
}
