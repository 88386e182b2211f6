/**
 * An index built with OpenAI's embeddings (EMBEDDINGS=openai): the deployed function embeds each caller's question
 * with its own OpenAI key, read from the key's Secrets Manager secret as the chat model's is, at the base URL it
 * is given. Before, it sent no key at all and fell back to keywords on every turn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Embeddings } from '@langchain/core/embeddings';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../lambda/src/handler';
import { parseKnowledge } from '../../lambda/src/knowledge/documents';
import { KnowledgeIndex } from '../../lambda/src/knowledge/search-index';
import { lambdaContext, lexEvent, spokenText, startWorld, type World } from '../../local/function-world';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:chalkbot/openai-AbCdEf';
const VECTORS: Record<string, number[]> = {
  'We repair punctures while you wait, for 12 pounds.': [1, 0, 0, 0],
  'Gift cards come in any amount from 10 pounds.': [0, 1, 0, 0],
};

const secrets = mockClient(SecretsManagerClient);
let world: World;
let server: Server;
let baseUrl: string;
let indexDir: string;
const embeddingRequests: { headers: IncomingHttpHeaders; input: unknown }[] = [];

beforeAll(async () => {
  world = await startWorld();
  // OpenAI's embeddings endpoint on loopback: every question means "puncture"; chat completions fail.
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.url?.endsWith('/embeddings')) {
        embeddingRequests.push({ headers: request.headers, input: JSON.parse(body).input });
        const reply = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.9, 0.1, 0, 0] }] };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      } else response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  const documents = parseKnowledge(Object.keys(VECTORS).map((text, at) => ({ file: `page-${at}.txt`, text })));
  const known = {
    embedDocuments: async (texts: string[]) => texts.map((text) => VECTORS[text]),
  } as unknown as Embeddings;
  const index = await KnowledgeIndex.build(documents, {
    choice: { kind: 'openai', model: 'text-embedding-3-small' },
    embeddings: known,
  });
  indexDir = mkdtempSync(join(tmpdir(), 'chalkbot-openai-index-'));
  await index.save(indexDir);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await world.stop();
  rmSync(indexDir, { recursive: true, force: true });
  secrets.restore();
});

test("the question is embedded with the key from the function's secret, and the passage it means is found", async () => {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: 'sk-from-the-secret' });
  const handler = createHandler({
    env: {
      ...world.env,
      OPENAI_API_KEY: '',
      OPENAI_API_KEY_SECRET_ARN: SECRET_ARN,
      OPENAI_BASE_URL: baseUrl,
      KNOWLEDGE_DIR: indexDir,
    },
  });
  const result = await handler(
    lexEvent({ contactId: 'openai-embeddings', transcript: 'Can you fix a flat tyre?' }),
    lambdaContext(),
  );
  expect(embeddingRequests).toHaveLength(1);
  expect(embeddingRequests[0].headers.authorization).toBe('Bearer sk-from-the-secret');
  expect(JSON.stringify(embeddingRequests[0].input)).toContain('Can you fix a flat tyre?');
  // The chat model is down here: the passage found by meaning is spoken without it.
  expect(spokenText(result)).toBe('We repair punctures while you wait, for 12 pounds.');
});
