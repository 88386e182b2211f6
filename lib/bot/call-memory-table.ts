/**
 * What the bot remembers of each call: one item per contact id, gone after its `expiresAt`. The key and TTL
 * names come from lib/definition/call-memory.ts, the same module the function and the local call read.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CALL_MEMORY_TABLE } from '../definition/call-memory';

export interface CallMemoryTableProps {
  /** How long a call's memory lives (the memoryExpiryDays setting); backups keep it no longer than that. */
  readonly memoryExpiryDays: number;
}

/** DynamoDB's bounds for PointInTimeRecoverySpecification.RecoveryPeriodInDays. */
const RECOVERY_PERIOD_DAYS = { min: 1, max: 35 } as const;

/** Whole days of point-in-time recovery that cover the memory's lifetime and no more, within DynamoDB's bounds. */
export function recoveryPeriodInDays(memoryExpiryDays: number): number {
  return Math.min(RECOVERY_PERIOD_DAYS.max, Math.max(RECOVERY_PERIOD_DAYS.min, Math.ceil(memoryExpiryDays)));
}

export class CallMemoryTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: CallMemoryTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: CALL_MEMORY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: CALL_MEMORY_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Recovery from a bad write, without backups holding expired calls for DynamoDB's default 35 days.
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: recoveryPeriodInDays(props.memoryExpiryDays),
      },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Items live a day by default; a table left behind by a deleted bot stack would only cost and confuse.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
