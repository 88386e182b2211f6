/**
 * The first request a DynamoDB client sends pays for what later ones reuse: resolving its credentials and
 * endpoint, the first run of its serializers and signer, and the connection (in Lambda, a TLS handshake). In the
 * init phase the function pays instead of the first caller, with one read of a key no call can have: a contact id
 * never starts with '#'. What it reads is thrown away and a failure is ignored; the first turn meets any real
 * problem with the table itself.
 */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';

/** The key the warm-up reads; the proxy in the tests' world tells it from a turn's read by this. */
export const WARM_UP_CALL_ID = '#warm-up';

export function warmUpTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return client
    .send(
      new GetItemCommand({
        TableName: tableName,
        Key: { [CALL_MEMORY_TABLE.partitionKey]: { S: WARM_UP_CALL_ID } },
        ProjectionExpression: CALL_MEMORY_TABLE.partitionKey,
      }),
    )
    .then(
      () => undefined,
      () => undefined,
    );
}
