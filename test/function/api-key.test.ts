/**
 * The deployed key path: the OpenAI key comes from a Secrets Manager secret (mocked with aws-sdk-client-mock),
 * kept for a few minutes and sent to the model; a failed read is a spoken fallback and is tried again next turn,
 * and a key the model rejects (401 from the fake server) is read again, so setting the real key needs no restart.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { botDefinition } from '../../lib/definition/bot';
import { ApiKeyProvider, KEY_MAX_AGE_MS, keyFromSecretString } from '../../lambda/src/api-key';
import { createHandler } from '../../lambda/src/handler';
import { lambdaContext, lexEvent, spokenText } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:chalkbot/openai-AbCdEf';

const world = useFunctionWorld();
const secrets = mockClient(SecretsManagerClient);
afterAll(async () => {
  secrets.restore();
});
beforeEach(() => {
  secrets.reset();
  world.openai.clearRequests();
});

const deployedEnv = () => ({ ...world.env, OPENAI_API_KEY: '', OPENAI_API_KEY_SECRET_ARN: SECRET_ARN });

test('the key is read from the secret once, then every model request of the next minutes carries it', async () => {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: 'sk-from-the-secret' });
  const handler = createHandler({ env: deployedEnv() });

  await handler(lexEvent({ contactId: 'call-secret', transcript: 'One.' }), lambdaContext());
  await handler(lexEvent({ contactId: 'call-secret', transcript: 'Two.' }), lambdaContext());

  expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  expect(world.openai.requests.map((request) => request.headers.authorization)).toEqual([
    'Bearer sk-from-the-secret',
    'Bearer sk-from-the-secret',
  ]);
});

test('a secret that cannot be read gives a spoken fallback, and the next turn tries again', async () => {
  secrets
    .on(GetSecretValueCommand)
    .rejectsOnce(new Error('AccessDeniedException'))
    .resolves({ SecretString: JSON.stringify({ apiKey: 'sk-second-try' }) });
  const handler = createHandler({ env: deployedEnv() });

  const first = await handler(lexEvent({ contactId: 'call-secret-fails', transcript: 'Hello?' }), lambdaContext());
  const second = await handler(
    lexEvent({ contactId: 'call-secret-fails', transcript: 'Hello again?' }),
    lambdaContext(),
  );

  expect(spokenText(first)).toBe(botDefinition.messages.modelUnavailable);
  expect(spokenText(second)).toBe('You said: Hello again?');
  expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  expect(world.openai.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-second-try']);
});

test('a key the model rejects (401) is read again at the next turn: setting the real key needs no restart', async () => {
  // The first deploy creates the secret with a generated placeholder; the operator sets the real key later.
  secrets
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolvesOnce({ SecretString: 'generated-placeholder' })
    .resolves({ SecretString: 'sk-the-real-key' });
  world.openai.setBehaviour((request) =>
    request.headers.authorization === 'Bearer sk-the-real-key' ? { reply: 'Now I can answer.' } : { status: 401 },
  );
  const handler = createHandler({ env: deployedEnv() });

  const first = await handler(lexEvent({ contactId: 'call-rotated', transcript: 'Hello?' }), lambdaContext());
  const second = await handler(lexEvent({ contactId: 'call-rotated', transcript: 'Hello again?' }), lambdaContext());
  const third = await handler(lexEvent({ contactId: 'call-rotated', transcript: 'Still there?' }), lambdaContext());

  expect(spokenText(first)).toBe(botDefinition.messages.modelUnavailable);
  expect(spokenText(second)).toBe('Now I can answer.');
  expect(spokenText(third)).toBe('Now I can answer.');
  // Read at the first turn, again after the 401, then kept; a 401 is not retried with the same key.
  expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  expect(world.openai.requests.map((request) => request.headers.authorization)).toEqual([
    'Bearer generated-placeholder',
    'Bearer sk-the-real-key',
    'Bearer sk-the-real-key',
  ]);
  world.openai.setBehaviour({});
});

test('a key from a secret is read again once it is older than KEY_MAX_AGE_MS, so rotation reaches warm containers', async () => {
  secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'sk-old' }).resolves({ SecretString: 'sk-rotated' });
  let now = 1_000_000;
  const keys = new ApiKeyProvider(
    { kind: 'secret', secretArn: SECRET_ARN, client: () => new SecretsManagerClient({ region: 'us-east-1' }) },
    { now: () => now },
  );

  expect(await keys.get(1000)).toBe('sk-old');
  now += KEY_MAX_AGE_MS - 1;
  expect(await keys.get(1000)).toBe('sk-old');
  now += 1;
  expect(await keys.get(1000)).toBe('sk-rotated');
  expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  expect(KEY_MAX_AGE_MS).toBeLessThanOrEqual(5 * 60_000);
});

test('the secret may hold the key as text or as JSON with apiKey or OPENAI_API_KEY', () => {
  expect(keyFromSecretString(' sk-plain \n')).toBe('sk-plain');
  expect(keyFromSecretString('{"apiKey":"sk-a"}')).toBe('sk-a');
  expect(keyFromSecretString('{"OPENAI_API_KEY":"sk-b"}')).toBe('sk-b');
  expect(() => keyFromSecretString('{"other":"x"}')).toThrow(/no "apiKey" or "OPENAI_API_KEY"/);
  expect(() => keyFromSecretString('  ')).toThrow(/empty/);
});
