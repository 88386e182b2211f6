/**
 * The business's orders, as look_up_order reads them: one item per order, keyed by `orderId` (from
 * lib/definition/orders.ts, the module the function, `npm run orders` and the local call read). Loaded with
 * `npm run orders -- put <file.json>`.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ORDERS_TABLE } from '../definition/orders';

export class OrdersTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ORDERS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      // Callers ask in bursts and rarely: pay per request.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Orders are the business's data: a bad load can be rolled back to any second of the last 35 days.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Kept when the bot stack is deleted: it may hold orders loaded by hand that exist nowhere else here.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
