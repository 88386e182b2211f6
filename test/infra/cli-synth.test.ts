/**
 * The real CLI, as a fresh clone runs it: `cdk synth` (the project's own aws-cdk, as `npx cdk synth` starts it) with
 * no AWS credentials and no network, through cdk.json (its "build" bundles the function first, its "app" runs
 * bin/chalkbot.ts). A synth through the CLI takes seconds (the build, then the app), so there is one, with every
 * stack (a prefix of its own and the GitLab CI stack); the in-process tests cover the variants, and bad settings
 * (test/infra/settings.test.ts runs the app's entry in process). cfn-lint (the CLI; it has no JavaScript API) then
 * checks its templates.
 *
 * The in-process tests synthesize without aws-cdk-lib's built-in template validation (test/support/global-setup.ts
 * says why), so cfn-lint also reads the templates of the app's variants that the CLI's synth does not build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ANSWER_FUNCTION_MEMORY_MB, START_NODE_WRAPPER } from '../../lib/definition/function-runtime';
import { buildTestApp, REPO_ROOT, templateOf } from './synth';

/** Whether a command of that name is on PATH. */
const onPath = (command: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));

/**
 * The environment without anything that could reach AWS: no credentials, no profile, no metadata probe.
 *
 * Without aws-cdk-lib's built-in template validation too, as in the in-process synths, where cfn-lint is installed:
 * it was 11 s of this synth's 22 s of CPU. Its engine (@aws/cloudformation-validate) runs cfn-lint's rules (each
 * finding's source is CFN_LINT), plus one rule for GameLift, and cdk.json lets its errors fail a synth. cfn-lint
 * itself reads the same templates below and fails the test on any error or warning. Without cfn-lint (a developer's
 * machine; `.ci/run` requires it) the validation stays on, so the templates are still checked.
 */
function offlineEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_')) env[key] = value;
  return {
    ...env,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    ...(onPath('cfn-lint') ? { CDK_VALIDATION: 'false' } : {}),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_CONFIG_FILE: '/dev/null',
  };
}

/**
 * `cdk synth` into a new folder, the CLI started by this Node.js (22) as `npx cdk` would start it, without npx's own
 * npm process (about half a second of CPU). Not spawnSync: the test builds the variants' templates in process
 * meanwhile.
 */
function synth(extraArgs: string[]): Promise<{ status: number; output: string; outDir: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'chalkbot-synth-'));
  const args = [
    require.resolve('aws-cdk/bin/cdk'),
    'synth',
    '--no-notices',
    '--quiet',
    '--output',
    outDir,
    ...extraArgs,
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: REPO_ROOT, env: offlineEnvironment(), encoding: 'utf8', timeout: 170_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, output: `${stdout}\n${stderr}`, outDir });
      },
    );
  });
}

/**
 * cfn-lint over the templates, parseable output; undefined (and one line saying how to get it) when it is not
 * installed here. `.ci/run` requires it, so CI never skips. W3005 is left out: the CDK writes an explicit
 * DependsOn beside a GetAtt on purpose (a role's policy must exist before the function), which cfn-lint calls
 * redundant.
 */
function lintTemplates(templates: string[]): Promise<{ status: number; findings: string } | undefined> {
  return new Promise((resolve) => {
    execFile(
      'cfn-lint',
      ['--format', 'parseable', '--ignore-checks', 'W3005', '--', ...templates],
      { encoding: 'utf8', timeout: 170_000 },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          console.warn(
            'cfn-lint is not installed, so the templates were not linted: pip install cfn-lint (.ci/run requires it)',
          );
          resolve(undefined);
          return;
        }
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, findings: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

/**
 * The app's variants whose templates differ from the CLI's synth above in what they hold, beyond names: another
 * model provider, the business's order API, alarms by mail, Lex's audio logs, an adopted instance and number,
 * and the web chat. Built in process (a second CLI synth would take as long as the first), written into `outDir`.
 */
function writeVariantTemplates(outDir: string): string[] {
  const variants: Record<string, Record<string, unknown>> = {
    'bedrock-orders-alarms': {
      modelProvider: 'bedrock',
      orderLookupUrl: 'https://shop.example.com/api/orders/{orderId}',
      orderLookupTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:order-api-token-AbCdEf',
      alarmEmail: 'oncall@example.com',
      lexAudioLogs: true,
    },
    'adopted-instance-web-chat': {
      existingInstanceArn: 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555',
      existingPhoneNumberArn:
        'arn:aws:connect:us-east-1:123456789012:phone-number/66666666-7777-8888-9999-000000000000',
      webChat: true,
    },
  };
  return Object.entries(variants).flatMap(([variant, context]) => {
    // No asset bundled (the CDK's own context key): cfn-lint reads only templates.
    const unbundled = { 'aws:cdk:bundling-stacks': [] };
    const { contactCenter, bot, webChat } = buildTestApp({ prefix: variant.slice(0, 7), ...unbundled, ...context });
    return [contactCenter, bot, ...(webChat ? [webChat] : [])].map((stack) => {
      const file = join(outDir, `${variant}-${stack.stackName}.template.json`);
      writeFileSync(file, JSON.stringify(templateOf(stack).toJSON()));
      return file;
    });
  });
}

const templateIn = (outDir: string, stack: string) =>
  JSON.parse(readFileSync(join(outDir, `${stack}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };

describe('cdk synth (offline, no credentials)', () => {
  const outDirs: string[] = [];
  /** cfn-lint over the templates of the first test, started as soon as they are written. */
  let linting: ReturnType<typeof lintTemplates> | undefined;
  afterAll(() => {
    for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
  });

  test('prints a template for every stack, with the function image bound for its repository', async () => {
    const synthesized = synth(['-c', 'prefix=demo', '-c', 'gitlabProjectPath=acme/chalkbot']);
    // While the CLI works in its own processes, the variants' templates for cfn-lint.
    const variantsDir = mkdtempSync(join(tmpdir(), 'chalkbot-variants-'));
    outDirs.push(variantsDir);
    const variants = writeVariantTemplates(variantsDir);
    expect(variants).toHaveLength(5);

    const { status, output, outDir } = await synthesized;
    outDirs.push(outDir);
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
    for (const stack of ['demo-contact-center', 'demo-bot', 'demo-gitlab-ci'])
      expect(existsSync(join(outDir, `${stack}.template.json`))).toBe(true);
    const instance = Object.values(templateIn(outDir, 'demo-contact-center').Resources).find(
      (r) => r.Type === 'AWS::Connect::Instance',
    );
    expect(instance?.Properties?.InstanceAlias).toBe('demo');
    const assets = JSON.parse(readFileSync(join(outDir, 'demo-bot.assets.json'), 'utf8'));
    const images = Object.values(assets.dockerImages) as {
      source: { platform: string };
      destinations: Record<string, { repositoryName: string }>;
    }[];
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/arm64');
    // Lambda starts the image's node through its wrapper script, for the memory the bootstrap's flags are sized from.
    const answerFunction = Object.values(templateIn(outDir, 'demo-bot').Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && (r.Properties?.PackageType as string | undefined) === 'Image',
    );
    expect(answerFunction?.Properties).toMatchObject({
      MemorySize: ANSWER_FUNCTION_MEMORY_MB,
      Environment: { Variables: expect.objectContaining({ AWS_LAMBDA_EXEC_WRAPPER: START_NODE_WRAPPER }) },
    });
    expect(Object.values(images[0].destinations).map((d) => d.repositoryName)).toEqual(['demo-answer-function']);
    // cdk.json's "build" ran first, so the image context holds the bundle the Dockerfile copies.
    expect(existsSync(join(REPO_ROOT, 'lambda', 'dist', 'index.mjs'))).toBe(true);
    const templates = readdirSync(outDir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outDir, f));
    expect(templates).toHaveLength(3);
    linting = lintTemplates([...templates, ...variants]);
  }, 180_000);

  test("cfn-lint finds nothing in any template synthesized above, the CLI's or its variants'", async () => {
    expect(linting).toBeDefined();
    const result = await linting;
    if (result === undefined) return;
    expect({ status: result.status, findings: result.findings }).toEqual({ status: 0, findings: '' });
  }, 180_000);
});
