/**
 * The function Lex calls on every free-form turn: a container image built from `lambda/` (its Dockerfile puts
 * the esbuild bundle on the AWS Node.js 22 base image), with the settings of the DESIGN contract in its
 * environment. The model is the deployer's choice (lib/model-settings.ts): an OpenAI or Azure OpenAI key stays
 * in Secrets Manager (the function gets the secret's ARN and read access, never the key; its value is set out
 * of band, see the README); Bedrock needs no key, only the role's permission to call the one model.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LOG_RETENTION_DAYS } from '../log-retention';
import { type DeployedModels, usesProvider } from '../model-settings';
import { ANSWER_FUNCTION_MEMORY_MB, START_NODE_WRAPPER } from '../definition/function-runtime';
import { grantBedrockInvoke } from './bedrock-access';
import { grantIndexEmbeddings } from './embeddings-access';
import {
  FUNCTION_ENV,
  FUNCTION_METRICS_NAMESPACE,
  FUNCTION_SERVICE_NAME,
  FUNCTION_TIMEOUT_SECONDS,
} from '../definition/function-settings';

/** The environment variable names the stack sets, from the function's own list (DESIGN.md, "Contracts"). */
export const FUNCTION_ENVIRONMENT = {
  table: FUNCTION_ENV.callMemoryTable,
  openAiKeySecretArn: FUNCTION_ENV.openAiApiKeySecretArn,
  openAiModel: FUNCTION_ENV.openAiModel,
  openAiBaseUrl: FUNCTION_ENV.openAiBaseUrl,
  modelProvider: FUNCTION_ENV.modelProvider,
  fallbackModelProvider: FUNCTION_ENV.fallbackModelProvider,
  fallbackModel: FUNCTION_ENV.fallbackModel,
  azureOpenAiEndpoint: FUNCTION_ENV.azureOpenAiEndpoint,
  azureOpenAiDeployment: FUNCTION_ENV.azureOpenAiDeployment,
  azureOpenAiApiVersion: FUNCTION_ENV.azureOpenAiApiVersion,
  azureOpenAiKeySecretArn: FUNCTION_ENV.azureOpenAiApiKeySecretArn,
  bedrockModelId: FUNCTION_ENV.bedrockModelId,
  memoryExpirySeconds: FUNCTION_ENV.callMemoryExpirySeconds,
  ordersTable: FUNCTION_ENV.ordersTable,
  orderLookupUrl: FUNCTION_ENV.orderLookupUrl,
  orderLookupTokenSecretArn: FUNCTION_ENV.orderLookupTokenSecretArn,
} as const;

/** Where look_up_order reads orders: the stack's table, or the business's API (with an optional token secret). */
export type AnswerFunctionOrders =
  | { readonly table: dynamodb.ITable }
  | { readonly lookupUrl: string; readonly tokenSecret?: secretsmanager.ISecret };

export interface AnswerFunctionProps {
  /** The Docker build context (the repo's `lambda/`). */
  readonly imageDirectory: string;
  readonly table: dynamodb.ITable;
  /** Which model answers, and which when it fails. */
  readonly models: DeployedModels;
  readonly openAiBaseUrl?: string;
  readonly memoryExpirySeconds: number;
  readonly orders: AnswerFunctionOrders;
}

export class AnswerFunction extends Construct {
  readonly function: lambda.DockerImageFunction;
  /** Holds the OpenAI API key as a plain string (its generated initial value is a placeholder); OpenAI only. */
  readonly openAiKeySecret?: secretsmanager.Secret;
  /** The same for Azure OpenAI's key, when Azure is the primary or the fallback. */
  readonly azureOpenAiKeySecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AnswerFunctionProps) {
    super(scope, id);

    const { models } = props;
    // A secret only for a provider that takes a key: with Bedrock alone there is no key to keep.
    if (usesProvider(models, 'openai')) this.openAiKeySecret = keySecret(this, 'OpenAiKey', 'OpenAI');
    if (usesProvider(models, 'azure')) this.azureOpenAiKeySecret = keySecret(this, 'AzureOpenAiKey', 'Azure OpenAI');

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role rather than the AWSLambdaBasicExecutionRole managed policy: logs go to this one group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Chalkbot answer function: its log group, the call-memory table and its model (key secret or Bedrock).',
    });

    const environment: Record<string, string> = {
      [FUNCTION_ENVIRONMENT.table]: props.table.tableName,
      ...modelEnvironment(models, this.openAiKeySecret, this.azureOpenAiKeySecret),
      [FUNCTION_ENVIRONMENT.memoryExpirySeconds]: String(props.memoryExpirySeconds),
      POWERTOOLS_SERVICE_NAME: FUNCTION_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: FUNCTION_METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // Node.js starts without the bootstrap's V8 flags, so its own and the image's code caches are read.
      AWS_LAMBDA_EXEC_WRAPPER: START_NODE_WRAPPER,
    };
    if (props.openAiBaseUrl !== undefined && this.openAiKeySecret)
      environment[FUNCTION_ENVIRONMENT.openAiBaseUrl] = props.openAiBaseUrl;
    if ('table' in props.orders) environment[FUNCTION_ENVIRONMENT.ordersTable] = props.orders.table.tableName;
    else {
      environment[FUNCTION_ENVIRONMENT.orderLookupUrl] = props.orders.lookupUrl;
      const secret = props.orders.tokenSecret;
      if (secret) environment[FUNCTION_ENVIRONMENT.orderLookupTokenSecretArn] = secret.secretArn;
    }

    this.function = new lambda.DockerImageFunction(this, 'Function', {
      description: 'Answers Chalkbot callers with the language model, remembering the call.',
      // arm64: cheaper per GB-second and the base image exists for it; the image platform must match.
      architecture: lambda.Architecture.ARM_64,
      code: lambda.DockerImageCode.fromImageAsset(props.imageDirectory, { platform: Platform.LINUX_ARM64 }),
      memorySize: ANSWER_FUNCTION_MEMORY_MB,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      role,
      logGroup,
      environment,
    });

    logGroup.grantWrite(role);
    // A turn does one GetItem and one UpdateItem (lambda/src/call-memory.ts); nothing else on the table.
    props.table.grant(role, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.openAiKeySecret?.grantRead(role);
    this.azureOpenAiKeySecret?.grantRead(role);
    const bedrockModels = [models.primary, models.fallback].filter((model) => model?.provider === 'bedrock');
    for (const model of bedrockModels) grantBedrockInvoke(Stack.of(this), role, model!.model);
    // The question is embedded by the model the knowledge index was built with: Bedrock's needs its grant too.
    grantIndexEmbeddings(Stack.of(this), role, props.imageDirectory);
    // look_up_order does one GetItem per lookup (lambda/src/orders/orders-table.ts); it never writes orders.
    if ('table' in props.orders) props.orders.table.grant(role, 'dynamodb:GetItem');
    else props.orders.tokenSecret?.grantRead(role);
  }
}

/** A secret for a provider's API key; the operator puts the real key in after the first deploy. */
function keySecret(scope: Construct, id: string, provider: string): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: `${provider} API key of the Chalkbot function; set it with \`aws secretsmanager put-secret-value\`.`,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: `The key is issued and rotated at ${provider}, outside AWS; there is nothing Secrets Manager could rotate.`,
  });
  return secret;
}

/** The model settings the function reads (lambda/src/model-settings.ts), for the providers in use only. */
function modelEnvironment(
  models: DeployedModels,
  openAiKey: secretsmanager.ISecret | undefined,
  azureKey: secretsmanager.ISecret | undefined,
): Record<string, string> {
  const modelOf = (provider: string) => (models.primary.provider === provider ? models.primary.model : undefined);
  const environment: Record<string, string | undefined> = {
    [FUNCTION_ENVIRONMENT.modelProvider]: models.primary.provider,
    [FUNCTION_ENVIRONMENT.fallbackModelProvider]: models.fallback?.provider,
    [FUNCTION_ENVIRONMENT.fallbackModel]: models.fallback?.model,
    [FUNCTION_ENVIRONMENT.openAiKeySecretArn]: openAiKey?.secretArn,
    [FUNCTION_ENVIRONMENT.openAiModel]: modelOf('openai'),
    [FUNCTION_ENVIRONMENT.azureOpenAiEndpoint]: models.azure?.endpoint,
    [FUNCTION_ENVIRONMENT.azureOpenAiApiVersion]: models.azure?.apiVersion,
    [FUNCTION_ENVIRONMENT.azureOpenAiDeployment]: modelOf('azure'),
    [FUNCTION_ENVIRONMENT.azureOpenAiKeySecretArn]: azureKey?.secretArn,
    [FUNCTION_ENVIRONMENT.bedrockModelId]: modelOf('bedrock'),
  };
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
