import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  GITLAB_CI_OUTPUTS,
  type GitLabCiAccessProps,
  gitlabCiAccessPropsFromContext,
} from '../../lib/ci/gitlab-ci-access-stack';
// The app's in-process builder with cdk.json's context, as the infra tests use it.
import { buildTestApp, inNode, nagFindings, templateOf, templatesFor } from '../infra/synth';

// Built where the app's synths are (see test/infra/synth.ts): in Node, once per worker.
const { App, Stack, Validations } = inNode<typeof import('aws-cdk-lib')>('aws-cdk-lib');
const { AwsSolutionsChecks } = inNode<typeof import('cdk-nag')>('cdk-nag');
const { GitLabCiAccessStack } = inNode<typeof import('../../lib/ci/gitlab-ci-access-stack')>(
  '../../lib/ci/gitlab-ci-access-stack',
);

function synth(props: GitLabCiAccessProps) {
  const app = new App();
  // cdk-nag 3 is a policy-validation plugin: a finding that is not acknowledged makes synth throw.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new GitLabCiAccessStack(app, 'CiAccess', props);
  app.synth();
  return { stack, template: templateOf(stack) };
}

/** The trust policy statement of the role whose description starts with `prefix`. */
function trustOf(template: Template, descriptionPrefix: string) {
  const roles = Object.values(template.findResources('AWS::IAM::Role')).filter((role) =>
    String(role.Properties.Description).startsWith(descriptionPrefix),
  );
  expect(roles).toHaveLength(1);
  return roles[0].Properties.AssumeRolePolicyDocument.Statement;
}

interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of the one inline policy attached to a role. */
function statementsOf(template: Template, roleLogicalIdPrefix: string): PolicyStatementJson[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref.startsWith(roleLogicalIdPrefix)),
  );
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** A resource as readable text: Fn::Join of literal parts and pseudo-parameter refs → `arn:<AWS::Partition>:…`. */
function resourceText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const [, parts] = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`)).join('');
}

function resourcesOf(statement: PolicyStatementJson): string[] {
  return (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(resourceText);
}

/** Every sts:AssumeRole target of the policy attached to a role, as joined text. */
function assumableRoles(template: Template, roleLogicalIdPrefix: string): string[] {
  return statementsOf(template, roleLogicalIdPrefix)
    .filter((statement) => [statement.Action].flat().includes('sts:AssumeRole'))
    .flatMap(resourcesOf);
}

/** The actions a role's identity policy grants or denies, whatever their resource. */
function actionsOf(template: Template, roleLogicalIdPrefix: string): string[] {
  return statementsOf(template, roleLogicalIdPrefix).flatMap((statement) => [statement.Action].flat());
}

describe('GitLab CI access stack', () => {
  const props = { projectPath: 'acme/chalkbot', stackNamePrefix: 'chalkbot' };

  test('creates the GitLab OIDC provider with the audience as client id', () => {
    const { template } = synth(props);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://gitlab.com',
      ClientIdList: ['https://gitlab.com'],
    });
  });

  test('the diff role trusts any branch of the project only', () => {
    const { template } = synth(props);
    const [statement] = trustOf(template, 'cdk diff');
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Condition).toEqual({
      StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' },
      StringLike: { 'gitlab.com:sub': 'project_path:acme/chalkbot:ref_type:branch:ref:*' },
    });
  });

  test("the diff role may only read the app stacks' templates, and may assume no role", () => {
    const { template } = synth(props);
    // Exactly one statement: the template reads of `cdk diff --method=template`, on this app's stacks only.
    expect(statementsOf(template, 'DiffRole')).toEqual([
      {
        Sid: 'ReadAppStackTemplates',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        Resource: expect.anything(),
      },
    ]);
    expect(resourcesOf(statementsOf(template, 'DiffRole')[0])).toEqual([
      'arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/chalkbot-*/*',
    ]);
    // Any bootstrap role would do: the lookup role reads S3 objects and DynamoDB items (ReadOnlyAccess).
    expect(assumableRoles(template, 'DiffRole')).toEqual([]);
    expect(actionsOf(template, 'DiffRole').filter((action) => /^sts:|\*/.test(action))).toEqual([]);
    // No managed policy either: the inline policy above is all the role holds.
    const [role] = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      String(r.Properties.Description).startsWith('cdk diff'),
    );
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the diff role follows the app prefix, and refuses one that would widen the stack ARN', () => {
    const { template } = synth({ ...props, stackNamePrefix: 'demo' });
    expect(resourcesOf(statementsOf(template, 'DiffRole')[0])).toEqual([
      'arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/demo-*/*',
    ]);
    for (const stackNamePrefix of ['', '*', 'chalkbot*', 'a/b', '-x']) {
      expect(() => synth({ ...props, stackNamePrefix })).toThrow(/stackNamePrefix/);
    }
  });

  test('the deploy role trusts the main branch only, and can assume the bootstrap deploy and publishing roles', () => {
    const { template } = synth(props);
    const [statement] = trustOf(template, 'cdk deploy');
    expect(statement.Condition).toEqual({
      StringEquals: {
        'gitlab.com:aud': 'https://gitlab.com',
        'gitlab.com:sub': 'project_path:acme/chalkbot:ref_type:branch:ref:main',
      },
    });
    expect(statement.Condition.StringLike).toBeUndefined();
    expect(assumableRoles(template, 'DeployRole').sort()).toEqual(
      ['lookup', 'deploy', 'file-publishing', 'image-publishing']
        .map(
          (role) =>
            `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-${role}-role-<AWS::AccountId>-<AWS::Region>`,
        )
        .sort(),
    );
  });

  test('follows a self-managed host, a custom audience, branch and bootstrap qualifier', () => {
    const { template } = synth({
      projectPath: 'team/sub/chalkbot',
      stackNamePrefix: 'chalkbot',
      gitlabUrl: 'https://git.example.org/',
      audience: 'sts.amazonaws.com',
      deployBranch: 'release',
      bootstrapQualifier: 'custom123',
    });
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://git.example.org',
      ClientIdList: ['sts.amazonaws.com'],
    });
    expect(trustOf(template, 'cdk deploy')[0].Condition.StringEquals).toEqual({
      'git.example.org:aud': 'sts.amazonaws.com',
      'git.example.org:sub': 'project_path:team/sub/chalkbot:ref_type:branch:ref:release',
    });
    expect(assumableRoles(template, 'DeployRole')).toEqual(
      expect.arrayContaining([expect.stringContaining('role/cdk-custom123-lookup-role-')]),
    );
  });

  test('reuses an existing provider instead of creating a second one for the same host', () => {
    const arn = 'arn:aws:iam::111111111111:oidc-provider/gitlab.com';
    const { template } = synth({ ...props, existingOidcProviderArn: arn });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(trustOf(template, 'cdk diff')[0].Principal).toEqual({ Federated: arn });
  });

  test('outputs the role ARNs the pipeline variables take', () => {
    const { template } = synth(props);
    template.hasOutput(GITLAB_CI_OUTPUTS.diffRoleArn, {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DiffRole'), 'Arn'] },
    });
    template.hasOutput(GITLAB_CI_OUTPUTS.deployRoleArn, {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployRole'), 'Arn'] },
    });
  });

  test('is clean under cdk-nag AwsSolutions', () => {
    expect(nagFindings(synth(props).stack)).toEqual([]);
  });

  test('rejects settings that would widen or break the trust', () => {
    expect(() => synth({ ...props, projectPath: 'chalkbot' })).toThrow(/group\/project/);
    expect(() => synth({ ...props, projectPath: 'acme/*' })).toThrow(/group\/project/);
    expect(() => synth({ ...props, gitlabUrl: 'http://gitlab.example.org' })).toThrow(/https/);
  });
});

describe('gitlabCiAccessPropsFromContext', () => {
  test('is off until a project path is set', () => {
    expect(gitlabCiAccessPropsFromContext(() => undefined)).toBeUndefined();
    expect(gitlabCiAccessPropsFromContext(() => '')).toBeUndefined();
  });

  test('reads the settings from context', () => {
    const context: Record<string, string> = {
      gitlabProjectPath: 'acme/chalkbot',
      gitlabUrl: 'https://git.example.org',
      '@aws-cdk/core:bootstrapQualifier': 'q1',
    };
    expect(gitlabCiAccessPropsFromContext((key) => context[key])).toEqual({
      projectPath: 'acme/chalkbot',
      gitlabUrl: 'https://git.example.org',
      audience: undefined,
      deployBranch: undefined,
      existingOidcProviderArn: undefined,
      bootstrapQualifier: 'q1',
    });
  });

  test('names a setting of the wrong type', () => {
    expect(() => gitlabCiAccessPropsFromContext((key) => (key === 'gitlabProjectPath' ? 42 : undefined))).toThrow(
      /gitlabProjectPath must be a string/,
    );
  });
});

/** Every IAM statement of a template that names a Lex action, as text ('' when none). */
function lexGrantsIn(template: Template): string {
  const identityPolicies = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role'].flatMap((type) =>
    Object.values(template.findResources(type)),
  );
  return identityPolicies
    .map((resource) => JSON.stringify(resource.Properties?.PolicyDocument ?? resource.Properties?.Policies ?? []))
    .filter((document) => document.includes('"lex:'))
    .join('\n');
}

describe('in the Chalkbot app', () => {
  let withCi: ReturnType<typeof buildTestApp> | undefined;
  /** One app with the CI stack for the tests below (a synth with cdk-nag takes seconds). */
  const appWithCi = () => {
    withCi ??= buildTestApp({ prefix: 'demo', gitlabProjectPath: 'acme/chalkbot' });
    return withCi;
  };

  test('is added only when gitlabProjectPath is set, named after the prefix', () => {
    expect(buildTestApp().app.node.tryFindChild('chalkbot-gitlab-ci')).toBeUndefined();
    const { app } = appWithCi();
    const stack = app.node.tryFindChild('demo-gitlab-ci');
    expect(stack).toBeInstanceOf(GitLabCiAccessStack);
    // The whole app is nagged on synth; this stack must not break it.
    expect(() => app.synth()).not.toThrow();
    const template = templateOf(stack as InstanceType<typeof GitLabCiAccessStack>);
    expect(trustOf(template, 'cdk deploy')[0].Condition.StringEquals).toEqual({
      'gitlab.com:aud': 'https://gitlab.com',
      'gitlab.com:sub': 'project_path:acme/chalkbot:ref_type:branch:ref:main',
    });
    // The diff role reads the stacks this app names with its prefix: demo-contact-center, demo-bot, demo-gitlab-ci.
    expect(resourcesOf(statementsOf(template, 'DiffRole')[0])).toEqual([
      'arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/demo-*/*',
    ]);
    const stackNames = app.node.children
      .filter((child) => child instanceof Stack)
      .map((child) => (child as InstanceType<typeof Stack>).stackName);
    expect(stackNames.sort()).toEqual(['demo-bot', 'demo-contact-center', 'demo-gitlab-ci']);
  });

  test("the deploy role may call Lex's runtime on this app's bot alias only, granted beside the alias", () => {
    const { app, bot } = appWithCi();
    const ci = app.node.tryFindChild('demo-gitlab-ci') as InstanceType<typeof GitLabCiAccessStack>;
    const ciTemplate = templateOf(ci);
    const botTemplate = templateOf(bot);

    // The CI stack grants no Lex action at all: it cannot know the alias's ids.
    expect(actionsOf(ciTemplate, 'DeployRole').filter((action) => action.startsWith('lex:'))).toEqual([]);
    // The bot stack grants RecognizeText on exactly its alias's ARN, to the deploy role (imported by name).
    const aliasId = Object.keys(botTemplate.findResources('AWS::Lex::BotAlias'))[0];
    const grants = Object.values(botTemplate.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('"lex:'),
    );
    expect(grants.map((policy) => policy.Properties.PolicyDocument.Statement)).toEqual([
      [{ Effect: 'Allow', Action: 'lex:RecognizeText', Resource: { 'Fn::GetAtt': [aliasId, 'Arn'] } }],
    ]);
    const [roleRef] = grants[0].Properties.Roles;
    expect(JSON.stringify(roleRef)).toMatch(/"Fn::ImportValue":"demo-gitlab-ci:ExportsOutputRefDeployRole/);
    // So the bot stack deploys after the CI stack: the role exists before the grant is attached to it.
    expect(bot.dependencies).toContain(ci);
    // No other Lex grant anywhere in the app: policies, managed policies and roles' inline policies.
    const templates = app.node.children.filter((child) => child instanceof Stack).map(templateOf);
    expect(templates.map(lexGrantsIn).join('')).toBe(lexGrantsIn(botTemplate));
    expect(lexGrantsIn(botTemplate).match(/"lex:/g)).toHaveLength(1);
  });

  test('without the CI stack, nothing may call the bot but Connect', () => {
    expect(lexGrantsIn(templatesFor().bot)).toBe('');
  });
});
