/**
 * `npm run deploy`: the laptop deploy. First it checks what a deploy needs and says, for each thing missing,
 * what to do about it; then it runs `cdk deploy --all` with the output streamed, and ends with the number to
 * call and the steps left.
 *
 *   npm run deploy [-- --profile <p>] [--region <r>] [--yes] [-- <more cdk deploy arguments, e.g. -c prefix=demo>]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { parseCommandLine } from './cli-args';
import {
  type AwsOptions,
  REPO_ROOT,
  awsClientConfig,
  credentialProblem,
  isNetworkError,
  readOutputsFile,
} from './deployment';

export const DEPLOY_USAGE = `Usage: npm run deploy -- [--profile <p>] [--region <r>] [--yes] [-- <cdk deploy arguments>]

Checks what a deploy needs (region, credentials, CDK bootstrap, Docker) and lists everything missing at once;
then deploys every stack with cdk deploy --all and prints the number to call and the steps left.

  --profile <p>  the AWS profile (else AWS_PROFILE or the default chain, as the AWS CLI)
  --region <r>   the region (else AWS_REGION, AWS_DEFAULT_REGION or the profile's)
  --yes          never stop to ask for approval of IAM or security-group changes
  -h, --help     show this help
After a second --, arguments go to cdk deploy, e.g. npm run deploy -- --profile dev -- -c prefix=demo`;

/** The stack `cdk bootstrap` creates, unless bootstrapped with --toolkit-stack-name. */
export const TOOLKIT_STACK = 'CDKToolkit';
export const OUTPUTS_FILE = join(REPO_ROOT, 'cdk-outputs.json');
/** States in which the bootstrap stack's roles and buckets are there to use. */
const USABLE_TOOLKIT_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE'];

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** What was found, or what is missing and how to fix it. */
  readonly detail: string;
}

export interface DeployEnvironment {
  readonly sts: STSClient;
  readonly cloudFormation: CloudFormationClient;
  /** Resolves to undefined when a Docker daemon answers, else the reason it does not. */
  readonly dockerProblem: () => string | undefined;
  readonly profile?: string;
}

/** `docker info` against the daemon the CDK CLI will use. */
export function probeDocker(): string | undefined {
  const result = spawnSync(process.env.CDK_DOCKER ?? 'docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
  });
  if (result.error) return `the docker command is not installed (${result.error.message})`;
  if (result.status !== 0)
    return `the Docker daemon does not answer: ${(result.stderr || result.stdout).trim().split('\n')[0]}`;
  return undefined;
}

/** Every check, in order; later ones are skipped when there are no credentials to run them with. */
export async function checkDeployPrerequisites(env: DeployEnvironment): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const profileHint = env.profile ? ` --profile ${env.profile}` : '';
  let region: string | undefined;
  try {
    region = await env.sts.config.region();
  } catch {
    region = undefined;
  }
  if (!region) {
    results.push({
      name: 'AWS region',
      ok: false,
      detail:
        'No region. Set AWS_REGION (e.g. export AWS_REGION=us-east-1), or `region` in your AWS profile, or pass --region.',
    });
  }

  // Without a region the account cannot be asked who we are, but the credentials can still be found: every
  // missing prerequisite is reported in one run.
  let account: string | undefined;
  try {
    if (!region) {
      await env.sts.config.credentials();
      results.push({
        name: 'AWS credentials',
        ok: true,
        detail: 'found (the account is checked once a region is set)',
      });
    } else {
      const identity = await env.sts.send(new GetCallerIdentityCommand({}));
      account = identity.Account;
      results.push({
        name: 'AWS credentials',
        ok: true,
        detail: `${identity.Arn} in account ${account}, region ${region}`,
      });
    }
  } catch (error) {
    results.push({
      name: isNetworkError(error) ? 'AWS reachable' : 'AWS credentials',
      ok: false,
      detail: credentialProblem(error, env.profile),
    });
  }

  if (account && region) {
    results.push(await checkBootstrap(env.cloudFormation, account, region, profileHint));
  }

  const docker = env.dockerProblem();
  results.push(
    docker
      ? {
          name: 'Docker',
          ok: false,
          detail: `Docker is needed to build the function's container image, and ${docker.replace(/[.?!]+$/, '')}. Install Docker (Desktop, Colima or Engine) and start it.`,
        }
      : { name: 'Docker', ok: true, detail: 'the daemon answers' },
  );

  // Not a blocker: cdk.json's build hook bundles the function before every synth.
  const bundle = join(REPO_ROOT, 'lambda', 'dist', 'index.mjs');
  results.push({
    name: 'Function bundle',
    ok: true,
    detail: existsSync(bundle)
      ? 'lambda/dist/index.mjs is there (rebuilt before synth)'
      : 'not built yet; the cdk.json build hook builds it before synth',
  });
  return results;
}

async function checkBootstrap(
  cloudFormation: CloudFormationClient,
  account: string,
  region: string,
  profileHint: string,
): Promise<CheckResult> {
  const fix = `Run \`npx cdk bootstrap aws://${account}/${region}${profileHint}\` once for this account and region.`;
  try {
    const response = await cloudFormation.send(new DescribeStacksCommand({ StackName: TOOLKIT_STACK }));
    const stack = response.Stacks?.[0];
    const status = stack?.StackStatus ?? 'unknown';
    if (!USABLE_TOOLKIT_STATUSES.includes(status)) {
      return { name: 'CDK bootstrap', ok: false, detail: `Stack ${TOOLKIT_STACK} is ${status}. ${fix}` };
    }
    const version = stack?.Outputs?.find((output) => output.OutputKey === 'BootstrapVersion')?.OutputValue;
    return { name: 'CDK bootstrap', ok: true, detail: `${TOOLKIT_STACK} version ${version ?? 'unknown'}` };
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) {
      return {
        name: 'CDK bootstrap',
        ok: false,
        detail: `Account ${account} is not bootstrapped in ${region}. ${fix}`,
      };
    }
    return {
      name: 'CDK bootstrap',
      ok: false,
      detail: `Could not read stack ${TOOLKIT_STACK}: ${(error as Error).message}`,
    };
  }
}

/**
 * Build and publish each stack's assets only after the stacks it depends on are deployed. The CLI's default
 * builds every asset first, and building the function image looks up its ECR repository, which the
 * contact-center stack creates: on a fresh account (or a new prefix) the first deploy failed with "Failed to build
 * asset". `assetPrebuild: false` in cdk.json is not read (aws/aws-cdk#21965, PR #22930 added the flag).
 */
export const CDK_DEPLOY_ORDER_FLAGS = ['--no-asset-prebuild'] as const;

/**
 * The `cdk deploy` command line. On a terminal the CDK CLI's own default applies: it stops and asks before a
 * change that widens IAM or security-group access, which a person at a laptop should see. Without a terminal
 * (or with --yes) nobody could answer, and the CLI would refuse, so approval is `never`.
 */
export function cdkDeployArgs(options: {
  interactive: boolean;
  profile?: string;
  extra?: readonly string[];
}): string[] {
  return [
    'cdk',
    'deploy',
    '--all',
    ...CDK_DEPLOY_ORDER_FLAGS,
    '--require-approval',
    options.interactive ? 'broadening' : 'never',
    '--outputs-file',
    OUTPUTS_FILE,
    '--progress',
    'events',
    '--no-notices',
    ...(options.profile ? ['--profile', options.profile] : []),
    ...(options.extra ?? []),
  ];
}

/** The lines printed after a deploy: the number to call and what is left to do. */
export function nextSteps(outputsFile: string): string[] {
  const outputs = readOutputsFile(outputsFile);
  const lines: string[] = [];
  const phone = outputs[STACK_OUTPUTS.phoneNumber];
  if (phone) lines.push(`Call ${phone} to talk to Chalkbot.`);
  const secret = outputs[STACK_OUTPUTS.openAiKeySecretArn];
  if (secret) {
    lines.push(
      // Deployed, the function always has a model to call; without a key that call fails, and the caller hears the
      // offline answer for the few questions it knows, otherwise the same apology as for a failing model.
      "Once, put your OpenAI key in the function's secret (until then the model cannot answer: callers hear an offline answer or an apology):",
      `  aws secretsmanager put-secret-value --secret-id ${secret} --secret-string "$OPENAI_API_KEY"`,
    );
  }
  const azureSecret = outputs[STACK_OUTPUTS.azureOpenAiKeySecretArn];
  if (azureSecret) {
    lines.push(
      "Once, put your Azure OpenAI key in the function's secret (until then Azure cannot answer):",
      `  aws secretsmanager put-secret-value --secret-id ${azureSecret} --secret-string "$AZURE_OPENAI_API_KEY"`,
    );
  }
  // The smoke test reads the bot from the outputs this deploy wrote, so it finds it under any -c prefix=...
  lines.push(`Check the live bot in text: npm run smoke -- --outputs-file ${displayPath(outputsFile)}`);
  const dashboard = outputs[STACK_OUTPUTS.dashboardName];
  const url = dashboard && dashboardConsoleUrl(dashboard, outputs[STACK_OUTPUTS.botAliasArn] ?? '');
  if (url) lines.push(`Watch the calls (latency, fallbacks, hand-overs, alarms): ${url}`, 'Read them: npm run calls');
  return lines;
}

/** Console domains by partition; a partition not here gets no link rather than a wrong one. */
const CONSOLE_DOMAINS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

/**
 * The CloudWatch console's page for a dashboard, in the partition and region of one of the deployment's ARNs (the
 * outputs file holds no region of its own); undefined when the ARN does not say.
 */
export function dashboardConsoleUrl(dashboardName: string, deployedArn: string): string | undefined {
  const [, partition, , region] = deployedArn.split(':');
  const domain = partition === undefined ? undefined : CONSOLE_DOMAINS[partition];
  if (!domain || !region) return undefined;
  const name = encodeURIComponent(dashboardName);
  return `https://${region}.${domain}/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;
}

/** The path as typed from the repo root (where npm runs scripts), or absolute when it lies outside it. */
function displayPath(path: string): string {
  const fromRoot = relative(REPO_ROOT, path);
  return fromRoot.startsWith('..') || isAbsolute(fromRoot) ? path : fromRoot;
}

export interface DeployCliDependencies {
  readonly environment?: (aws: AwsOptions) => DeployEnvironment;
  /** Runs a command with inherited output; resolves to its exit code. */
  readonly run?: (command: string, args: string[], env: NodeJS.ProcessEnv) => Promise<number>;
  readonly interactive?: boolean;
}

function runInherited(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env, cwd: REPO_ROOT });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** `npm run deploy`; resolves to the exit code. */
export async function deployCli(
  argv: string[],
  log: (line: string) => void = console.log,
  deps: DeployCliDependencies = {},
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    { profile: { type: 'string' }, region: { type: 'string' }, yes: { type: 'boolean', default: false } },
    true,
  );
  if (values.help) {
    log(DEPLOY_USAGE);
    return 0;
  }
  const aws: AwsOptions = { profile: values.profile, region: values.region };
  const environment =
    deps.environment?.(aws) ??
    ({
      sts: new STSClient(awsClientConfig(aws)),
      cloudFormation: new CloudFormationClient(awsClientConfig(aws)),
      dockerProblem: probeDocker,
      profile: aws.profile,
    } satisfies DeployEnvironment);

  log('Checking what the deploy needs:');
  const results = await checkDeployPrerequisites(environment);
  for (const result of results) log(`  ${result.ok ? 'ok     ' : 'MISSING'} ${result.name}: ${result.detail}`);
  if (results.some((result) => !result.ok)) {
    log('Fix what is MISSING above, then run npm run deploy again.');
    return 1;
  }

  const interactive =
    !values.yes && (deps.interactive ?? (Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY)));
  const region = await environment.sts.config.region();
  const args = cdkDeployArgs({ interactive, profile: aws.profile, extra: positionals });
  log(`Deploying: npx ${args.join(' ')}`);
  const code = await (deps.run ?? runInherited)('npx', args, {
    ...process.env,
    // The CDK CLI reads AWS_REGION like the SDK; pass on a --region given here.
    AWS_REGION: region,
    CDK_DISABLE_CLI_TELEMETRY: process.env.CDK_DISABLE_CLI_TELEMETRY ?? 'true',
  });
  if (code !== 0) {
    log(`cdk deploy failed (exit ${code}); the CloudFormation events above say which resource and why.`);
    return code;
  }
  if (existsSync(OUTPUTS_FILE)) for (const line of nextSteps(OUTPUTS_FILE)) log(line);
  return 0;
}
