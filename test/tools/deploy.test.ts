import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  OUTPUTS_FILE,
  cdkDeployArgs,
  checkDeployPrerequisites,
  dashboardConsoleUrl,
  deployCli,
  nextSteps,
} from '../../tools/deploy';
import { REPO_ROOT } from '../../tools/deployment';

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);

function environment(options: { region?: string; docker?: string } = {}) {
  return {
    sts: new STSClient({ region: options.region ?? 'eu-west-2' }),
    cloudFormation: new CloudFormationClient({ region: options.region ?? 'eu-west-2' }),
    dockerProblem: () => options.docker,
  };
}

function bootstrapped(status = 'UPDATE_COMPLETE') {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({
    Stacks: [
      {
        StackName: 'CDKToolkit',
        CreationTime: new Date(),
        StackStatus: status as 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '30' }],
      },
    ],
  });
}

/** Points the AWS CLI's files at a config with this text (no credentials file) for one test. */
function withAwsConfig(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'aws-config-'));
  writeFileSync(join(dir, 'config'), text);
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
}
const savedAwsFiles = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
afterEach(() => {
  for (const [key, value] of [
    ['AWS_CONFIG_FILE', savedAwsFiles.config],
    ['AWS_SHARED_CREDENTIALS_FILE', savedAwsFiles.credentials],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

beforeEach(() => {
  sts.reset();
  cloudFormation.reset();
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/Dev/me' });
});

describe('deploy prerequisites', () => {
  test('all present', async () => {
    bootstrapped();
    const results = await checkDeployPrerequisites(environment());
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual(['AWS credentials', 'CDK bootstrap', 'Docker', 'Function bundle']);
    expect(results[0].detail).toBe(
      'arn:aws:sts::123456789012:assumed-role/Dev/me in account 123456789012, region eu-west-2',
    );
    expect(results[1].detail).toBe('CDKToolkit version 30');
  });

  test('no credentials: says how to sign in, and skips the bootstrap check', async () => {
    withAwsConfig('[profile dev]\nregion = eu-west-2\n');
    sts.on(GetCallerIdentityCommand).rejects(new Error('Could not load credentials from any providers'));
    const results = await checkDeployPrerequisites({ ...environment(), profile: 'dev' });
    const credentials = results.find((r) => r.name === 'AWS credentials')!;
    expect(credentials.ok).toBe(false);
    expect(credentials.detail).toContain('Could not load credentials from any providers');
    expect(credentials.detail).toContain('`aws sso login --profile dev`');
    expect(results.map((r) => r.name)).not.toContain('CDK bootstrap');
  });

  test('no region and no credentials: both reported in one run', async () => {
    const noRegion = new STSClient({
      region: async () => {
        throw new Error('Region is missing');
      },
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    const results = await checkDeployPrerequisites({
      ...environment(),
      sts: noRegion,
      dockerProblem: () => 'not installed',
    });
    expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual(['AWS region', 'AWS credentials', 'Docker']);
  });

  test('no network: says AWS cannot be reached, and does not blame the credentials', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-2.amazonaws.com'), { code: 'ENOTFOUND' }));
    const [first] = await checkDeployPrerequisites(environment());
    expect(first.name).toBe('AWS reachable');
    expect(first.detail).toMatch(
      /^AWS cannot be reached from this machine \(getaddrinfo ENOTFOUND .*\)\. Check the network/,
    );
    expect(first.detail).not.toMatch(/sso login/);
  });

  test('a profile that does not exist is named as such', async () => {
    withAwsConfig('[profile dev]\n');
    sts.on(GetCallerIdentityCommand).rejects(new Error('Could not load credentials from any providers'));
    const [first] = await checkDeployPrerequisites({ ...environment(), profile: 'nosuch' });
    expect(first.detail).toMatch(
      /^The AWS profile "nosuch" does not exist in ~\/\.aws\/config or ~\/\.aws\/credentials/,
    );
  });

  test('not bootstrapped: gives the exact bootstrap command', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id CDKToolkit does not exist'));
    const bootstrap = (await checkDeployPrerequisites(environment())).find((r) => r.name === 'CDK bootstrap')!;
    expect(bootstrap).toEqual({
      name: 'CDK bootstrap',
      ok: false,
      detail:
        'Account 123456789012 is not bootstrapped in eu-west-2. Run `npx cdk bootstrap aws://123456789012/eu-west-2` once for this account and region.',
    });
  });

  test('a bootstrap stack that failed is not usable', async () => {
    bootstrapped('ROLLBACK_COMPLETE');
    const bootstrap = (await checkDeployPrerequisites(environment())).find((r) => r.name === 'CDK bootstrap')!;
    expect(bootstrap.ok).toBe(false);
    expect(bootstrap.detail).toMatch(/^Stack CDKToolkit is ROLLBACK_COMPLETE\. Run `npx cdk bootstrap/);
  });

  test('no Docker: says why it is needed', async () => {
    bootstrapped();
    const docker = (
      await checkDeployPrerequisites(environment({ docker: 'the Docker daemon does not answer: Cannot connect' }))
    ).find((r) => r.name === 'Docker')!;
    expect(docker.ok).toBe(false);
    expect(docker.detail).toMatch(
      /build the function's container image, and the Docker daemon does not answer: Cannot connect\. Install Docker/,
    );
  });
});

describe('npm run deploy', () => {
  test('stops before deploying when something is missing, listing each problem', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id CDKToolkit does not exist'));
    const run = jest.fn();
    const log: string[] = [];
    const code = await deployCli([], (l) => log.push(l), {
      environment: () => environment({ docker: 'not installed' }),
      run,
    });
    expect(code).toBe(1);
    expect(run).not.toHaveBeenCalled();
    expect(log.filter((line) => line.startsWith('  MISSING')).map((line) => line.trim().split(':')[0])).toEqual([
      'MISSING CDK bootstrap',
      'MISSING Docker',
    ]);
  });

  test('deploys every stack, passing extra arguments and the region on, and never asks without a terminal', async () => {
    bootstrapped();
    const run = jest.fn().mockResolvedValue(0);
    const code = await deployCli(['--yes', '--', '-c', 'prefix=demo'], () => undefined, {
      environment: () => environment(),
      run,
    });
    expect(code).toBe(0);
    const [command, args, env] = run.mock.calls[0];
    expect(command).toBe('npx');
    expect(args).toEqual([
      'cdk',
      'deploy',
      '--all',
      '--no-asset-prebuild',
      '--require-approval',
      'never',
      '--outputs-file',
      OUTPUTS_FILE,
      '--progress',
      'events',
      '--no-notices',
      '-c',
      'prefix=demo',
    ]);
    expect(env.AWS_REGION).toBe('eu-west-2');
  });

  test('assets are built after the stacks they depend on: the image repository exists before the image is built', () => {
    expect(cdkDeployArgs({ interactive: false })).toContain('--no-asset-prebuild');
    // The pinned CLI still has the option, with the default this flag turns off.
    const cli = readFileSync(join(REPO_ROOT, 'node_modules', 'aws-cdk', 'lib', 'index.js'), 'utf8');
    expect(cli).toMatch(/option\("asset-prebuild", \{\s*default: true,\s*type: "boolean"/);
  });

  test('a failed cdk deploy fails with its exit code', async () => {
    bootstrapped();
    const code = await deployCli([], () => undefined, {
      environment: () => environment(),
      run: async () => 3,
      interactive: false,
    });
    expect(code).toBe(3);
  });

  test('on a terminal, security-widening changes are shown for approval', () => {
    expect(cdkDeployArgs({ interactive: true, profile: 'dev' })).toEqual(
      expect.arrayContaining(['--require-approval', 'broadening', '--profile', 'dev']),
    );
  });

  test('after a deploy: the number to call and how to set the OpenAI key', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-')), 'cdk-outputs.json');
    writeFileSync(
      file,
      JSON.stringify({
        'chalkbot-contact-center': { PhoneNumber: '+15550100' },
        'chalkbot-bot': { OpenAiKeySecretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:key-AbC' },
      }),
    );
    expect(nextSteps(file)).toEqual([
      'Call +15550100 to talk to Chalkbot.',
      "Once, put your OpenAI key in the function's secret (until then the model cannot answer: callers hear an offline answer or an apology):",
      '  aws secretsmanager put-secret-value --secret-id arn:aws:secretsmanager:eu-west-2:123456789012:secret:key-AbC --secret-string "$OPENAI_API_KEY"',
      `Check the live bot in text: npm run smoke -- --outputs-file ${file}`,
    ]);
    // What the caller hears until then is the function's failing-model apology, never "not configured".
    expect(nextSteps(file)[1]).not.toMatch(/not configured/);
  });

  test("after a deploy: the dashboard's console link, in the deployment's partition and region", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-')), 'cdk-outputs.json');
    writeFileSync(
      file,
      JSON.stringify({
        'demo-bot': {
          DashboardName: 'demo-operations',
          BotAliasArn: 'arn:aws:lex:eu-west-2:123456789012:bot-alias/BOTID/ALIASID',
        },
      }),
    );
    expect(nextSteps(file).slice(-2)).toEqual([
      'Watch the calls (latency, fallbacks, hand-overs, alarms): ' +
        'https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#dashboards/dashboard/demo-operations',
      'Read them: npm run calls',
    ]);
    expect(dashboardConsoleUrl('d', 'arn:aws-cn:lex:cn-north-1:1:bot-alias/a/b')).toBe(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#dashboards/dashboard/d',
    );
    expect(dashboardConsoleUrl('d', 'not an arn')).toBeUndefined();
  });

  test('the smoke command names the outputs file the deploy wrote, relative to the repo root where npm runs', () => {
    // A folder inside the repo that git ignores, so a test run leaves nothing for anyone to see.
    mkdirSync(join(REPO_ROOT, 'node_modules', '.cache'), { recursive: true });
    const file = join(mkdtempSync(join(REPO_ROOT, 'node_modules', '.cache', 'deploy-test-')), 'cdk-outputs.json');
    try {
      writeFileSync(file, JSON.stringify({ 'demo-chalkbot-bot': {} }));
      expect(nextSteps(file)).toEqual([
        `Check the live bot in text: npm run smoke -- --outputs-file ${relative(REPO_ROOT, file)}`,
      ]);
      expect(relative(REPO_ROOT, file)).toMatch(/^node_modules\/\.cache\/deploy-test-\w+\/cdk-outputs\.json$/);
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });
});
