/**
 * `npm start -- --deployed`: the real inbound flow walked locally, its Lex block talking to a deployed bot
 * alias through RecognizeText. Lex and CloudFormation are aws-sdk-client-mock stand-ins; nothing reaches AWS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DependencyFailedException,
  LexRuntimeV2Client,
  RecognizeTextCommand,
  type RecognizeTextCommandInput,
  type RecognizeTextCommandOutput,
} from '@aws-sdk/client-lex-runtime-v2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AGENT_INTENT,
  botDefinition,
  FALLBACK_INTENT,
  GOODBYE_INTENT,
  SESSION_ATTRIBUTES,
} from '../../lib/definition/bot';
import { INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import type { CallEvent } from '../../local/call-events';
import { runCallCommand } from '../../local/call-cli';
import { type CallOptions, type DeployedBotLookup, parseCallOptions, UsageError } from '../../local/call-options';
import { scriptedCaller } from '../../local/caller';
import { holdDeployedCall } from '../../local/deployed-call';
import { AwsAccessError } from '../../tools/deployment';
import { SILENCE_NOT_SENT } from '../../local/deployed-lex-bot';
import { flowLine, phoneGreeting, transcriptOf, cliCallOptions } from './call-harness';

const lex = mockClient(LexRuntimeV2Client);
const cloudFormation = mockClient(CloudFormationClient);

const REGION = 'eu-west-2';
const BOT = { botId: 'BOT123', aliasId: 'ALIAS45' };
const FAKE_CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'not-a-secret' };

beforeEach(() => {
  lex.reset();
  cloudFormation.reset();
});

function reply(
  input: RecognizeTextCommandInput,
  options: { text?: string; intent: string; action: 'ElicitIntent' | 'Close'; attributes?: Record<string, string> },
): RecognizeTextCommandOutput {
  return {
    $metadata: {},
    sessionId: input.sessionId,
    // Lex leaves messages out when there is nothing to say (a Close without a message).
    ...(options.text === undefined ? {} : { messages: [{ contentType: 'PlainText', content: options.text }] }),
    sessionState: {
      dialogAction: { type: options.action },
      intent: { name: options.intent, state: options.action === 'Close' ? 'Fulfilled' : 'InProgress' },
      sessionAttributes: options.attributes ?? input.sessionState?.sessionAttributes,
    },
  };
}

/**
 * A stand-in for the deployed bot with the function's contract: explicit intents close without a message,
 * free-form questions are answered with ElicitIntent and a turn counter in the session, and "put me through"
 * is the function itself closing the call towards an agent.
 */
function deployedBot(input: RecognizeTextCommandInput): RecognizeTextCommandOutput {
  const text = input.text ?? '';
  const attributes = { ...(input.sessionState?.sessionAttributes ?? {}) };
  if (/^goodbye$/i.test(text)) return reply(input, { intent: GOODBYE_INTENT, action: 'Close' });
  if (/^talk to a person$/i.test(text)) return reply(input, { intent: AGENT_INTENT, action: 'Close' });
  if (/^put me through$/i.test(text)) {
    // The function closes without a message: the flow says the transfer line once the queue can take the call.
    return reply(input, {
      intent: FALLBACK_INTENT,
      action: 'Close',
      attributes: { ...attributes, [SESSION_ATTRIBUTES.nextAction]: 'agent' },
    });
  }
  const turns = Number(attributes.turns ?? '0') + 1;
  return reply(input, {
    text: `You asked: ${text}`,
    intent: FALLBACK_INTENT,
    action: 'ElicitIntent',
    attributes: { ...attributes, turns: String(turns) },
  });
}

function lexClient(config: ConstructorParameters<typeof LexRuntimeV2Client>[0] = {}): LexRuntimeV2Client {
  return new LexRuntimeV2Client({ region: REGION, credentials: FAKE_CREDENTIALS, ...config });
}

interface HoldOverrides {
  readonly lookup?: DeployedBotLookup;
  readonly call?: Partial<CallOptions>;
  readonly lex?: LexRuntimeV2Client;
}

async function hold(lines: readonly string[], overrides: HoldOverrides = {}) {
  const events: CallEvent[] = [];
  const end = await holdDeployedCall(overrides.lookup ?? BOT, cliCallOptions(overrides.call), {
    caller: scriptedCaller(lines),
    listener: (event) => events.push(event),
    lex: overrides.lex ?? lexClient(),
    cloudFormation: new CloudFormationClient({ region: REGION, credentials: FAKE_CREDENTIALS }),
  });
  const transcript = transcriptOf(events);
  return { end, events, transcript, spoken: transcript.filter((line) => !line.startsWith('[local]')) };
}

function requests(): RecognizeTextCommandInput[] {
  return lex.commandCalls(RecognizeTextCommand).map((call) => call.args[0].input);
}

test('two questions, then goodbye closes the bot: the flow says goodbye and hangs up', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['What can you do?', 'And on weekends?', 'Goodbye'], { call: { contactId: 'contact-0001' } });

  expect(call.spoken).toEqual([
    ...phoneGreeting(),
    '[caller] What can you do?',
    '[bot] You asked: What can you do?',
    '[caller] And on weekends?',
    '[bot] You asked: And on weekends?',
    '[caller] Goodbye',
    flowLine('say-goodbye'),
    '[hang up]',
  ]);
  expect(call.end).toEqual({ kind: 'disconnected' });
  // The caller heard how long each answer took.
  const latencies = call.events.flatMap((event) => (event.kind === 'bot' ? [event.latencyMs] : []));
  expect(latencies).toHaveLength(2);
  for (const latencyMs of latencies) expect(latencyMs).toBeGreaterThanOrEqual(0);

  const sent = requests();
  expect(sent.map((input) => input.text)).toEqual(['What can you do?', 'And on weekends?', 'Goodbye']);
  // One Lex session for the call, keyed by the contact id, on the alias the lookup named.
  for (const input of sent) {
    expect(input).toEqual(
      expect.objectContaining({
        botId: BOT.botId,
        botAliasId: BOT.aliasId,
        localeId: botDefinition.localeId,
        sessionId: 'contact-0001',
      }),
    );
  }
  // The flow's attributes start the session (the contact id and the channel); after that the bot's own go back.
  expect(sent[0].sessionState?.sessionAttributes).toEqual({
    [SESSION_ATTRIBUTES.contactId]: 'contact-0001',
    channel: 'VOICE',
  });
  expect(sent[1].sessionState?.sessionAttributes).toEqual({
    [SESSION_ATTRIBUTES.contactId]: 'contact-0001',
    channel: 'VOICE',
    turns: '1',
  });
  expect(sent[2].sessionState?.sessionAttributes).toEqual({
    [SESSION_ATTRIBUTES.contactId]: 'contact-0001',
    channel: 'VOICE',
    turns: '2',
  });

  expect(call.transcript[0]).toBe(
    `[local] contact contact-0001; answers from the deployed bot BOT123, alias ALIAS45, locale en_US in ${REGION}`,
  );
  expect(call.transcript.at(-1)).toContain('--contact-id contact-0001');
});

test('without --contact-id each call is a fresh contact, passed as the session id and the contactId attribute', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  await hold(['Hello', 'Goodbye']);
  await hold(['Hello', 'Goodbye']);
  const [first, , second] = requests();
  expect(first.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  expect(first.sessionState?.sessionAttributes?.[SESSION_ATTRIBUTES.contactId]).toBe(first.sessionId);
  expect(second.sessionId).not.toBe(first.sessionId);
});

test('Lex refusing a turn (the function failed) takes the flow to its apology, naming the error', async () => {
  lex.on(RecognizeTextCommand).rejects(
    new DependencyFailedException({
      $metadata: {},
      message: 'Invalid Lambda Response: Received error response from Lambda',
    }),
  );
  const call = await hold(['What can you do?', 'Are you there?']);
  expect(call.spoken).toEqual([...phoneGreeting(), '[caller] What can you do?', flowLine('apologize'), '[hang up]']);
  expect(call.end).toEqual({ kind: 'disconnected' });
  const notice = call.transcript.find((line) => line.startsWith('[local] talk-to-bot:'));
  expect(notice).toContain('DependencyFailedException: Invalid Lambda Response: Received error response from Lambda');
  expect(notice).toContain("see the function's CloudWatch logs");
  // The line after the failure was never sent: the call had left the bot.
  expect(requests()).toHaveLength(1);
});

test('the function closing with nextAction=agent transfers the call to the queue', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['I need help with my bill', 'put me through']);
  expect(call.spoken).toEqual([
    ...phoneGreeting(),
    '[caller] I need help with my bill',
    '[bot] You asked: I need help with my bill',
    '[caller] put me through',
    flowLine('say-transfer'),
    '[transfer] queue "Chalkbot support"',
  ]);
  expect(call.end).toMatchObject({ kind: 'transferred', queueName: 'Chalkbot support' });
});

test('the agent intent closing the bot meets the local queue answers: closed, so no transfer line', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['talk to a person'], { call: { contactCenter: { hoursOpen: false, agentsStaffed: 1 } } });
  expect(call.spoken).toEqual([...phoneGreeting(), '[caller] talk to a person', flowLine('queue-closed'), '[hang up]']);
});

test('the function closing with nextAction=agent and nobody staffed: nobody available, no transfer line', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['put me through'], { call: { contactCenter: { hoursOpen: true, agentsStaffed: 0 } } });
  expect(call.spoken.slice(-3)).toEqual(['[caller] put me through', flowLine('nobody-available'), '[hang up]']);
});

test('silence is not sent (RecognizeText needs text): a notice, and the bot keeps listening', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['', 'Hello', 'Goodbye']);
  expect(call.transcript.slice(4, 7)).toEqual(['[caller] (silence)', `[local] ${SILENCE_NOT_SENT}`, '[caller] Hello']);
  expect(requests().map((input) => input.text)).toEqual(['Hello', 'Goodbye']);
  expect(call.end).toEqual({ kind: 'disconnected' });
});

test('the end of input is the caller hanging up, mid-conversation', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['Hello']);
  expect(call.spoken.slice(-2)).toEqual(['[bot] You asked: Hello', '[hang up] the caller hung up']);
  expect(call.end).toEqual({ kind: 'caller-hung-up' });
});

test('the bot is found from the deployed bot stack outputs, as the smoke test finds it', async () => {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'demo-bot' }).resolves({
    Stacks: [
      {
        StackName: 'demo-bot',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: STACK_OUTPUTS.botId, OutputValue: 'STACKBOT' },
          { OutputKey: STACK_OUTPUTS.botAliasId, OutputValue: 'STACKALIAS' },
          { OutputKey: STACK_OUTPUTS.botLocaleId, OutputValue: 'en_US' },
        ],
      },
    ],
  });
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  await hold(['Goodbye'], { lookup: { prefix: 'demo' } });
  expect(requests()[0]).toEqual(expect.objectContaining({ botId: 'STACKBOT', botAliasId: 'STACKALIAS' }));
});

test('a deployed bot in another locale than the call is a failed hand-over, not a crash', async () => {
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  const call = await hold(['Hello'], { lookup: { ...BOT, locale: 'en_GB' } });
  expect(call.spoken).toEqual([...phoneGreeting(), flowLine('apologize'), '[hang up]']);
  expect(call.transcript.join('\n')).toContain('the deployed bot alias talks in en_GB, not en_US');
  expect(requests()).toHaveLength(0);
});

test('--profile naming a profile the AWS files lack says so, instead of "or pass --profile"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aws-config-'));
  const saved = process.env.AWS_CONFIG_FILE;
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  try {
    const call = hold(['Hello'], { lookup: { ...BOT, profile: 'nosuch' } });
    await expect(call).rejects.toThrow(
      /^The AWS profile "nosuch" does not exist in ~\/\.aws\/config or ~\/\.aws\/credentials/,
    );
    expect(requests()).toHaveLength(0);
  } finally {
    if (saved === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = saved;
  }
});

test('no credentials: the call does not start, one clear error, nothing sent', async () => {
  const noCredentials = lexClient({
    credentials: async () => {
      throw new Error('Could not load credentials from any providers');
    },
  });
  const call = hold(['Hello'], { lex: noCredentials });
  await expect(call).rejects.toThrow(AwsAccessError);
  await expect(call).rejects.toThrow(
    /^No usable AWS credentials \(Could not load credentials from any providers\)\. Sign in the way the AWS CLI does/,
  );
  expect(requests()).toHaveLength(0);
  expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
});

test('a flow file that fails the flow check stops the call before anything reaches AWS', async () => {
  const flow = readFlowFile(INBOUND_FLOW_FILE);
  const broken = { ...flow, Content: { ...flow.Content, StartAction: 'start-here' } };
  const file = join(mkdtempSync(join(tmpdir(), 'chalkbot-deployed-')), 'broken.json');
  writeFileSync(file, JSON.stringify(broken));
  lex.on(RecognizeTextCommand).callsFake(deployedBot);
  await expect(hold(['Hello'], { call: { flowFile: file } })).rejects.toThrow(
    `Flow "Chalkbot inbound" (${file}) is not valid:\n  - StartAction "start-here" is not an action of this flow`,
  );
  expect(lex.calls()).toHaveLength(0);
  expect(cloudFormation.calls()).toHaveLength(0);
});

test('no region: one clear error', async () => {
  const noRegion = lexClient({
    region: async () => {
      throw new Error('Region is missing');
    },
  });
  await expect(hold(['Hello'], { lex: noRegion })).rejects.toThrow('No AWS region: pass --region');
});

describe('options', () => {
  test('--deployed takes the smoke test lookup flags and keeps no local store', () => {
    const argv = ['--deployed', '--prefix', 'demo', '--profile', 'dev', '--region', REGION, '--contact-id', 'c0ffee-1'];
    const command = parseCallOptions(argv);
    expect(command).toEqual({
      kind: 'call',
      options: expect.objectContaining({
        contactId: 'c0ffee-1',
        dataDir: undefined,
        deployed: expect.objectContaining({ prefix: 'demo', profile: 'dev', region: REGION }),
      }),
    });
    expect(parseCallOptions(['--deployed', '--bot-id', 'B', '--alias-id', 'A', '--locale', 'en_US'])).toMatchObject({
      options: { deployed: { botId: 'B', aliasId: 'A', locale: 'en_US' } },
    });
    expect(parseCallOptions([])).toMatchObject({ options: { deployed: undefined } });
  });

  test.each([
    [['--deployed', '--in-memory'], /--in-memory and --deployed exclude each other/],
    [['--deployed', '--data', '/tmp/x'], /--data and --deployed exclude each other/],
    [['--deployed', '--show-events'], /CloudWatch logs/],
    [['--prefix', 'demo'], /--prefix says where the deployed bot is; it needs --deployed/],
    [['--region', REGION], /it needs --deployed/],
    [['--deployed', '--bot-id', 'B'], /--bot-id and --alias-id go together/],
    [['--deployed', '--prefix', 'demo', '--outputs-file', 'out.json'], /exclude each other/],
    [['--deployed', '--contact-id', 'x'], /becomes the Lex session id/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCallOptions(argv)).toThrow(UsageError);
    expect(() => parseCallOptions(argv)).toThrow(message);
  });
});

describe('npm start -- --deployed, the command as bin/call.ts runs it', () => {
  test('without AWS credentials: one line on stderr, exit 1, no stack trace', async () => {
    // The command as bin/call.ts runs it (test/local/cli.test.ts runs `npm start` itself as a process), with every
    // credential source the SDK's default chain reads taken away and the instance metadata service switched off.
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    try {
      const argv = ['--deployed', '--bot-id', 'B', '--alias-id', 'A', '--region', REGION];
      const never = () => new Promise<void>(() => {});
      const code = await runCallCommand(argv, {
        stdin: Readable.from(['Hello\n']),
        stdout,
        stderr,
        stopRequested: never,
      });

      expect(code).toBe(1);
      expect(errors.split('\n').filter((line) => line.trim() !== '')).toEqual([
        expect.stringMatching(
          /^The local call stopped: No usable AWS credentials \(.+\)\. Sign in the way the AWS CLI does/,
        ),
      ]);
      expect(lex.calls()).toEqual([]);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
