/**
 * `npm run orders -- put <file.json>` loads a file of orders (tools/order-records.ts) into the deployed orders
 * table, found from the bot stack's outputs, or `--outputs-file`, as the smoke test finds the bot.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { putOrders, readOrdersFile } from './order-records';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { parseCommandLine, UsageError } from './cli-args';
import { type AwsOptions, awsClientConfig, requireOutput, deployedOutputs } from './deployment';

export const ORDERS_USAGE = `Usage: npm run orders -- put <orders.json> [--outputs-file cdk-outputs.json] [--prefix <prefix>]
                       [--table <name>] [--profile <profile>] [--region <region>]

Loads the orders in <orders.json> (a JSON array; see samples/orders.json) into the deployed orders table.`;

export interface OrdersTarget extends AwsOptions {
  readonly outputsFile?: string;
  readonly prefix?: string;
  readonly table?: string;
}

/** The deployed orders table's name: `--table`, else the outputs file, else the bot stack's outputs. */
export async function resolveOrdersTable(
  options: OrdersTarget,
  cloudFormation: CloudFormationClient = new CloudFormationClient(awsClientConfig(options)),
): Promise<string> {
  if (options.table) return options.table;
  const { outputs, where } = await deployedOutputs(options, 'bot', cloudFormation);
  if (!outputs[STACK_OUTPUTS.ordersTableName] && outputs[STACK_OUTPUTS.orderLookupUrl]) {
    throw new Error(
      `This deployment looks orders up at ${outputs[STACK_OUTPUTS.orderLookupUrl]}, not in a table of its own.`,
    );
  }
  return requireOutput(outputs, STACK_OUTPUTS.ordersTableName, where);
}

/** `npm run orders -- put <file>`; resolves to the process exit code. */
export async function ordersCli(
  argv: string[],
  log: (line: string) => void = console.log,
  clients: { dynamoDB?: DynamoDBClient; cloudFormation?: CloudFormationClient } = {},
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      'outputs-file': { type: 'string' },
      prefix: { type: 'string' },
      table: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    log(ORDERS_USAGE);
    return 0;
  }
  const [command, file, ...rest] = positionals;
  if (command !== 'put')
    throw new UsageError(command === undefined ? 'say what to do: put <file.json>' : `unknown command ${command}`);
  if (file === undefined) throw new UsageError('put needs the orders file: put <file.json>');
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  const orders = readOrdersFile(file);
  const aws = { profile: values.profile, region: values.region };
  const tableName = await resolveOrdersTable(
    { ...aws, outputsFile: values['outputs-file'], prefix: values.prefix, table: values.table },
    clients.cloudFormation,
  );
  const dynamoDB = clients.dynamoDB ?? new DynamoDBClient(awsClientConfig(aws));
  await putOrders(dynamoDB, tableName, orders);
  log(`Loaded ${orders.length} order${orders.length === 1 ? '' : 's'} from ${file} into ${tableName}.`);
  return 0;
}
