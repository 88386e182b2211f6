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
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
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
export async function describeStackOutputs(cloudFormation: CloudFormationClient, stacks: readonly string[]): Promise<StackOutputs> {
  const merged: Record<string, string> = {};
  for (const stackName of stacks) {
    let response;
    try {
      response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    } catch (error) {
      if (/does not exist/.test((error as Error).message)) {
        const region = await cloudFormation.config.region();
        throw new Error(`Stack ${stackName} is not deployed in ${region}. Deploy first (npm run deploy), or check --region/--profile.`);
      }
      throw error;
    }
    for (const output of response.Stacks?.[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue !== undefined) merged[output.OutputKey] = output.OutputValue;
    }
  }
  return merged;
}

/** One output, or an error that names the key and where it was looked for. */
export function requireOutput(outputs: StackOutputs, key: string, where: string): string {
  const value = outputs[key];
  if (!value) throw new Error(`Output ${key} not found in ${where}; is the app deployed with this version?`);
  return value;
}
