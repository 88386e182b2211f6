/**
 * The function Lex calls on every free-form turn: a container image built from `lambda/` (its Dockerfile puts
 * the esbuild bundle on the AWS Node.js 22 base image), with the settings of the DESIGN contract in its
 * environment. The OpenAI key stays in Secrets Manager: the function gets the secret's ARN and read access,
 * never the key; its value is set out of band (see the README).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LOG_RETENTION_DAYS } from '../log-retention';
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
  readonly openAiModel: string;
  readonly openAiBaseUrl?: string;
  readonly memoryExpirySeconds: number;
  readonly orders: AnswerFunctionOrders;
}

export class AnswerFunction extends Construct {
  readonly function: lambda.DockerImageFunction;
  /** Holds the OpenAI API key as a plain string; its generated initial value is a placeholder. */
  readonly openAiKeySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AnswerFunctionProps) {
    super(scope, id);

    this.openAiKeySecret = new secretsmanager.Secret(this, 'OpenAiKey', {
      description: 'OpenAI API key of the Chalkbot function; set it with `aws secretsmanager put-secret-value`.',
    });
    Validations.of(this.openAiKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The key is issued and rotated at OpenAI, outside AWS; there is nothing Secrets Manager could rotate.',
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role rather than the AWSLambdaBasicExecutionRole managed policy: logs go to this one group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Chalkbot answer function: its log group, the call-memory table and the OpenAI key secret.',
    });

    const environment: Record<string, string> = {
      [FUNCTION_ENVIRONMENT.table]: props.table.tableName,
      [FUNCTION_ENVIRONMENT.openAiKeySecretArn]: this.openAiKeySecret.secretArn,
      [FUNCTION_ENVIRONMENT.openAiModel]: props.openAiModel,
      [FUNCTION_ENVIRONMENT.memoryExpirySeconds]: String(props.memoryExpirySeconds),
      POWERTOOLS_SERVICE_NAME: FUNCTION_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: FUNCTION_METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    if (props.openAiBaseUrl !== undefined) environment[FUNCTION_ENVIRONMENT.openAiBaseUrl] = props.openAiBaseUrl;
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
      memorySize: 1024,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      role,
      logGroup,
      environment,
    });

    logGroup.grantWrite(role);
    // A turn does one GetItem and one UpdateItem (lambda/src/call-memory.ts); nothing else on the table.
    props.table.grant(role, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.openAiKeySecret.grantRead(role);
    // look_up_order does one GetItem per lookup (lambda/src/orders/orders-table.ts); it never writes orders.
    if ('table' in props.orders) props.orders.table.grant(role, 'dynamodb:GetItem');
    else props.orders.tokenSecret?.grantRead(role);
  }
}
