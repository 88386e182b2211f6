/**
 * What the tools (smoke test, flow script, laptop deploy) know about a deployment: the AWS profile and region
 * they talk to, the app's settings from cdk.json, and the deployed stacks' outputs.
 *
 * Credentials and region are found the way the AWS CLI finds them: `--profile`/AWS_PROFILE, environment keys,
 * SSO, web identity (the pipeline's OIDC token), instance roles; region from `--region`, AWS_REGION,
 * AWS_DEFAULT_REGION or the profile. The SDK's default chain does all of that; we only add AWS_DEFAULT_REGION,
 * which the CLI reads and the JavaScript SDK does not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { type ChalkbotSettings, cdkJsonContext, readSettings, stackNames } from '../lib/settings';

export const REPO_ROOT = join(__dirname, '..');

export interface AwsOptions {
  readonly profile?: string;
  readonly region?: string;
}

/** Constructor options for any AWS SDK v3 client. */
export function awsClientConfig(options: AwsOptions = {}, env: NodeJS.ProcessEnv = process.env): AwsOptions {
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    ...(options.profile ? { profile: options.profile } : {}),
    ...(region ? { region } : {}),
  };
}

/** The app's settings from cdk.json's context (the same values, defaults and checks `cdk synth` uses). */
export function readAppSettings(cdkJsonPath: string = join(REPO_ROOT, 'cdk.json')): ChalkbotSettings {
  return readSettings(cdkJsonContext(cdkJsonPath));
}

export { stackNames };

/** Output values by output key (see lib/definition/stack-outputs.ts), across the app's stacks. */
export type StackOutputs = Readonly<Record<string, string>>;

/**
 * The outputs a `cdk deploy --outputs-file` wrote (stack name → key → value). Every stack's outputs are merged:
 * the keys are unique across the app.
 */
export function readOutputsFile(path: string): StackOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the outputs file ${path}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object') throw new Error(`Outputs file ${path} must hold an object of stacks`);
  const merged: Record<string, string> = {};
  for (const outputs of Object.values(parsed as Record<string, unknown>)) {
    if (!outputs || typeof outputs !== 'object') continue;
    for (const [key, value] of Object.entries(outputs)) if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

/** The deployed outputs of the named stacks, from CloudFormation. A stack that is not there is an error. */
export async function describeStackOutputs(
  cloudFormation: CloudFormationClient,
  stacks: readonly string[],
): Promise<StackOutputs> {
  const merged: Record<string, string> = {};
  for (const stackName of stacks) {
    let response: DescribeStacksCommandOutput;
    try {
      response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    } catch (error) {
      if (/does not exist/.test((error as Error).message)) {
        const region = await cloudFormation.config.region();
        throw new Error(
          `Stack ${stackName} is not deployed in ${region}. Deploy first (npm run deploy), or check --region/--profile.`,
        );
      }
      throw error;
    }
    for (const output of response.Stacks?.[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue !== undefined) merged[output.OutputKey] = output.OutputValue;
    }
  }
  return merged;
}

/**
 * One app stack's outputs, as the tools find them: from a `cdk deploy --outputs-file` file when given (the
 * pipeline's artifact), else from CloudFormation. `where` names the source for error messages.
 */
export async function deployedOutputs(
  options: { readonly outputsFile?: string; readonly prefix?: string },
  stack: 'bot' | 'contactCenter',
  cloudFormation: CloudFormationClient,
): Promise<{ outputs: StackOutputs; where: string }> {
  if (options.outputsFile) return { outputs: readOutputsFile(options.outputsFile), where: options.outputsFile };
  const name = stackNames(options.prefix ?? readAppSettings().prefix)[stack];
  return { outputs: await describeStackOutputs(cloudFormation, [name]), where: `stack ${name}` };
}

/** One output, or an error that names the key and where it was looked for. */
export function requireOutput(outputs: StackOutputs, key: string, where: string): string {
  const value = outputs[key];
  if (!value) throw new Error(`Output ${key} not found in ${where}; is the app deployed with this version?`);
  return value;
}

/** Error codes that mean AWS could not be reached at all (no network, DNS, a proxy), not that access is denied. */
const NETWORK_ERROR_CODES = [
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
];

export function isNetworkError(error: unknown): boolean {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
  return (
    (code !== undefined && NETWORK_ERROR_CODES.includes(code)) ||
    name === 'TimeoutError' ||
    NETWORK_ERROR_CODES.some((c) => message?.includes(c) ?? false)
  );
}

/**
 * Whether the AWS CLI's files name this profile: `[profile <name>]` (or `[default]`) in the config file,
 * `[<name>]` in the credentials file, at the paths AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE override.
 */
export function profileExists(profile: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const sections = (path: string) => {
    try {
      return [...readFileSync(path, 'utf8').matchAll(/^\s*\[([^\]]+)\]/gm)].map((m) => m[1].trim());
    } catch {
      return [];
    }
  };
  const config = sections(env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'));
  const credentials = sections(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'));
  return credentials.includes(profile) || config.some((section) => section.replace(/^profile\s+/, '') === profile);
}

/**
 * What to tell a person whose AWS credentials could not be used: the network, a profile that does not exist,
 * or no credentials, each with its own fix. One sentence, no stack.
 */
export function credentialProblem(error: unknown, profile?: string): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  if (isNetworkError(error)) {
    return `AWS cannot be reached from this machine (${reason}). Check the network or proxy (HTTPS_PROXY); credentials were not the problem.`;
  }
  if (profile && !profileExists(profile)) {
    return `The AWS profile "${profile}" does not exist in ~/.aws/config or ~/.aws/credentials (\`aws configure list-profiles\` lists them). Create it with \`aws configure sso --profile ${profile}\` or pick another.`;
  }
  const hint = profile ? ` --profile ${profile}` : '';
  return (
    `No usable AWS credentials${profile ? ` for profile "${profile}"` : ''} (${reason}). Sign in the way the AWS CLI does: ` +
    `\`aws sso login${hint}\` or \`aws configure${hint}\`${profile ? '' : ', and pick the profile with AWS_PROFILE or --profile'}.`
  );
}

/** AWS cannot be used from this machine as it is set up: no region, no credentials, or a profile that is not there. */
export class AwsAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsAccessError';
  }
}

/** What every AWS SDK v3 client has: its resolved configuration. */
interface AwsClientLike {
  readonly config: { region(): Promise<string>; credentials(): Promise<unknown> };
}

/**
 * The client's region and credentials, resolved before its first request: a missing login is one line saying
 * what to do (the same for every tool: smoke, calls, the deployed call), not a failed request's stack.
 */
export async function checkAwsAccess(client: AwsClientLike, profile?: string): Promise<string> {
  if (profile && !profileExists(profile))
    throw new AwsAccessError(credentialProblem(new Error('no such profile'), profile));
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new AwsAccessError('No AWS region: pass --region, or set AWS_REGION or a region in your AWS profile.');
  }
  try {
    await client.config.credentials();
  } catch (error) {
    throw new AwsAccessError(credentialProblem(error, profile));
  }
  return region;
}
