/**
 * `npm start` as a user runs it: `npx tsx bin/call.ts` as a child process, the caller's lines piped to
 * stdin, the call read from stdout. The real function, dynalite, and no key (answers from the test's own
 * knowledge folder, keyword search only) unless a test points it at the fake OpenAI server on loopback.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botDefinition } from '../../lib/definition/bot';
import { type FlowAction, INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import { writeKnowledgeFolder } from '../knowledge/bakery';
import { lastUserMessage, startFakeOpenAI } from '../../local/openai-server';
import { flowLine, phoneGreeting } from './call-harness';

const REPO = join(__dirname, '..', '..');

// Each run starts Node, tsx, the function and dynalite; a busy machine needs more than the default.
jest.setTimeout(90_000);

interface CliRun {
  readonly code: number | null;
  /** The call's lines as printed (npm's and the function's own logs left out). */
  readonly lines: string[];
  readonly stdout: string;
  readonly stderr: string;
}

/** The test's own small knowledge folder, searched by keywords: no embedding model to load in each child. */
let knowledgeDir: string;
beforeAll(() => {
  knowledgeDir = writeKnowledgeFolder();
});
afterAll(() => rmSync(knowledgeDir, { recursive: true, force: true }));

function runCall(args: readonly string[], input: string, env: Record<string, string> = {}): Promise<CliRun> {
  // Never the developer's key: tests do not reach OpenAI.
  const { OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, ...inherited } = process.env;
  const child = spawn('npx', ['tsx', 'bin/call.ts', '--knowledge', knowledgeDir, ...args], {
    cwd: REPO,
    env: { ...inherited, POWERTOOLS_LOG_LEVEL: 'ERROR', EMBEDDINGS: 'none', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.split('\n').filter((line) => line.startsWith('['));
      resolve({ code, lines: lines.map((line) => line.replace(/ {2}\(\d+ ms\)$/, '')), stdout, stderr });
    });
  });
}


let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'chalkbot-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

test('a piped call holds a short call and exits 0 at goodbye', async () => {
  const run = await runCall(['--data', dataDir], 'What can you do?\nGoodbye\n');
  expect(run.code).toBe(0);
  const call = run.lines.filter((line) => !line.startsWith('[local]'));
  expect(call).toEqual([
    ...phoneGreeting(),
    '[caller] What can you do?',
    expect.stringMatching(/^\[bot\] \S/),
    '[caller] Goodbye',
    flowLine('say-goodbye'),
    '[hang up]',
  ]);
  expect(run.lines[0]).toMatch(/^\[local\] contact [0-9a-f-]{36}; answers from the knowledge folder alone/);
  expect(run.lines[1]).toMatch(/^\[local\] knowledge: 3 FAQ questions and 6 passages from /);
  // Each bot turn shows its latency.
  expect(run.stdout).toMatch(/^\[bot\] .+ {2}\(\d+ ms\)$/m);
});

test('asking for a person: greeting, an answer, the transfer line, then the transfer to the named queue', async () => {
  const run = await runCall(['--in-memory'], 'What can you do?\nI want to talk to a person\n');
  expect(run.code).toBe(0);
  expect(run.lines).toEqual([
    expect.stringMatching(/^\[local\] contact /),
    expect.stringMatching(/^\[local\] knowledge: /),
    "[local] the function's logs go to .chalkbot/function.log (--verbose shows them here)",
    ...phoneGreeting(),
    '[caller] What can you do?',
    expect.stringMatching(/^\[bot\] \S/),
    '[caller] I want to talk to a person',
    flowLine('say-transfer'),
    '[transfer] queue "Chalkbot support"',
  ]);
});

test('--queue-closed takes the closed branch; the end of input mid-call is the caller hanging up', async () => {
  const closed = await runCall(['--in-memory', '--queue-closed'], 'agent\n');
  expect(closed.code).toBe(0);
  // The queue is checked before the transfer line, so a closed queue never hears "connecting you".
  expect(closed.lines.slice(-3)).toEqual(['[caller] agent', flowLine('queue-closed'), '[hang up]']);

  const hungUp = await runCall(['--in-memory'], 'What can you do?\n');
  expect(hungUp.code).toBe(0);
  expect(hungUp.lines.slice(-1)).toEqual(['[hang up] the caller hung up']);
});

test('--show-events prints each Lex V2 event as Lex sends it for a Connect voice call, and the answer', async () => {
  const run = await runCall(['--in-memory', '--show-events', '--contact-id', 'shown-1'], '\nGoodbye\n');
  expect(run.code).toBe(0);
  const eventJson = /^\[lex event\] (\{[\s\S]*?^\})$/m.exec(run.stdout)?.[1];
  const event = JSON.parse(eventJson ?? '{}');
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
  expect(run.stdout).toContain('[lex result] {');
  expect(run.lines).toContain(`[bot] ${botDefinition.messages.reprompt}`);
});

test('two runs with the same --contact-id share the memory: the second run\'s model sees the first', async () => {
  const openai = await startFakeOpenAI((request) => ({ reply: `Noted: ${lastUserMessage(request)}` }));
  try {
    const env = { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'test-key' };
    const first = await runCall(['--data', dataDir, '--contact-id', 'two-runs'], 'My dog is called Biscuit.\nGoodbye\n', env);
    expect(first.code).toBe(0);
    expect(first.lines).toContain('[bot] Noted: My dog is called Biscuit.');
    expect(first.lines).toContain('[local] to go on with this call\'s memory: npm start -- --contact-id two-runs');

    openai.clearRequests();
    const second = await runCall(['--data', dataDir, '--contact-id', 'two-runs'], 'What is my dog called?\nGoodbye\n', env);
    expect(second.code).toBe(0);
    expect(second.lines).toContain('[local] resuming the memory stored for contact two-runs');
    const sent = openai.requests[0].body.messages.map((message) => message.content);
    expect(sent).toEqual(expect.arrayContaining(['My dog is called Biscuit.', 'Noted: My dog is called Biscuit.', 'What is my dog called?']));
  } finally {
    await openai.stop();
  }
});

test('a local call does not load the --deployed path (Lex and CloudFormation clients): they are imported only when asked for', async () => {
  // Each Node process of the run (npx, tsx, the call) reports at exit which of those modules it had loaded.
  const hook = join(dataDir, 'report-loaded.js');
  writeFileSync(
    hook,
    `process.on('exit', () => {
      const all = Object.keys(require.cache);
      const deployed = all.filter((path) => /client-lex-runtime-v2|client-cloudformation|deployed-call/.test(path));
      process.stderr.write('LOADED ' + all.length + ' ' + JSON.stringify(deployed) + '\\n');
    });`,
  );
  const run = await runCall(['--in-memory'], 'Goodbye\n', { NODE_OPTIONS: `--require ${hook}` });
  expect(run.code).toBe(0);
  const reports = [...run.stderr.matchAll(/^LOADED (\d+) (.*)$/gm)].map(([, count, deployed]) => ({ count: Number(count), deployed }));
  // The call's own process loaded the function, the store and the flow engine...
  expect(Math.max(...reports.map((report) => report.count))).toBeGreaterThan(100);
  // ...and no process loaded the deployed path.
  expect(reports.map((report) => report.deployed)).toEqual(reports.map(() => '[]'));
});

test('an unknown option is a usage error: exit 2 with the usage', async () => {
  const run = await runCall(['--colour', 'blue'], '');
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("Unknown option '--colour'");
  expect(run.stderr).toContain('Usage: npm start -- [options]');
});

/** The inbound flow file with one action changed, written where the call can read it. */
function writeChangedFlow(identifier: string, change: (action: FlowAction) => FlowAction): string {
  const flow = readFlowFile(INBOUND_FLOW_FILE);
  const changed = {
    ...flow,
    Content: { ...flow.Content, Actions: flow.Content.Actions.map((action) => (action.Identifier === identifier ? change(action) : action)) },
  };
  const file = join(dataDir, 'changed-flow.json');
  writeFileSync(file, JSON.stringify(changed));
  return file;
}

test('a flow file the deploy would refuse stops before the call, listing its problems: exit 1', async () => {
  const file = writeChangedFlow('greet', (action) => ({ ...action, Transitions: { NextAction: 'nowhere' } }));
  const run = await runCall(['--in-memory', '--flow', file], 'Hello\n');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`The local call stopped: Flow "Chalkbot inbound" (${file}) is not valid:`);
  expect(run.stderr).toContain('  - action "greet" (MessageParticipant): NextAction "nowhere" is not an action of this flow');
  // Nothing of the call happened.
  expect(run.lines).toEqual([]);
});

test('a valid flow with an action type the local call does not emulate stops with a message naming it: exit 1', async () => {
  const file = writeChangedFlow('set-language', (action) => ({
    ...action,
    Type: 'InvokeLambdaFunction',
    Parameters: { LambdaFunctionARN: '${LAMBDA_ARN:chalkbot-lookup}', InvocationTimeLimitSeconds: '3' },
  }));
  const run = await runCall(['--in-memory', '--flow', file], 'Hello\n');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(
    'The local call stopped: Action "set-language" (InvokeLambdaFunction): the action type InvokeLambdaFunction is not one',
  );
});

test('a store held by a running call is refused with a clear error: exit 1', async () => {
  writeFileSync(join(dataDir, 'chalkbot-call.pid'), String(process.pid));
  const run = await runCall(['--data', dataDir], 'Goodbye\n');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`is in use by another local call (pid ${process.pid})`);
});
