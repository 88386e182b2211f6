/**
 * Whole local calls in process with the real parts: the real fulfillment function (no key: the test's own
 * knowledge folder; or the fake OpenAI server on loopback), dynalite with the table as deployed, the inbound flow.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { botDefinition, SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { type FlowAction, INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import type { CallEvent } from '../../local/call-events';
import type { CallOptions } from '../../local/call-options';
import { scriptedCaller } from '../../local/caller';
import { DataDirInUseError, lockDataDir } from '../../local/data-dir-lock';
import { holdLocalCall, type LocalCallIo } from '../../local/local-call';
import { keywordKnowledge } from '../knowledge/bakery';
import { lastUserMessage, startFakeOpenAI } from '../../local/openai-server';
import { lastUserText, startFakeBedrock } from '../../local/bedrock-server';
import { USAGE } from '../../local/call-options';
import { terminalListener } from '../../local/terminal';
import { flowLine, phoneGreeting, transcriptOf, cliCallOptions } from './call-harness';

/** Settings for the real function that never reach OpenAI whatever the developer's shell holds, and keep it quiet. */
function functionSettings(env: Record<string, string | undefined> = {}): LocalCallIo['functionOverrides'] {
  return {
    env: {
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
      OPENAI_API_KEY_SECRET_ARN: undefined,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
    knowledge: keywordKnowledge(),
  };
}

async function hold(
  lines: readonly string[],
  options: Partial<CallOptions> = {},
  functionOverrides = functionSettings(),
) {
  const events: CallEvent[] = [];
  const end = await holdLocalCall(cliCallOptions(options), {
    caller: scriptedCaller(lines),
    listener: (event) => events.push(event),
    functionOverrides,
  });
  return { end, events, transcript: transcriptOf(events).filter((line) => !line.startsWith('[local]')) };
}

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'chalkbot-local-call-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

test('a short offline call: greeting, the FAQ answer, goodbye, hang up', async () => {
  const call = await hold(['When are you open?', 'Goodbye']);
  expect(call.transcript).toEqual([
    ...phoneGreeting(),
    '[caller] When are you open?',
    '[bot] We open at 7 every morning except Wednesday, and close at 3 in the afternoon.',
    '[caller] Goodbye',
    flowLine('say-goodbye'),
    '[hang up]',
  ]);
  expect(call.end).toEqual({ kind: 'disconnected' });
  // The function was reached with the contact id the flow passed, as the session attribute and the session id.
  const [event] = call.events.flatMap((e) => (e.kind === 'lex-event' ? [e.event] : []));
  const contactId = event.sessionState.sessionAttributes?.[SESSION_ATTRIBUTES.contactId];
  expect(contactId).toMatch(/^[0-9a-f-]{36}$/);
  expect(event.sessionId).toBe(contactId);
});

test('with no key, "where is my order four seven one one" speaks the sample order\'s status from the local orders table', async () => {
  const call = await hold(['Where is my order four seven one one?', 'Goodbye']);
  expect(call.transcript[4]).toMatch(
    /^\[bot\] Order 4 7 1 1 is shipped\. The carrier is UPS\. (It should arrive|It was expected) on Friday, December 4\.$/,
  );
});

test('--orders loads another orders file; a number not in it is read back digit by digit', async () => {
  const ordersFile = join(dataDir, 'orders.json');
  writeFileSync(ordersFile, JSON.stringify([{ orderId: '555', status: 'out for delivery' }]));
  const call = await hold(['Where is package triple five?', 'where is my order four seven one one', 'Goodbye'], {
    ordersFile,
  });
  expect(call.transcript[4]).toBe('[bot] Order 5 5 5 is out for delivery.');
  expect(call.transcript[6]).toBe(`[bot] ${botDefinition.messages.orders.notFound.replace('{digits}', '4 7 1 1')}`);
});

test('the real function hangs up after three silent turns', async () => {
  const call = await hold(['', '', '']);
  expect(call.transcript.slice(3)).toEqual([
    '[caller] (silence)',
    `[bot] ${botDefinition.messages.reprompt}`,
    '[caller] (silence)',
    `[bot] ${botDefinition.messages.reprompt}`,
    '[caller] (silence)',
    `[bot] ${botDefinition.messages.silentGoodbye}`,
    '[hang up]',
  ]);
});

test('a question, then a transfer to the support queue', async () => {
  const call = await hold(['What can you do?', 'I want to talk to a person']);
  expect(call.transcript.slice(-2)).toEqual([flowLine('say-transfer'), '[transfer] queue "Chalkbot support"']);
  expect(call.end).toMatchObject({ kind: 'transferred', queueName: 'Chalkbot support' });
});

test('each bot turn answers well within the turn deadline', async () => {
  const call = await hold(['What can you do?', 'Tell me something', 'Goodbye']);
  const latencies = call.events.flatMap((event) => (event.kind === 'bot' ? [event.latencyMs] : []));
  expect(latencies).toHaveLength(2);
  for (const latency of latencies) expect(latency).toBeLessThan(botDefinition.fulfillmentUpdates.timeoutSeconds * 1000);
});

test('a second call with the same contact id resumes the memory: the model sees the first call', async () => {
  const openai = await startFakeOpenAI((request) => ({ reply: `Noted: ${lastUserMessage(request)}` }));
  try {
    // Each call builds its own function, as each `npm start` does: its store client points at that call's store.
    const withModel = () => functionSettings({ OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'test-key' });
    const first = await hold(
      ['My favourite colour is teal.', 'Goodbye'],
      { dataDir, contactId: 'resume-me' },
      withModel(),
    );
    expect(first.transcript).toContain('[bot] Noted: My favourite colour is teal.');

    openai.clearRequests();
    const second = await hold(
      ['What is my favourite colour?', 'Goodbye'],
      { dataDir, contactId: 'resume-me' },
      withModel(),
    );
    expect(second.events).toContainEqual({ kind: 'notice', text: 'resuming the memory stored for contact resume-me' });
    const sent = openai.requests[0].body.messages.map((message) => message.content);
    expect(sent).toContain('My favourite colour is teal.');
    expect(sent).toContain('What is my favourite colour?');
  } finally {
    await openai.stop();
  }
});

test('MODEL_PROVIDER=bedrock with a loopback Converse server holds a call, signed with fake credentials', async () => {
  const bedrock = await startFakeBedrock((request) => ({ reply: `Bedrock noted: ${lastUserText(request)}` }));
  try {
    const env = { MODEL_PROVIDER: 'bedrock', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint };
    const call = await hold(['What is the weather like?', 'Goodbye'], {}, functionSettings(env));

    expect(call.events).toContainEqual({
      kind: 'notice',
      text: expect.stringMatching(
        new RegExp(`answers from model bedrock us\\.amazon\\.nova-lite-v1:0 at ${bedrock.endpoint}$`),
      ),
    });
    expect(call.transcript).toContain('[bot] Bedrock noted: What is the weather like?');
    expect(bedrock.requests[0]!.modelId).toBe('us.amazon.nova-lite-v1:0');
    // The developer's own AWS credentials never go to a local server.
    expect(bedrock.requests[0]!.headers.authorization).toMatch(/Credential=local\//);
  } finally {
    await bedrock.stop();
  }
});

test('--help lists the provider settings', () => {
  for (const name of [
    'MODEL_PROVIDER',
    'AZURE_OPENAI_ENDPOINT',
    'AZURE_OPENAI_DEPLOYMENT',
    'BEDROCK_MODEL_ID',
    'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
    'FALLBACK_MODEL_PROVIDER',
    'FALLBACK_MODEL',
  ]) {
    expect(USAGE).toContain(name);
  }
});

test('a new contact id starts with an empty memory', async () => {
  const call = await hold(['Goodbye'], { dataDir, contactId: 'never-seen' });
  expect(call.events).toContainEqual({
    kind: 'notice',
    text: 'nothing is stored for contact never-seen; the call starts with an empty memory',
  });
});

test('a store in use by another call is refused with a clear error, and free again once released', async () => {
  const release = lockDataDir(dataDir);
  try {
    await expect(hold(['Goodbye'], { dataDir })).rejects.toThrow(DataDirInUseError);
    await expect(hold(['Goodbye'], { dataDir })).rejects.toThrow(`in use by another local call (pid ${process.pid})`);
  } finally {
    release();
  }
  await expect(hold(['Goodbye'], { dataDir })).resolves.toMatchObject({ end: { kind: 'disconnected' } });
});

test('the call leaves the process environment as it found it: the function gets the local store through its own client', async () => {
  // A developer's shell, with a real profile and region the local call must neither use nor change.
  const shell = { AWS_PROFILE: 'developer-profile', AWS_REGION: 'eu-west-2', AWS_SESSION_TOKEN: 'real-session' };
  const saved = Object.fromEntries(Object.keys(shell).map((name) => [name, process.env[name]]));
  Object.assign(process.env, shell);
  try {
    const before = { ...process.env };
    const call = await hold(['What can you do?', 'Goodbye'], { dataDir, contactId: 'env-check' });
    expect(call.end).toEqual({ kind: 'disconnected' });
    expect({ ...process.env }).toEqual(before);
    // The turn was stored in the local store all the same: a second call resumes it.
    const again = await hold(['Goodbye'], { dataDir, contactId: 'env-check' });
    expect(again.events).toContainEqual({ kind: 'notice', text: 'resuming the memory stored for contact env-check' });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test("the function's logs go to the log file, not into the call; the path is printed", async () => {
  const logFile = join(dataDir, 'logs', 'function.log');
  const stdout = jest.spyOn(process.stdout, 'write');
  try {
    const events: CallEvent[] = [];
    await holdLocalCall(cliCallOptions({ logFile }), {
      caller: scriptedCaller(['Hello', 'Goodbye']),
      listener: (event) => events.push(event),
      // A bad setting: the function logs an error with its stack and hands the caller to a person.
      functionOverrides: functionSettings({ POWERTOOLS_LOG_LEVEL: 'WARN', MAX_STORED_MESSAGES: 'lots' }),
    });
    const transcript = transcriptOf(events);
    expect(transcript).toContain(`[local] the function's logs go to ${logFile} (--verbose shows them here)`);
    expect(transcript.join('\n')).not.toMatch(/MAX_STORED_MESSAGES|"level"|\s+at /);
    expect(stdout.mock.calls.map(([chunk]) => String(chunk)).join('')).not.toContain('MAX_STORED_MESSAGES');
    const logged = readFileSync(logFile, 'utf8');
    expect(logged).toMatch(/^--- \S+ contact /);
    expect(logged).toContain('MAX_STORED_MESSAGES');
    // Put back for whatever runs next in this process.
    expect(process.env.POWERTOOLS_DEV).toBeUndefined();
  } finally {
    stdout.mockRestore();
  }
});

/** The inbound flow file with one action changed, written where the call can read it. */
function writeChangedFlow(identifier: string, change: (action: FlowAction) => FlowAction): string {
  const flow = readFlowFile(INBOUND_FLOW_FILE);
  const actions = flow.Content.Actions.map((action) => (action.Identifier === identifier ? change(action) : action));
  const file = join(dataDir, 'changed-flow.json');
  writeFileSync(file, JSON.stringify({ ...flow, Content: { ...flow.Content, Actions: actions } }));
  return file;
}

test('a flow file the deploy would refuse stops before the call, listing its problems', async () => {
  const flowFile = writeChangedFlow('greet', (action) => ({ ...action, Transitions: { NextAction: 'nowhere' } }));
  const call = hold(['Hello'], { flowFile });
  await expect(call).rejects.toThrow(`Flow "Chalkbot inbound" (${flowFile}) is not valid:`);
  await expect(call).rejects.toThrow(
    'action "greet" (MessageParticipant): NextAction "nowhere" is not an action of this flow',
  );
});

test('a valid flow with an action type the local call does not emulate stops with a message naming it', async () => {
  const flowFile = writeChangedFlow('set-language', (action) => ({
    ...action,
    Type: 'InvokeLambdaFunction',
    Parameters: { LambdaFunctionARN: '${LAMBDA_ARN:chalkbot-lookup}', InvocationTimeLimitSeconds: '3' },
  }));
  await expect(hold(['Hello'], { flowFile })).rejects.toThrow(
    'Action "set-language" (InvokeLambdaFunction): the action type InvokeLambdaFunction is not one',
  );
});

test('--show-events prints each Lex V2 event as Lex sends it for a Connect voice call, and the result', async () => {
  let printed = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      printed += chunk.toString('utf8');
      done();
    },
  });
  await holdLocalCall(cliCallOptions({ showEvents: true, contactId: 'shown-1' }), {
    caller: scriptedCaller(['', 'Goodbye']),
    listener: terminalListener(output, { echoCaller: true, showEvents: true }),
    functionOverrides: functionSettings(),
  });

  const event = JSON.parse(/^\[lex event\] (\{[\s\S]*?^\})$/m.exec(printed)?.[1] ?? '{}');
  expect(event).toMatchObject({
    messageVersion: '1.0',
    invocationSource: 'FulfillmentCodeHook',
    inputMode: 'Speech',
    sessionId: 'shown-1',
    inputTranscript: '',
    requestAttributes: { 'x-amz-lex:channels:platform': 'Connect' },
    sessionState: { sessionAttributes: { contactId: 'shown-1' }, intent: { name: 'FallbackIntent' } },
    bot: { localeId: botDefinition.localeId },
  });
  expect(printed).toContain('[lex result] {');
  expect(printed).toContain(`[bot] ${botDefinition.messages.reprompt}`);
});
