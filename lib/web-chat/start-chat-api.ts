/**
 * The start-chat API: one POST resource on a REST API in front of the start-chat function, which calls Connect's
 * StartChatContact for exactly one instance and flow.
 *
 * Throttling is per client IP with a WAF rate-based rule: API Gateway's own throttling (stage or usage plan) counts
 * all callers together, or per API key, which a public page cannot keep secret, so one script could use up the
 * whole stage limit and lock every visitor out. WAF attaches to REST APIs (not HTTP APIs), hence a REST API.
 * The stage limit stays below Connect's StartChatContact rate as a ceiling for all callers together.
 *
 * CORS allows only the site's origin, on the preflight, on the function's answers and on API Gateway's and WAF's
 * own error answers, so the page can read every refusal and no other site can use the API from a browser.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { arnPathPart } from '../connect-arn';
import {
  DEFAULT_CHAT_DURATION_MINUTES,
  DISPLAY_NAME_MAX_LENGTH,
  START_CHAT_ENV,
  START_CHAT_PATH,
} from '../definition/web-chat';
import { LOG_RETENTION_DAYS } from '../log-retention';

/** The start-chat function's entry; esbuild bundles it at synth (NodejsFunction, no Docker). */
export const START_CHAT_ENTRY = `${__dirname}/../../lambda/start-chat/index.ts`;

/**
 * All callers together: below Connect's default StartChatContact quota (5 requests per second, burst 8, per
 * account and region), so a flood is refused by API Gateway, cheaply, before it reaches Connect.
 */
export const STAGE_THROTTLE = { rateLimit: 4, burstLimit: 8 } as const;
/** WAF counts a rate-based rule's requests over this window, in seconds. */
export const RATE_WINDOW_SECONDS = 300;
const THROTTLED_BODY_KEY = 'throttled';
/** How cdk-nag writes the contact wildcard below in its finding id. */
const ANY_CONTACT_AS_NAG_SEES_IT = 'arn:<AWS::Partition>:connect:<AWS::Region>:<AWS::AccountId>:instance/*/contact/*';
const API_GATEWAY_LOGS_POLICY = 'AmazonAPIGatewayPushToCloudWatchLogs';

export interface StartChatApiProps {
  /** The Connect instance ARN (arn:...:instance/<id>). */
  readonly instanceArn: string;
  /** The flow ARN (arn:...:instance/<id>/contact-flow/<id>). */
  readonly contactFlowArn: string;
  /** https://<site domain>: the one origin CORS allows. */
  readonly siteOrigin: string;
  /** Chats one IP address may start per RATE_WINDOW_SECONDS. */
  readonly startsPerIp: number;
}

export class StartChatApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly function: nodejs.NodejsFunction;
  readonly webAcl: wafv2.CfnWebACL;
  /** The URL the page POSTs to. */
  readonly startChatUrl: string;

  constructor(scope: Construct, id: string, props: StartChatApiProps) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role rather than AWSLambdaBasicExecutionRole: logs go to this one group only.
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Chalkbot start-chat function: its log group, and StartChatContact on one instance and flow.',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    // The Service Authorization Reference (list_amazonconnect) gives connect:StartChatContact two resource types:
    // the flow the chat starts in (contact-flow) and the contact it creates (contact, arn:...:instance/<instance
    // id>/contact/<contact id>), and the condition key connect:InstanceId. The flow is named exactly; the contact
    // cannot be, as Connect names it during the call, so it is any contact of an instance, held to this instance
    // by the condition.
    const instanceId = arnPathPart(props.instanceArn, 1);
    const anyContact = Stack.of(this).formatArn({
      service: 'connect',
      resource: 'instance',
      resourceName: '*/contact/*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['connect:StartChatContact'],
        resources: [props.contactFlowArn, anyContact],
        conditions: { StringEquals: { 'connect:InstanceId': instanceId } },
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${ANY_CONTACT_AS_NAG_SEES_IT}]`,
      reason:
        'StartChatContact authorizes the contact it creates, whose id Connect assigns during the call; the ' +
        'connect:InstanceId condition holds the wildcard to contacts of this one instance, and the flow is ' +
        'named exactly.',
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Starts a Chalkbot web chat: Connect StartChatContact on the inbound flow.',
      entry: START_CHAT_ENTRY,
      handler: 'handler',
      // A zip from esbuild on the machine that synthesizes: no Docker, a ~30 KB bundle (the SDK's Connect client
      // comes with the nodejs22.x runtime) that starts in well under a second.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      bundling: { minify: true, target: 'node22', forceDockerBundling: false },
      environment: {
        [START_CHAT_ENV.instanceId]: instanceId,
        [START_CHAT_ENV.contactFlowId]: arnPathPart(props.contactFlowArn, 3),
        [START_CHAT_ENV.allowedOrigin]: props.siteOrigin,
        [START_CHAT_ENV.chatDurationMinutes]: String(DEFAULT_CHAT_DURATION_MINUTES),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 on purpose: the answer function, the esbuild target and the toolchain (node@22) are all Node 22, ' +
        'so what the tests run is what Lambda runs; it moves with them.',
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Chalkbot web chat: starts a chat contact for the site.',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // API Gateway needs an account-level role to write logs; kept when the stack goes, as other APIs use it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        throttlingRateLimit: STAGE_THROTTLE.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [props.siteOrigin],
        allowMethods: ['POST', 'OPTIONS'],
        allowHeaders: ['Content-Type'],
        maxAge: Duration.hours(1),
      },
    });

    // A body that cannot be a start-chat request is refused by API Gateway, with the reason, before the function.
    const model = this.api.addModel('StartChatRequest', {
      contentType: 'application/json',
      schema: {
        schema: apigateway.JsonSchemaVersion.DRAFT4,
        type: apigateway.JsonSchemaType.OBJECT,
        required: ['displayName'],
        additionalProperties: false,
        properties: {
          displayName: { type: apigateway.JsonSchemaType.STRING, minLength: 1, maxLength: DISPLAY_NAME_MAX_LENGTH },
        },
      },
    });
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.api.root.addResource(START_CHAT_PATH).addMethod('POST', new apigateway.LambdaIntegration(this.function), {
      requestModels: { 'application/json': model },
      requestValidator: validator,
    });

    const corsHeader = { 'Access-Control-Allow-Origin': `'${props.siteOrigin}'` };
    this.api.addGatewayResponse('BadBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      responseHeaders: corsHeader,
      templates: { 'application/json': '{"message":"Bad request: $context.error.validationErrorString"}' },
    });
    for (const [name, type] of [
      ['Default4xx', apigateway.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(name, { type, responseHeaders: corsHeader });
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'PerIpLimit', {
      scope: 'REGIONAL',
      description: 'Chalkbot web chat: chats started per client IP address.',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [THROTTLED_BODY_KEY]: {
          contentType: 'APPLICATION_JSON',
          content: '{"message":"Too many chats were started from your address. Please try again in a few minutes."}',
        },
      },
      rules: [
        {
          name: 'chats-per-ip',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.startsPerIp,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: THROTTLED_BODY_KEY,
                responseHeaders: [
                  { name: 'Access-Control-Allow-Origin', value: props.siteOrigin },
                  { name: 'Retry-After', value: String(RATE_WINDOW_SECONDS) },
                ],
              },
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'ChatsPerIp', sampledRequestsEnabled: true },
        },
      ],
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'ChalkbotWebChat', sampledRequestsEnabled: true },
    });
    new wafv2.CfnWebACLAssociation(this, 'PerIpLimitAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.startChatUrl = this.api.urlForPath(`/${START_CHAT_PATH}`);

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Anyone visiting the site may start a chat, as anyone may call the phone number; abuse is bounded by the ' +
          'per-IP WAF rule, the stage throttle and Connect, which names the contact so no caller can reach ' +
          'another chat.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'The visitors are anonymous members of the public with no user pool to sign in to; see AwsSolutions-APIG4 ' +
          'for what bounds the API instead.',
      },
    );
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${API_GATEWAY_LOGS_POLICY}]`,
        reason:
          'The account-level role API Gateway uses to write access and execution logs; AWS maintains this policy for ' +
          'exactly that, and the role is shared by every REST API of the account and region.',
      });
    }
  }
}
