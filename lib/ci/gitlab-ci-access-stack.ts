/**
 * How the GitLab pipeline reaches AWS without stored keys: GitLab's OIDC identity provider and two roles that
 * only jobs of one GitLab project can assume.
 *
 * - The diff role (any branch, so merge requests too: anyone who can push a branch can use it) may only read the
 *   app's own stacks' templates, which is all `cdk diff --method=template` needs. It may NOT assume the CDK
 *   bootstrap lookup role: since bootstrap version 8 that role has ReadOnlyAccess, which reads S3 objects (call
 *   recordings) and DynamoDB items (call memory). The CDK CLI tries the lookup role, warns that it was not
 *   assumed, and carries on with the diff role's own credentials (see `diffRoleStatements`).
 * - The deploy role (one branch, `main` by default; protect it in GitLab) may assume the bootstrap deploy and
 *   asset-publishing roles, which is what `cdk deploy` of a synthesized assembly needs; the bot stack lets it
 *   talk to that app's bot alias in text for the smoke test, and to no other (smoke-test-access.ts).
 *
 * AWS trust policies can only check the token's `aud` and `sub` claims, so the project path and branch live in
 * `sub` (`project_path:<group/project>:ref_type:branch:ref:<branch>`).
 */
import { Aws, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** CloudFormation output keys; their values go into the GitLab CI variables of the same purpose. */
export const GITLAB_CI_OUTPUTS = {
  /** → CI variable CDK_DIFF_ROLE_ARN */
  diffRoleArn: 'GitLabDiffRoleArn',
  /** → CI variable CDK_DEPLOY_ROLE_ARN */
  deployRoleArn: 'GitLabDeployRoleArn',
  oidcProviderArn: 'GitLabOidcProviderArn',
} as const;

/** The CDK bootstrap qualifier unless the account was bootstrapped with another one. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

export interface GitLabCiAccessProps extends StackProps {
  /** The GitLab project, e.g. `my-group/chalkbot`. Jobs of any other project (forks included) are refused. */
  readonly projectPath: string;
  /** The GitLab instance, e.g. `https://gitlab.com`; it is the token issuer. Default `https://gitlab.com`. */
  readonly gitlabUrl?: string;
  /** The `aud` the pipeline asks for in `id_tokens` (CI variable AWS_OIDC_AUDIENCE). Default: the GitLab URL. */
  readonly audience?: string;
  /** The only branch whose jobs may deploy. Default `main`. */
  readonly deployBranch?: string;
  /**
   * An IAM OIDC provider for this GitLab host that already exists in the account (an account holds one per
   * URL). When absent the stack creates one.
   */
  readonly existingOidcProviderArn?: string;
  /** The CDK bootstrap qualifier of the target account and region. Default `hnb659fds`. */
  readonly bootstrapQualifier?: string;
  /**
   * The app's stack names start with `<stackNamePrefix>-` (the app's `prefix` setting): the diff role may read
   * those stacks' templates and no others.
   */
  readonly stackNamePrefix: string;
}

/** The settings, with defaults applied, that both roles are built from. */
export interface GitLabTrust {
  readonly issuerHost: string;
  readonly audience: string;
  readonly projectPath: string;
  readonly deployBranch: string;
}

/** CloudFormation's rule for stack names, so a prefix can never carry a wildcard or a path into an ARN. */
const STACK_NAME_PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9-]*$/;

/** The `sub` claim GitLab puts in a branch job's token. */
export function branchSubject(projectPath: string, branch: string): string {
  return `project_path:${projectPath}:ref_type:branch:ref:${branch}`;
}

export function gitlabTrust(props: GitLabCiAccessProps): GitLabTrust {
  const gitlabUrl = (props.gitlabUrl ?? 'https://gitlab.com').replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(gitlabUrl);
  } catch {
    throw new Error(`gitlabUrl must be the GitLab instance URL, like https://gitlab.com (got "${gitlabUrl}")`);
  }
  if (url.protocol !== 'https:') throw new Error(`gitlabUrl must use https (got "${gitlabUrl}")`);
  // A project path is group(s)/project; anything else would widen or break the sub condition.
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(props.projectPath)) {
    throw new Error(`projectPath must look like "group/project" (got "${props.projectPath}")`);
  }
  return {
    // IAM condition keys name the provider by host and path, without the scheme.
    issuerHost: `${url.host}${url.pathname.replace(/\/+$/, '')}`,
    audience: props.audience ?? gitlabUrl,
    projectPath: props.projectPath,
    deployBranch: props.deployBranch ?? 'main',
  };
}

export class GitLabCiAccessStack extends Stack {
  readonly diffRole: iam.Role;
  readonly deployRole: iam.Role;

  constructor(scope: Construct, id: string, props: GitLabCiAccessProps) {
    super(scope, id, props);
    const trust = gitlabTrust(props);
    const qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    if (!STACK_NAME_PREFIX_PATTERN.test(props.stackNamePrefix)) {
      throw new Error(
        `stackNamePrefix must start a CloudFormation stack name: letters, digits and hyphens (got "${props.stackNamePrefix}")`,
      );
    }

    const provider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitLabOidcProvider', props.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitLabOidcProvider', {
          url: `https://${trust.issuerHost}`,
          clientIds: [trust.audience],
        });

    const audience = { [`${trust.issuerHost}:aud`]: trust.audience };
    const subject = (value: string) => ({ [`${trust.issuerHost}:sub`]: value });

    this.diffRole = new iam.Role(this, 'DiffRole', {
      description: `cdk diff from any branch of ${trust.projectPath}: may only read the ${props.stackNamePrefix}-* stack templates`,
      assumedBy: new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: audience,
        StringLike: subject(branchSubject(trust.projectPath, '*')),
      }),
    });
    for (const statement of diffRoleStatements(props.stackNamePrefix)) this.diffRole.addToPolicy(statement);
    Validations.of(this.diffRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${appStacksArn(props.stackNamePrefix, '<AWS::Partition>', '<AWS::Region>', '<AWS::AccountId>')}]`,
      reason:
        'Stack ARNs end in an id CloudFormation picks at creation, and a diff must also read stacks not yet ' +
        "created (and nested stacks, named after their parent): the wildcard covers only this app's stacks, " +
        'and only for template and stack-description reads.',
    });

    this.deployRole = new iam.Role(this, 'DeployRole', {
      description: `cdk deploy from ${trust.projectPath} branch ${trust.deployBranch}: may assume the CDK bootstrap roles`,
      assumedBy: new iam.OpenIdConnectPrincipal(provider, {
        StringEquals: { ...audience, ...subject(branchSubject(trust.projectPath, trust.deployBranch)) },
      }),
    });
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: (['lookup', 'deploy', 'file-publishing', 'image-publishing'] as const).map((role) =>
          bootstrapRoleArn(qualifier, role),
        ),
      }),
    );
    // The smoke test after a deploy speaks to the bot in text: that grant is in the bot stack, on the bot's own
    // alias only (smoke-test-access.ts).

    new CfnOutput(this, GITLAB_CI_OUTPUTS.diffRoleArn, {
      value: this.diffRole.roleArn,
      description: 'GitLab CI variable CDK_DIFF_ROLE_ARN',
    });
    new CfnOutput(this, GITLAB_CI_OUTPUTS.deployRoleArn, {
      value: this.deployRole.roleArn,
      description: 'GitLab CI variable CDK_DEPLOY_ROLE_ARN (protect it: main only)',
    });
    new CfnOutput(this, GITLAB_CI_OUTPUTS.oidcProviderArn, { value: provider.oidcProviderArn });
  }
}

/**
 * What `cdk diff --app cdk.out --method=template` calls with the diff role's own credentials (aws-cdk 2.1148,
 * `Deployments.readCurrentTemplateWithNestedStacks`): DescribeStacks and GetTemplate for each stack, and
 * ListStackResources to find nested stacks (only when the app has some). STS GetCallerIdentity (which account
 * the credentials are for) needs no permission. Change-set diffs are not possible with this role: they need the
 * deploy role. Nothing here reads data: no S3, DynamoDB, logs or Connect.
 */
export function diffRoleStatements(stackNamePrefix: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadAppStackTemplates',
      actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
      resources: [appStacksArn(stackNamePrefix, Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID)],
    }),
  ];
}

/** Every stack of the app (and their nested stacks) in this account and region. */
function appStacksArn(stackNamePrefix: string, partition: string, region: string, account: string): string {
  return `arn:${partition}:cloudformation:${region}:${account}:stack/${stackNamePrefix}-*/*`;
}

/** A role the CDK bootstrap stack creates in every bootstrapped account and region. */
function bootstrapRoleArn(
  qualifier: string,
  role: 'lookup' | 'deploy' | 'file-publishing' | 'image-publishing',
): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${qualifier}-${role}-role-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** The context keys this stack reads (the app's check of unknown keys knows them from here). */
export const GITLAB_CONTEXT_KEYS = {
  projectPath: 'gitlabProjectPath',
  gitlabUrl: 'gitlabUrl',
  audience: 'gitlabAudience',
  deployBranch: 'gitlabDeployBranch',
  existingOidcProviderArn: 'gitlabOidcProviderArn',
} as const;

/**
 * The stack's props from the app's context (cdk.json or `-c`), or undefined when `gitlabProjectPath` is not
 * set: the CI access is opt-in, a laptop-only user never creates it.
 */
export function gitlabCiAccessPropsFromContext(
  tryGetContext: (key: string) => unknown,
): Omit<GitLabCiAccessProps, keyof StackProps | 'stackNamePrefix'> | undefined {
  const text = (key: string): string | undefined => {
    const value = tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context setting ${key} must be a string`);
    return value;
  };
  const projectPath = text(GITLAB_CONTEXT_KEYS.projectPath);
  if (!projectPath) return undefined;
  return {
    projectPath,
    gitlabUrl: text(GITLAB_CONTEXT_KEYS.gitlabUrl),
    audience: text(GITLAB_CONTEXT_KEYS.audience),
    deployBranch: text(GITLAB_CONTEXT_KEYS.deployBranch),
    existingOidcProviderArn: text(GITLAB_CONTEXT_KEYS.existingOidcProviderArn),
    // The same key the CDK synthesizer reads, so both agree on the bootstrap roles' names.
    bootstrapQualifier: text('@aws-cdk/core:bootstrapQualifier'),
  };
}
