/**
 * The tools this deployment offers the model, built once from the settings: look_up_order when orders are
 * configured (the stack's table, or the business's API), and always transfer_to_person and end_call. A new
 * tool is a declaration in lib/definition/tools.ts, a file in this folder, and one line here.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApiKeyProvider, type SecretsManagerClientSource } from '../api-key';
import type { OrderSource } from '../orders/order-source';
import { OrdersApi } from '../orders/orders-api';
import { OrdersTable } from '../orders/orders-table';
import type { OrderSettings, Settings } from '../settings';
import { endCallTool } from './end-call';
import { lookUpOrderTool } from './look-up-order';
import type { ToolImplementation } from './tool';
import { Toolbox } from './toolbox';
import { transferToPersonTool } from './transfer-to-person';

export interface ToolClients {
  readonly dynamoDB: DynamoDBClient;
  /** Made when first needed: only a deployment with an order API token reads a secret for tools. */
  readonly secretsManager: SecretsManagerClientSource;
}

export function createToolbox(settings: Settings, clients: ToolClients): Toolbox {
  const implementations: ToolImplementation[] = [];
  if (settings.orders)
    implementations.push(lookUpOrderTool(orderSource(settings.orders, clients)) as ToolImplementation);
  implementations.push(transferToPersonTool() as ToolImplementation, endCallTool() as ToolImplementation);
  return new Toolbox(implementations, settings.toolTimeoutMs);
}

function orderSource(orders: OrderSettings, clients: ToolClients): OrderSource {
  if (orders.kind === 'table') return new OrdersTable(clients.dynamoDB, orders.tableName);
  // The token is read like the OpenAI key: kept a few minutes, so a rotated token reaches warm containers.
  const token = orders.tokenSecretArn
    ? new ApiKeyProvider({ kind: 'secret', secretArn: orders.tokenSecretArn, client: clients.secretsManager })
    : orders.token
      ? new ApiKeyProvider({ kind: 'value', apiKey: orders.token })
      : undefined;
  return new OrdersApi({
    urlTemplate: orders.urlTemplate,
    token: token && ((timeoutMs) => token.get(timeoutMs)),
    tokenTimeoutMs: 1_000,
  });
}
