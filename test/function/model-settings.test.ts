/**
 * Choosing the model: MODEL_PROVIDER (openai, azure, bedrock), each provider's own settings, and the optional
 * fallback (FALLBACK_MODEL_PROVIDER / FALLBACK_MODEL). A missing or bad setting is named in the one SettingsError.
 */
import { DEFAULT_AZURE_OPENAI_API_VERSION, DEFAULT_BEDROCK_MODEL_ID } from '../../lib/definition/function-settings';
import { readSettings, SettingsError } from '../../lambda/src/settings';

const BASE = { CALL_MEMORY_TABLE: 'calls' };
const AZURE = {
  MODEL_PROVIDER: 'azure',
  AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
  AZURE_OPENAI_DEPLOYMENT: 'phone-4o-mini',
  AZURE_OPENAI_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:azure-key',
};

function problemsOf(env: Record<string, string>): string {
  try {
    readSettings({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof SettingsError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a SettingsError');
}

test('openai stays the default, configured by a key, a key secret or a server', () => {
  expect(readSettings(BASE).model).toBeUndefined();
  expect(readSettings({ ...BASE, OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }).model?.primary).toEqual({
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: 'http://127.0.0.1:1/v1',
  });
  expect(
    readSettings({ ...BASE, MODEL_PROVIDER: 'OpenAI', OPENAI_API_KEY: 'k', OPENAI_MODEL: 'gpt-4.1-mini' }).model
      ?.primary,
  ).toMatchObject({
    provider: 'openai',
    model: 'gpt-4.1-mini',
    apiKey: 'k',
  });
});

test('MODEL_PROVIDER=bedrock alone works: the default model id in the function region, no key', () => {
  const model = readSettings({ ...BASE, MODEL_PROVIDER: 'bedrock', AWS_REGION: 'us-west-2' }).model;
  expect(model?.primary).toEqual({
    provider: 'bedrock',
    modelId: DEFAULT_BEDROCK_MODEL_ID,
    region: 'us-west-2',
    endpointUrl: undefined,
  });
  expect(model?.fallback).toBeUndefined();
  expect(DEFAULT_BEDROCK_MODEL_ID).toBe('us.amazon.nova-lite-v1:0');
});

test('bedrock takes a model id, a loopback endpoint, and the CLI region when Lambda has not set one', () => {
  const primary = readSettings({
    ...BASE,
    MODEL_PROVIDER: 'bedrock',
    AWS_DEFAULT_REGION: 'eu-west-1',
    BEDROCK_MODEL_ID: 'eu.amazon.nova-lite-v1:0',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:4010',
  }).model?.primary;
  expect(primary).toEqual({
    provider: 'bedrock',
    modelId: 'eu.amazon.nova-lite-v1:0',
    region: 'eu-west-1',
    endpointUrl: 'http://127.0.0.1:4010',
  });
  expect(problemsOf({ MODEL_PROVIDER: 'bedrock' })).toMatch(/Amazon Bedrock needs a region \(AWS_REGION\)/);
});

test('azure takes its endpoint, deployment, API version and key (or key secret)', () => {
  expect(readSettings({ ...BASE, ...AZURE }).model?.primary).toEqual({
    provider: 'azure',
    endpoint: 'https://example.openai.azure.com',
    deployment: 'phone-4o-mini',
    apiVersion: DEFAULT_AZURE_OPENAI_API_VERSION,
    apiKey: undefined,
    apiKeySecretArn: AZURE.AZURE_OPENAI_API_KEY_SECRET_ARN,
  });
  expect(problemsOf({ MODEL_PROVIDER: 'azure' })).toBe(
    'Azure OpenAI needs AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT, AZURE_OPENAI_API_KEY or AZURE_OPENAI_API_KEY_SECRET_ARN',
  );
  expect(problemsOf({ ...AZURE, AZURE_OPENAI_ENDPOINT: 'example.openai.azure.com' })).toMatch(
    /AZURE_OPENAI_ENDPOINT must be an http\(s\) URL/,
  );
});

test('a fallback of another provider, or of the same provider with another model', () => {
  const crossProvider = readSettings({
    ...BASE,
    ...AZURE,
    FALLBACK_MODEL_PROVIDER: 'bedrock',
    AWS_REGION: 'us-east-1',
  }).model;
  expect(crossProvider?.primary.provider).toBe('azure');
  expect(crossProvider?.fallback).toEqual({
    provider: 'bedrock',
    modelId: DEFAULT_BEDROCK_MODEL_ID,
    region: 'us-east-1',
    endpointUrl: undefined,
  });

  const sameProvider = readSettings({
    ...BASE,
    MODEL_PROVIDER: 'bedrock',
    AWS_REGION: 'us-east-1',
    FALLBACK_MODEL: 'us.amazon.nova-micro-v1:0',
  }).model;
  expect(sameProvider?.fallback).toMatchObject({ provider: 'bedrock', modelId: 'us.amazon.nova-micro-v1:0' });

  const bedrockToOpenAi = readSettings({
    ...BASE,
    MODEL_PROVIDER: 'bedrock',
    AWS_REGION: 'us-east-1',
    FALLBACK_MODEL_PROVIDER: 'openai',
    OPENAI_API_KEY: 'k',
  });
  expect(bedrockToOpenAi.model?.fallback).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', apiKey: 'k' });
});

test('a fallback that cannot work is named: unknown provider, no primary, the primary itself, an unconfigured provider', () => {
  expect(problemsOf({ MODEL_PROVIDER: 'gemini' })).toBe(
    'MODEL_PROVIDER must be one of openai, azure, bedrock, got "gemini"',
  );
  expect(problemsOf({ FALLBACK_MODEL_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1' })).toMatch(/need a primary model/);
  expect(
    problemsOf({ MODEL_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', FALLBACK_MODEL: DEFAULT_BEDROCK_MODEL_ID }),
  ).toMatch(/the fallback model is the primary model/);
  expect(problemsOf({ MODEL_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', FALLBACK_MODEL_PROVIDER: 'openai' })).toMatch(
    /the OpenAI fallback needs/,
  );
  expect(problemsOf({ MODEL_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', FALLBACK_MODEL_PROVIDER: 'azure' })).toMatch(
    /Azure OpenAI needs/,
  );
});
