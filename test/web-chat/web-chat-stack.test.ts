/**
 * The web chat stack, synthesized once: per-IP throttling (WAF) and the stage's ceiling, CORS for the site's
 * origin only, the start-chat role's exact statement, the page behind CloudFront with origin access control, the
 * approved origin on the instance, the site's URL as output, and no unacknowledged cdk-nag finding.
 */
import { Validations } from 'aws-cdk-lib';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { DISPLAY_NAME_MAX_LENGTH, START_CHAT_ENV } from '../../lib/definition/web-chat';
import { STAGE_THROTTLE, RATE_WINDOW_SECONDS } from '../../lib/web-chat/start-chat-api';
import { ALL_PUBLIC_ACCESS_BLOCKED } from '../infra/bucket-expectations';
import { buildTestApp, nagFindings, templateOf } from '../infra/synth';

const STARTS_PER_IP = 42;
const built = buildTestApp({ webChat: true, webChatStartsPerIp: STARTS_PER_IP });
const stack = built.webChat!;
const template = templateOf(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;

function only(type: string): { id: string; properties: Record<string, any> } {
  const found = Object.entries(resources).filter(([, resource]) => resource.Type === type);
  expect(found).toHaveLength(1);
  return { id: found[0][0], properties: found[0][1].Properties };
}

const distribution = only('AWS::CloudFront::Distribution');
/** 'https://<the distribution's domain>' as CloudFormation writes it, with optional quotes around it. */
const siteOrigin = (quote = '') => ({
  'Fn::Join': ['', [`${quote}https://`, { 'Fn::GetAtt': [distribution.id, 'DomainName'] }, ...(quote ? [quote] : [])]],
});
const instanceArn = { 'Fn::ImportValue': expect.stringMatching(/contact-center:ExportsOutputFnGetAttInstanceArn/) };
const flowArn = { 'Fn::ImportValue': expect.stringMatching(/bot:ExportsOutputFnGetAttInboundFlow.*ContactFlowArn/) };

test('without the webChat setting there is no web chat stack', () => {
  expect(buildTestApp().webChat).toBeUndefined();
});

test.each([
  [{ webChat: 'yes' }, 'webChat "yes" must be true or false'],
  [{ webChatStartsPerIp: 5 }, 'webChatStartsPerIp "5" must be a whole number from 10'],
])('a wrong setting %j fails the synth, naming it', (context, problem) => {
  expect(() => buildTestApp(context)).toThrow(problem);
});

describe('throttling', () => {
  test('a WAF rate-based rule counts requests per client IP and answers 429 past the setting', () => {
    const acl = only('AWS::WAFv2::WebACL').properties;
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    expect(acl.Rules).toHaveLength(1);
    const [rule] = acl.Rules;
    expect(rule.Statement).toEqual({
      RateBasedStatement: { AggregateKeyType: 'IP', Limit: STARTS_PER_IP, EvaluationWindowSec: RATE_WINDOW_SECONDS },
    });
    expect(rule.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 429 });
    expect(rule.Action.Block.CustomResponse.ResponseHeaders).toEqual(
      expect.arrayContaining([{ Name: 'Access-Control-Allow-Origin', Value: siteOrigin() }]),
    );
    expect(
      JSON.parse(acl.CustomResponseBodies[rule.Action.Block.CustomResponse.CustomResponseBodyKey].Content).message,
    ).toMatch(/Too many chats/);
  });

  test('the rule guards the API stage', () => {
    const stage = only('AWS::ApiGateway::Stage');
    const association = only('AWS::WAFv2::WebACLAssociation').properties;
    expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [only('AWS::WAFv2::WebACL').id, 'Arn'] });
    expect(JSON.stringify(association.ResourceArn)).toContain(`"Ref":"${stage.id}"`);
    expect(JSON.stringify(association.ResourceArn)).toContain('/stages/');
  });

  test("the stage throttles all callers together below Connect's StartChatContact quota", () => {
    const { MethodSettings } = only('AWS::ApiGateway::Stage').properties;
    expect(MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
      }),
    ]);
    expect(STAGE_THROTTLE.rateLimit).toBeLessThan(5);
  });
});

describe('CORS', () => {
  test('the preflight allows only the site origin, POST and Content-Type', () => {
    const options = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod === 'OPTIONS',
    );
    expect(options.length).toBeGreaterThan(0);
    for (const method of options) {
      const [response] = method.Properties.Integration.IntegrationResponses;
      expect(response.ResponseParameters).toMatchObject({
        'method.response.header.Access-Control-Allow-Origin': siteOrigin("'"),
        'method.response.header.Access-Control-Allow-Methods': "'POST,OPTIONS'",
        'method.response.header.Access-Control-Allow-Headers': "'Content-Type'",
      });
    }
    expect(JSON.stringify(template.toJSON())).not.toContain("'*'");
  });

  test("the function answers with the same origin, and API Gateway's own errors carry it too", () => {
    expect(startChatFunction().Environment.Variables[START_CHAT_ENV.allowedOrigin]).toEqual(siteOrigin());
    const gatewayResponses = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse');
    expect(gatewayResponses.map((r) => r.Properties.ResponseType).sort()).toEqual([
      'BAD_REQUEST_BODY',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
    ]);
    for (const response of gatewayResponses) {
      expect(response.Properties.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': siteOrigin("'"),
      });
    }
  });

  test('a bad body is refused by API Gateway with the reason, before the function', () => {
    const model = only('AWS::ApiGateway::Model').properties;
    expect(model.Schema).toMatchObject({
      required: ['displayName'],
      additionalProperties: false,
      properties: { displayName: { type: 'string', minLength: 1, maxLength: DISPLAY_NAME_MAX_LENGTH } },
    });
    expect(only('AWS::ApiGateway::RequestValidator').properties).toMatchObject({ ValidateRequestBody: true });
    const badBody = Object.values(resources).find((r) => r.Properties?.ResponseType === 'BAD_REQUEST_BODY');
    expect(badBody?.Properties.ResponseTemplates['application/json']).toContain('$context.error.validationErrorString');
  });
});

function startChatFunction(): Record<string, any> {
  const functions = Object.values(resources).filter(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      r.Properties.Environment?.Variables?.[START_CHAT_ENV.instanceId] !== undefined,
  );
  expect(functions).toHaveLength(1);
  return functions[0].Properties;
}

describe('the start-chat function', () => {
  test('a Node.js 22 zip bundled by esbuild, given this instance and flow by id', () => {
    const fn = startChatFunction();
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.PackageType).toBeUndefined();
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Environment.Variables[START_CHAT_ENV.instanceId]).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', instanceArn] }],
    });
    expect(fn.Environment.Variables[START_CHAT_ENV.contactFlowId]).toEqual({
      'Fn::Select': [3, { 'Fn::Split': ['/', flowArn] }],
    });
  });

  test("its role may write its logs and StartChatContact on this flow and this instance's contacts, only", () => {
    const roleId = startChatFunction().Role['Fn::GetAtt'][0];
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId),
    );
    expect(policies).toHaveLength(1);
    expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StartChatFunctionLogs/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'connect:StartChatContact',
        Resource: [
          flowArn,
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':connect:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':instance/*/contact/*',
              ],
            ],
          },
        ],
        Condition: {
          StringEquals: { 'connect:InstanceId': { 'Fn::Select': [1, { 'Fn::Split': ['/', instanceArn] }] } },
        },
      },
    ]);
    // No other Connect right anywhere in the stack.
    const connectActions = JSON.stringify(template.toJSON()).match(/"connect:[A-Za-z]+"/g) ?? [];
    expect(new Set(connectActions)).toEqual(new Set(['"connect:StartChatContact"', '"connect:InstanceId"']));
  });
});

describe('the page', () => {
  test('CloudFront reads the private bucket through origin access control, over HTTPS only', () => {
    const oac = only('AWS::CloudFront::OriginAccessControl');
    expect(oac.properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const config = distribution.properties.DistributionConfig;
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac.id, 'Id'] });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultRootObject).toBe('index.html');

    const bucket = only('AWS::S3::Bucket');
    expect(bucket.properties.PublicAccessBlockConfiguration).toEqual(ALL_PUBLIC_ACCESS_BLOCKED);
    const statements = only('AWS::S3::BucketPolicy').properties.PolicyDocument.Statement;
    const reads = statements.filter(
      (statement: { Principal?: { Service?: string } }) => statement.Principal?.Service === 'cloudfront.amazonaws.com',
    );
    expect(reads).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) } },
      }),
    ]);
    expect(JSON.stringify(reads[0].Condition)).toContain(`"Ref":"${distribution.id}"`);
    expect(
      statements.some(
        (s: { Principal?: unknown }) =>
          JSON.stringify(s.Principal) === '"*"' ||
          (JSON.stringify(s.Principal) === '{"AWS":"*"}' && (s as { Effect?: string }).Effect === 'Allow'),
      ),
    ).toBe(false);
  });

  test("the instance approves the site's origin, and the site's URL is an output", () => {
    expect(only('AWS::Connect::ApprovedOrigin').properties).toEqual({ InstanceId: instanceArn, Origin: siteOrigin() });
    template.hasOutput(STACK_OUTPUTS.webChatUrl, {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution.id, 'DomainName'] }, '/']] },
    });
  });
});

test('cdk-nag AwsSolutions finds nothing unacknowledged, and each acknowledgment says why', () => {
  expect(nagFindings(stack)).toEqual([]);
  const acks = stack.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
    )
    .flatMap((entry) => Object.values(entry.data as Record<string, string>));
  expect(acks.length).toBeGreaterThan(5);
  for (const reason of acks) expect(reason.length).toBeGreaterThan(40);
});

test('an agent can take the chats handed over: the routing profile has chat beside voice, on the support queue', () => {
  const profile = templateOf(built.contactCenter).findResources('AWS::Connect::RoutingProfile');
  const [properties] = Object.values(profile).map((resource) => resource.Properties);
  expect(properties.MediaConcurrencies).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ Channel: 'VOICE' }),
      expect.objectContaining({ Channel: 'CHAT' }),
    ]),
  );
  expect(
    properties.QueueConfigs.map(
      (config: { QueueReference: { Channel: string } }) => config.QueueReference.Channel,
    ).sort(),
  ).toEqual(['CHAT', 'VOICE']);
});
