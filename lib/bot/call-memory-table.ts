/**
 * What the bot remembers of each call: one item per contact id, gone after its `expiresAt`. The key and TTL
 * names come from lib/definition/call-memory.ts, the same module the function and the local call read.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CALL_MEMORY_TABLE } from '../definition/call-memory';

export class CallMemoryTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: CALL_MEMORY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: CALL_MEMORY_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Items live a day by default; a table left behind by a deleted bot stack would only cost and confuse.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
