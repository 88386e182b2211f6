/**
 * `npm run destroy`: takes Chalkbot down.
 *
 *   npm run destroy [-- --profile <p>] [--region <r>] [--prefix <prefix>]        the bot stack (and web chat)
 *   npm run destroy -- --all [--confirm <prefix>] [...]                          everything, retained parts too
 *
 * Without --all only `<prefix>-bot` goes (with the web chat stack, which depends on it): the number stays, and
 * a deploy brings the bot back. The bot stack holds the OpenAI key secret, so that is deleted too: put the key
 * in again after the next deploy. With --all, after the prefix is typed to confirm, also `<prefix>-gitlab-ci`
 * and `<prefix>-contact-center`, and then what that stack keeps on purpose: the claimed phone number, the
 * Connect instance, the recordings and transcript buckets (with what they hold), the image repository and the
 * flow-log group.
 * An adopted instance or number (existingInstanceArn, existingPhoneNumberArn) is never deleted.
 * The retained parts are deleted with the AWS CLI (a prerequisite of the deploy anyway).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { stackNames } from '../lib/settings';
import { parseCommandLine } from './cli-args';
import { REPO_ROOT, type StackOutputs, awsClientConfig, describeStackOutputs, readAppSettings } from './deployment';

export const DESTROY_USAGE = `Usage: npm run destroy -- [--all [--confirm <prefix>]] [--prefix <prefix>] [--profile <p>] [--region <r>]

Without --all: deletes the bot stack <prefix>-bot (and <prefix>-web-chat, which depends on it). The number, the
Connect instance and the recordings stay; npm run deploy brings the bot back. The OpenAI key secret is in the bot
stack and is deleted with it: put the key in again after the next deploy.
With --all: after you type the prefix (or pass --confirm <prefix>), also <prefix>-gitlab-ci and
<prefix>-contact-center, then the parts that stack keeps on purpose: the phone number (released), the Connect
instance, the recordings and transcript buckets and everything in them, the image repository and the flow-log
group. Adopted instances and numbers are left alone.
  -h, --help  show this help`;

export interface DestroyDependencies {
  /** Runs a command with inherited output; resolves to its exit code. */
  readonly run?: (command: string, args: string[]) => Promise<number>;
  /** Asks a question on the terminal; resolves to the answer. */
  readonly ask?: (question: string) => Promise<string>;
  readonly cloudFormation?: CloudFormationClient;
}

/** One step of the teardown: a command and what it removes. */
export interface TeardownStep {
  readonly what: string;
  readonly command: string;
  readonly args: string[];
}

/** The retained parts of a contact-center stack, from its outputs, as AWS CLI commands. */
export function retainedPartSteps(
  outputs: StackOutputs,
  options: { instanceAlias: string; adoptedInstance: boolean; adoptedNumber: boolean; aws: string[] },
): TeardownStep[] {
  const steps: TeardownStep[] = [];
  const phoneNumberArn = outputs[STACK_OUTPUTS.phoneNumberArn];
  if (phoneNumberArn && !options.adoptedNumber) {
    steps.push({
      what: 'the phone number',
      command: 'aws',
      args: ['connect', 'release-phone-number', '--phone-number-id', phoneNumberArn, ...options.aws],
    });
  }
  const buckets = [
    { what: 'the recordings bucket', name: outputs[STACK_OUTPUTS.recordingsBucketName] },
    { what: 'the transcript bucket', name: outputs[STACK_OUTPUTS.transcriptBucketName] },
  ];
  for (const { what, name } of buckets) {
    if (name) steps.push({ what, command: 'aws', args: ['s3', 'rb', `s3://${name}`, '--force', ...options.aws] });
  }
  const repository = outputs[STACK_OUTPUTS.functionImageRepositoryName];
  if (repository) {
    steps.push({
      what: 'the image repository',
      command: 'aws',
      args: ['ecr', 'delete-repository', '--repository-name', repository, '--force', ...options.aws],
    });
  }
  const instanceId = outputs[STACK_OUTPUTS.connectInstanceId];
  if (instanceId && !options.adoptedInstance) {
    steps.push({
      what: 'the Connect instance',
      command: 'aws',
      args: ['connect', 'delete-instance', '--instance-id', instanceId, ...options.aws],
    });
    steps.push({
      what: 'the flow-log group',
      command: 'aws',
      args: ['logs', 'delete-log-group', '--log-group-name', `/aws/connect/${options.instanceAlias}`, ...options.aws],
    });
  }
  return steps;
}

function runInherited(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: REPO_ROOT });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function askOnTerminal(question: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) =>
    lines.question(question, (answer) => {
      lines.close();
      resolve(answer);
    }),
  );
}

/** `npm run destroy`; resolves to the exit code. */
export async function destroyCli(
  argv: string[],
  log: (line: string) => void = console.log,
  deps: DestroyDependencies = {},
): Promise<number> {
  const { values } = parseCommandLine(argv, {
    all: { type: 'boolean', default: false },
    confirm: { type: 'string' },
    prefix: { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
  });
  if (values.help) {
    log(DESTROY_USAGE);
    return 0;
  }
  const settings = readAppSettings();
  const prefix = values.prefix ?? settings.prefix;
  const names = stackNames(prefix);
  const aws = [
    ...(values.profile ? ['--profile', values.profile] : []),
    ...(values.region ? ['--region', values.region] : []),
  ];
  const run = deps.run ?? runInherited;
  const cdkDestroy = (stacks: string[]) => run('npx', ['cdk', 'destroy', ...stacks, '--force', '--no-notices', ...aws]);

  if (!values.all) {
    log(
      `Deleting ${names.bot} (and ${names.webChat} if deployed). The OpenAI key secret goes with it: put the key in again after the next deploy.`,
    );
    const code = await cdkDestroy([names.bot]);
    if (code === 0)
      log(
        `Done. ${names.contactCenter} (instance, number, recordings) is still there; npm run destroy -- --all removes it too.`,
      );
    return code;
  }

  const answer =
    values.confirm ??
    (await (deps.ask ?? askOnTerminal)(
      `This deletes every Chalkbot stack of prefix "${prefix}" and the phone number, Connect instance, recordings, ` +
        `image repository and flow logs. Type the prefix (${prefix}) to go on: `,
    ));
  if (answer.trim() !== prefix) {
    log(`Not confirmed (expected "${prefix}"): nothing was deleted.`);
    return 1;
  }

  // The contact center's outputs name its retained parts; they are gone once the stack is.
  const cloudFormation =
    deps.cloudFormation ??
    new CloudFormationClient(awsClientConfig({ profile: values.profile, region: values.region }));
  const outputs = await describeStackOutputs(cloudFormation, [names.contactCenter]).catch((error: Error) => {
    log(`Note: ${error.message.split('.')[0]}; only the stacks are deleted.`);
    return {} as StackOutputs;
  });
  const steps = retainedPartSteps(outputs, {
    instanceAlias: settings.instanceAlias,
    adoptedInstance: settings.existingInstanceArn !== undefined,
    adoptedNumber: settings.existingPhoneNumberArn !== undefined,
    aws,
  });

  const code = await cdkDestroy([names.bot, names.contactCenter]);
  if (code !== 0) {
    log(`cdk destroy failed (exit ${code}); the retained parts were not touched.`);
    return code;
  }

  // The GitLab CI stack is in the app only while gitlabProjectPath is set, so it is deleted by name, if there;
  // after the bot stack, which imports its deploy role's name (the smoke test's grant, lib/ci/smoke-test-access.ts).
  const gitlabCi = await describeStackOutputs(cloudFormation, [names.gitlabCi]).then(
    () => true,
    () => false,
  );
  if (gitlabCi) {
    log(`Deleting ${names.gitlabCi} (the pipeline's OIDC provider and roles)`);
    const deleted =
      (await run('aws', ['cloudformation', 'delete-stack', '--stack-name', names.gitlabCi, ...aws])) === 0 &&
      (await run('aws', [
        'cloudformation',
        'wait',
        'stack-delete-complete',
        '--stack-name',
        names.gitlabCi,
        ...aws,
      ])) === 0;
    if (!deleted) log(`  could not delete ${names.gitlabCi}; going on with the rest.`);
  }

  let failed = 0;
  for (const step of steps) {
    log(`Deleting ${step.what}: ${step.command} ${step.args.join(' ')}`);
    if ((await run(step.command, step.args)) !== 0) {
      failed += 1;
      log(`  could not delete ${step.what}; the command above says why, and can be run again.`);
    }
  }
  log(failed === 0 ? `Chalkbot "${prefix}" is gone.` : `${failed} retained part(s) are left; see above.`);
  return failed === 0 ? 0 : 1;
}
