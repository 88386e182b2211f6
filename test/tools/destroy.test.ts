import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { DESTROY_USAGE, destroyCli, retainedPartSteps } from '../../tools/destroy';

const cloudFormation = mockClient(CloudFormationClient);
const client = () => new CloudFormationClient({ region: 'eu-west-2' });

const CONTACT_CENTER_OUTPUTS = [
  ['PhoneNumberArn', 'arn:aws:connect:eu-west-2:123456789012:phone-number/pn-1'],
  ['RecordingsBucketName', 'chalkbot-recordings-abc'],
  ['TranscriptBucketName', 'chalkbot-transcripts-def'],
  ['FunctionImageRepositoryName', 'chalkbot-answer-function'],
  ['ConnectInstanceId', 'inst-1'],
].map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));

beforeEach(() => {
  cloudFormation.reset();
  cloudFormation.on(DescribeStacksCommand, { StackName: 'chalkbot-contact-center' }).resolves({
    Stacks: [
      {
        StackName: 'chalkbot-contact-center',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: CONTACT_CENTER_OUTPUTS,
      },
    ],
  });
  cloudFormation
    .on(DescribeStacksCommand, { StackName: 'chalkbot-gitlab-ci' })
    .rejects(new Error('Stack with id chalkbot-gitlab-ci does not exist'));
});

test('--help prints the usage and exits 0', async () => {
  const log: string[] = [];
  expect(await destroyCli(['--help'], (l) => log.push(l))).toBe(0);
  expect(log).toEqual([DESTROY_USAGE]);
});

test('by default only the bot stack goes, and the OpenAI key secret is said to go with it', async () => {
  const run = jest.fn().mockResolvedValue(0);
  const log: string[] = [];
  expect(await destroyCli([], (l) => log.push(l), { run, cloudFormation: client() })).toBe(0);
  expect(run.mock.calls).toEqual([['npx', ['cdk', 'destroy', 'chalkbot-bot', '--force', '--no-notices']]]);
  expect(log[0]).toMatch(/The OpenAI key secret goes with it: put the key in again after the next deploy/);
});

test('--all without the typed prefix deletes nothing', async () => {
  const run = jest.fn().mockResolvedValue(0);
  const log: string[] = [];
  expect(
    await destroyCli(['--all'], (l) => log.push(l), { run, ask: async () => 'yes', cloudFormation: client() }),
  ).toBe(1);
  expect(run).not.toHaveBeenCalled();
  expect(log).toEqual(['Not confirmed (expected "chalkbot"): nothing was deleted.']);
});

test('--all, confirmed: the stacks, then every retained part, instance last but its log group', async () => {
  const run = jest.fn().mockResolvedValue(0);
  expect(
    await destroyCli(['--all', '--region', 'eu-west-2'], () => undefined, {
      run,
      ask: async () => 'chalkbot',
      cloudFormation: client(),
    }),
  ).toBe(0);
  const region = ['--region', 'eu-west-2'];
  expect(run.mock.calls).toEqual([
    ['npx', ['cdk', 'destroy', 'chalkbot-bot', 'chalkbot-contact-center', '--force', '--no-notices', ...region]],
    [
      'aws',
      [
        'connect',
        'release-phone-number',
        '--phone-number-id',
        'arn:aws:connect:eu-west-2:123456789012:phone-number/pn-1',
        ...region,
      ],
    ],
    ['aws', ['s3', 'rb', 's3://chalkbot-recordings-abc', '--force', ...region]],
    ['aws', ['s3', 'rb', 's3://chalkbot-transcripts-def', '--force', ...region]],
    ['aws', ['ecr', 'delete-repository', '--repository-name', 'chalkbot-answer-function', '--force', ...region]],
    ['aws', ['connect', 'delete-instance', '--instance-id', 'inst-1', ...region]],
    ['aws', ['logs', 'delete-log-group', '--log-group-name', '/aws/connect/chalkbot', ...region]],
  ]);
});

test('--all deletes the GitLab CI stack by name when it is deployed, after the bot stack that imports its role', async () => {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'chalkbot-gitlab-ci' }).resolves({
    Stacks: [
      { StackName: 'chalkbot-gitlab-ci', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] },
    ],
  });
  const run = jest.fn().mockResolvedValue(0);
  expect(await destroyCli(['--all', '--confirm', 'chalkbot'], () => undefined, { run, cloudFormation: client() })).toBe(
    0,
  );
  expect(run.mock.calls.slice(0, 3)).toEqual([
    ['npx', ['cdk', 'destroy', 'chalkbot-bot', 'chalkbot-contact-center', '--force', '--no-notices']],
    ['aws', ['cloudformation', 'delete-stack', '--stack-name', 'chalkbot-gitlab-ci']],
    ['aws', ['cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 'chalkbot-gitlab-ci']],
  ]);
});

test('an adopted instance and number are never deleted', () => {
  const outputs = Object.fromEntries(CONTACT_CENTER_OUTPUTS.map((o) => [o.OutputKey, o.OutputValue]));
  const steps = retainedPartSteps(outputs, { instanceAlias: 'x', adoptedInstance: true, adoptedNumber: true, aws: [] });
  expect(steps.map((s) => s.what)).toEqual(['the recordings bucket', 'the transcript bucket', 'the image repository']);
});

test('a failed cdk destroy leaves the retained parts alone', async () => {
  const run = jest.fn().mockResolvedValueOnce(2);
  expect(await destroyCli(['--all', '--confirm', 'chalkbot'], () => undefined, { run, cloudFormation: client() })).toBe(
    2,
  );
  expect(run).toHaveBeenCalledTimes(1);
});
