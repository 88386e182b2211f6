/**
 * The bundle as Lambda runs it: built with the real build scripts into a temporary folder laid out as the image
 * (away from the repository's node_modules, so anything the build failed to include would fail to load), then
 * imported by a separate Node process that calls `handler` the way the Lambda runtime does, against dynalite
 * and the fake model.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { LexV2Event, LexV2Result } from 'aws-lambda';
import { botDefinition } from '../../lib/definition/bot';
import {
  ANSWER_FUNCTION_MEMORY_MB,
  LAMBDA_RUNTIME_SCRIPT,
  lambdaBootstrapNodeOptions,
  START_NODE_WRAPPER,
} from '../../lib/definition/function-runtime';
import { WARM_UP_CALL_ID } from '../../lambda/src/table-warm-up';
import { BAKERY, BAKERY_SPANISH, writeKnowledgeFolder } from '../knowledge/bakery';
import { startFakeBedrock, type FakeBedrock } from '../../local/bedrock-server';
import {
  LOOPBACK_SECRET_ARN,
  type LoopbackSecretsManager,
  startSecretsManager,
} from '../../local/secrets-manager-server';
import { lexEvent, spokenText, startWorld, storedMessages, type World } from '../../local/function-world';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
/** Lambda's wrapper script for the function (lambda/Dockerfile puts it at START_NODE_WRAPPER). */
const WRAPPER = join(root, 'lambda', 'start-node.sh');

let world: World;
let bedrock: FakeBedrock;
let secrets: LoopbackSecretsManager;
let folder: string;
let bundle: string;
/** The transcript archiver's bundle, built by the same run into its own folder (its own zip when deployed). */
let archiverBundle: string;
/** The bakery's index, built as `npm run build` builds one; only the test that sets KNOWLEDGE_DIR loads it. */
let bakeryIndex: string;
beforeAll(async () => {
  [world, bedrock, secrets] = await Promise.all([
    startWorld(),
    startFakeBedrock(),
    startSecretsManager('sk-from-the-secret'),
  ]);
  folder = await mkdtemp(join(tmpdir(), 'chalkbot-bundle-'));
  bundle = join(folder, 'index.mjs');
  archiverBundle = join(folder, 'archiver', 'index.js');
  const outfiles = ['--outdir', folder, '--archiver-outfile', archiverBundle];
  await run(process.execPath, [join(root, 'scripts', 'build-lambda.mjs'), ...outfiles], { cwd: root });
  const source = writeKnowledgeFolder({ ...BAKERY, ...BAKERY_SPANISH });
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  await run(process.execPath, [tsx, join(root, 'scripts', 'build-knowledge.ts'), '--out', folder], {
    cwd: root,
    env: { ...process.env, KNOWLEDGE_DIR: source, EMBEDDINGS: 'local' },
  });
  await rm(source, { recursive: true, force: true });
  // Moved aside, so the other tests' handlers find no index and do not load the embedding model.
  bakeryIndex = join(folder, 'bakery-index');
  await rename(join(folder, 'knowledge-index'), bakeryIndex);
}, 120_000);
afterAll(async () => {
  await Promise.all([world.stop(), bedrock.stop(), secrets.stop()]);
  await rm(folder, { recursive: true, force: true });
});

/** What the Lambda runtime does: import the file, call `handler` with each event and a context. */
const RUNTIME = `
(async () => {
  const { handler } = await import(process.env.BUNDLE);
  const results = [];
  for (const event of JSON.parse(process.env.EVENTS)) {
    const end = Date.now() + Number(process.env.REMAINING_MS);
    const started = Date.now();
    const result = await handler(event, { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => end - Date.now() });
    results.push({ result, elapsedMs: Date.now() - started });
  }
  process.stdout.write(JSON.stringify(results));
})();
`;

/** A fresh process's environment, as the function's would be, with the test world's table. */
function functionEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    BUNDLE: bundle,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: world.proxy.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // The test run's code cache (test/support/global-setup.ts), as the image has one of its own.
    ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}),
    ...env,
  };
}

/** Every file of the bundle, as one text. */
async function bundleSource(): Promise<string> {
  const files = (await readdir(folder)).filter((file) => file.endsWith('.mjs'));
  return (await Promise.all(files.map((file) => readFile(join(folder, file), 'utf8')))).join('\n');
}

async function runBundle(events: LexV2Event[], env: Record<string, string>, remainingMs = 20_000) {
  const { stdout } = await run(process.execPath, ['-e', RUNTIME], {
    cwd: folder,
    env: functionEnvironment({ EVENTS: JSON.stringify(events), REMAINING_MS: String(remainingMs), ...env }),
  });
  return JSON.parse(stdout) as { result: LexV2Result; elapsedMs: number }[];
}

test('the bundle is self-contained, and what a default deployment loads at cold start is small enough to start fast', async () => {
  const coldStart = JSON.parse(await readFile(join(folder, 'cold-start.json'), 'utf8')) as { files: string[] };
  const files = await readdir(folder);
  expect(coldStart.files.every((file) => files.includes(file))).toBe(true);
  const sizes = await Promise.all(coldStart.files.map(async (file) => (await stat(join(folder, file))).size));
  expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThan(2 * 1024 * 1024);
  // Bedrock's client is not among them: it is in files that only a Bedrock deployment loads.
  const coldSource = (await Promise.all(coldStart.files.map((file) => readFile(join(folder, file), 'utf8')))).join();
  expect(coldSource).toContain('/chat/completions');
  expect(coldSource).not.toContain('ConverseCommand');
  // Secrets Manager's client is there (a default deployment reads its key at init), without its other commands.
  expect(coldSource).toContain('GetSecretValue');
  expect(coldSource).not.toContain('RotateSecret');
  // zod's schema types the function never makes are left out (no import of zod's whole `z` namespace).
  expect(coldSource).not.toContain('"ZodTemplateLiteral"');
  const source = await bundleSource();
  expect(source).toContain('ConverseCommand');
  expect(source).toContain(botDefinition.messages.dontKnow); // the bot definition is inlined
  // The OpenAI client's unused API areas are stand-ins (scripts/build-lambda.mjs); chat completions are whole.
  expect(source).not.toContain('/fine_tuning/jobs');
  expect(source).not.toContain('/vector_stores');
  expect(source).toContain('OpenAI fine-tuning/fine-tuning.mjs is not bundled into the Chalkbot function');
  expect(source).toContain('/chat/completions');
  // So are modules no turn runs (zod 3 among them), whose exports throw if ever called.
  expect(source).toContain('zod/v3/index.js is not bundled into the Chalkbot function');
});

test('the bundle keeps function and class names, so production stack traces can be read', async () => {
  const { stdout } = await run(
    process.execPath,
    ['-e', `import(${JSON.stringify(bundle)}).then((bundle) => console.log(bundle.handler.name))`],
    { cwd: folder },
  );
  expect(stdout.trim()).toBe('handleTurn');
  expect(await bundleSource()).toMatch(/"ModelFailure"\)/); // esbuild's name marker on the class
});

test('through the bundle: a call remembers its turns, one read and one write each', async () => {
  world.openai.setBehaviour((request) => ({ reply: `I have seen ${request.body.messages.length} messages.` }));
  world.proxy.operations.length = 0;
  world.proxy.requests.length = 0;

  const runs = await runBundle(
    [
      lexEvent({ contactId: 'bundle-call', transcript: 'Hello from the bundle.' }),
      lexEvent({ contactId: 'bundle-call', transcript: 'And again.' }),
    ],
    world.env,
  );

  expect(runs.map(({ result }) => spokenText(result))).toEqual(['I have seen 2 messages.', 'I have seen 4 messages.']);
  expect(runs[1].result.sessionState.dialogAction.type).toBe('ElicitIntent');
  // Besides the turns, the init phase's one warm-up read of a key no call has (lambda/src/table-warm-up.ts).
  const turnRequests = world.proxy.requests.filter(
    (request) => !JSON.stringify(request.body).includes(WARM_UP_CALL_ID),
  );
  expect(turnRequests.map((request) => request.operation)).toEqual(['GetItem', 'UpdateItem', 'GetItem', 'UpdateItem']);
  expect(world.proxy.requests).toHaveLength(5);
  expect(storedMessages(await world.readItem('bundle-call'))).toHaveLength(4);
});

test("through the bundle, deployed as by default (the model's key in a secret): a tool-calling turn, the tools' zod schemas sent as JSON schema and a bad call refused by them", async () => {
  // First a call whose argument has the wrong type, then a good one, then words: the tool's result, spoken.
  world.openai.clearRequests();
  world.openai.setBehaviour((request) => {
    const toolMessages = request.body.messages.filter((message) => message.role === 'tool');
    if (toolMessages.length === 0) return { toolCalls: [{ name: 'look_up_order', arguments: { orderId: 4711 } }] };
    if (toolMessages.length === 1) return { toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }] };
    return { reply: `Status: ${JSON.parse(toolMessages[1].content).status}.` };
  });
  const { OPENAI_API_KEY: _inEnvironment, ...env } = world.env;

  const [{ result }] = await runBundle(
    [lexEvent({ contactId: 'bundle-tool', transcript: 'Where is my order four seven one one?' })],
    { ...env, OPENAI_API_KEY_SECRET_ARN: LOOPBACK_SECRET_ARN, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint },
  );

  expect(spokenText(result)).toBe('Status: shipped.');
  // The key was read once, through Secrets Manager's client in a file of its own, and sent with each request.
  expect(secrets.reads()).toBe(1);
  expect(world.openai.requests.map((request) => request.headers.authorization)).toEqual(
    Array(3).fill('Bearer sk-from-the-secret'),
  );
  const [first, , last] = world.openai.requests;
  const tools = first.body.tools as { function: { name: string; parameters: Record<string, unknown> } }[];
  expect(tools[0].function).toMatchObject({
    name: 'look_up_order',
    parameters: {
      type: 'object',
      properties: {
        // The field's own description and limits: zod mini's `describe` and checks reach the JSON schema.
        orderId: {
          type: 'string',
          minLength: 1,
          maxLength: 64,
          description: expect.stringMatching(/^The order number/),
        },
      },
      required: ['orderId'],
    },
  });
  const [refused, answered] = last.body.messages.filter((message) => message.role === 'tool');
  // zod's own English message, through the one zod function LangChain's tools module is given (its stand-in).
  expect(JSON.parse(refused.content).error).toMatch(/did not match the tool's schema[\s\S]*expected string/);
  expect(JSON.parse(answered.content)).toMatchObject({ found: true, orderId: '4711', status: 'shipped' });
});

test("through the bundle: a Bedrock deployment's turn, with Bedrock's client and LangChain classes loaded from their own files", async () => {
  bedrock.setBehaviour({ reply: 'Hello from Bedrock.' });
  const [{ result }] = await runBundle([lexEvent({ contactId: 'bundle-bedrock', transcript: 'Hello?' })], {
    CALL_MEMORY_TABLE: world.env.CALL_MEMORY_TABLE,
    MODEL_PROVIDER: 'bedrock',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint,
  });
  expect(spokenText(result)).toBe('Hello from Bedrock.');
  expect(bedrock.requests).toHaveLength(1);
});

test('through the bundle: a hanging model is cut at the deadline, the apology spoken and the turn stored', async () => {
  world.openai.setBehaviour({ hang: true });

  const [{ result, elapsedMs }] = await runBundle(
    [lexEvent({ contactId: 'bundle-hang', transcript: 'Are you there?' })],
    {
      ...world.env,
      TURN_DEADLINE_MS: '1500',
      MEMORY_TIMEOUT_MS: '300',
    },
  );

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(elapsedMs).toBeLessThan(1500 + 700);
  expect(storedMessages(await world.readItem('bundle-hang'))).toEqual([
    ['human', 'Are you there?'],
    ['ai', botDefinition.messages.modelUnavailable],
  ]);
});

test("through the bundle: the built indexes (English and es_US's) and the local embedding model load from beside the bundle", async () => {
  const runs = await runBundle(
    [
      lexEvent({ contactId: 'bundle-offline', transcript: 'When are you open?' }),
      // Not an FAQ wording, no word of the documents: matched by meaning, so the staged model packages loaded.
      lexEvent({ contactId: 'bundle-offline', transcript: 'When are you around?' }),
      lexEvent({ contactId: 'bundle-offline', transcript: 'What is the capital of Peru?' }),
      lexEvent({ contactId: 'bundle-offline-es', localeId: 'es_US', transcript: '¿A qué hora abren?' }),
    ],
    { CALL_MEMORY_TABLE: world.env.CALL_MEMORY_TABLE, KNOWLEDGE_DIR: bakeryIndex },
  );
  const [open] = BAKERY['faq.md'].split('\n').filter((line) => line.startsWith('We open at 7'));
  const [abrimos] = BAKERY_SPANISH['es_US/faq.md'].split('\n').filter((line) => line.startsWith('Abrimos'));
  expect(runs.map(({ result }) => spokenText(result))).toEqual([open, open, botDefinition.messages.dontKnow, abrimos]);
});

test('through the bundle: a missing table setting hands the call to a person, not a crash', async () => {
  const [{ result }] = await runBundle([lexEvent({ contactId: 'bundle-unset', transcript: 'Hi.' })], {});
  expect(result.sessionState.dialogAction.type).toBe('Close');
  expect(result.sessionState.sessionAttributes?.nextAction).toBe('agent');
  expect(spokenText(result)).toBe(botDefinition.messages.troubleTransfer);
});

/**
 * What Lambda's runtime does with an ES module entry: imports it, and only when its top-level await is done ends
 * the init phase and takes the handler. The bundle is required first, to see when its init work settles.
 */
const ENTRY_PROBE = `
const bundle = await import(process.env.BUNDLE);
let settledAt;
bundle.initialized.then(() => { settledAt = performance.now(); });
const entry = await import(process.env.ENTRY);
const handedOverAt = performance.now();
process.stdout.write(JSON.stringify({
  sameHandler: entry.handler === bundle.handler,
  settledBeforeHandOver: settledAt !== undefined && settledAt <= handedOverAt,
}));
`;

test("Lambda's entry hands the handler over only when the init work has ended: the knowledge's model loaded, the turn rehearsed", async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', ENTRY_PROBE], {
    cwd: folder,
    env: functionEnvironment({
      ENTRY: join(folder, 'init.mjs'),
      CALL_MEMORY_TABLE: world.env.CALL_MEMORY_TABLE,
      KNOWLEDGE_DIR: bakeryIndex,
    }),
  });
  expect(JSON.parse(stdout)).toEqual({ sameHandler: true, settledBeforeHandOver: true });
});

test('the image holds exactly the bundle and its entry, the knowledge index, the embedding model and their compile cache, started as init.handler on Node.js 22', async () => {
  const dockerfile = (await readFile(join(root, 'lambda', 'Dockerfile'), 'utf8')).replace(/\s*\\\n\s*/g, ' ');
  const instructions = dockerfile.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  expect(instructions).toEqual([
    'FROM public.ecr.aws/lambda/nodejs:22',
    'COPY dist/node_modules ${LAMBDA_TASK_ROOT}/node_modules',
    'COPY dist/knowledge-index ${LAMBDA_TASK_ROOT}/knowledge-index',
    'COPY dist/*.mjs ${LAMBDA_TASK_ROOT}/',
    `COPY --chmod=755 start-node.sh ${START_NODE_WRAPPER}`,
    'ENV NODE_COMPILE_CACHE=${LAMBDA_TASK_ROOT}/.compile-cache',
    'RUN POWERTOOLS_LOG_LEVEL=SILENT node --input-type=module -e "for (const file of process.argv.slice(1)) await import(file)" ${LAMBDA_TASK_ROOT}/*.mjs',
    'CMD ["init.handler"]',
  ]);
  const ignore = (await readFile(join(root, 'lambda', '.dockerignore'), 'utf8'))
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));
  expect(ignore).toEqual([
    '*',
    '!Dockerfile',
    '!start-node.sh',
    '!dist/*.mjs',
    '!dist/knowledge-index',
    '!dist/node_modules',
  ]);
});

test("the wrapper script starts the bootstrap's command without its V8 flags, Node.js's options and the runtime's script kept in order", async () => {
  const { stdout } = await run('sh', [
    WRAPPER,
    'printf',
    '%s\\n',
    ...lambdaBootstrapNodeOptions(ANSWER_FUNCTION_MEMORY_MB),
    LAMBDA_RUNTIME_SCRIPT,
  ]);
  expect(stdout.trim().split('\n')).toEqual([
    '--max-http-header-size',
    '81920',
    '--no-experimental-require-module',
    '--no-experimental-detect-module',
    LAMBDA_RUNTIME_SCRIPT,
  ]);
  // The flags it drops are the ones the bootstrap gives for this memory (1,024 MB: a tenth for the young generation).
  expect(lambdaBootstrapNodeOptions(1024)).toEqual(
    expect.arrayContaining(['--expose-gc', '--max-semi-space-size=51', '--max-old-space-size=922']),
  );
});

test("the image's compile-cache step imports every file of the bundle, the lazy ones too, and the model, and caches them for node as Lambda starts it", async () => {
  const dockerfile = (await readFile(join(root, 'lambda', 'Dockerfile'), 'utf8')).replace(/\s*\\\n\s*/g, ' ');
  const [, command] = /^RUN (.+)$/m.exec(dockerfile) ?? [];
  const cache = join(folder, '.compile-cache');
  await run('sh', ['-c', command], {
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      LAMBDA_TASK_ROOT: folder,
      NODE_COMPILE_CACHE: cache,
      // The index beside the bundle in the image; here aside, so that the other tests' handlers find none.
      KNOWLEDGE_DIR: bakeryIndex,
    },
  });
  const files = (await readdir(folder)).filter((file) => file.endsWith('.mjs'));
  const cached = (await readdir(cache, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  // A cache file per module compiled: one per bundle file at least (the lazy ones are most of them).
  expect(cached.length).toBeGreaterThanOrEqual(files.length);
  // And TensorFlow.js's, made after the model loaded (lambda/src/knowledge/code-cache.ts).
  expect(cached.filter((entry) => /^code-cache-[0-9a-f]{32}\.v8$/.test(entry.name))).toHaveLength(1);

  // Node.js as Lambda starts it, through the wrapper script with the bootstrap's command line, reads that cache: the
  // wrapper leaves out the bootstrap's V8 flags, which are part of the cache's key.
  const { stderr } = await run(
    'sh',
    [
      WRAPPER,
      process.execPath,
      ...lambdaBootstrapNodeOptions(ANSWER_FUNCTION_MEMORY_MB),
      '--input-type=module',
      '-e',
      'await import(process.argv[1])',
      join(folder, 'index.mjs'),
    ],
    {
      env: {
        PATH: process.env.PATH,
        NODE_COMPILE_CACHE: cache,
        NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        KNOWLEDGE_DIR: bakeryIndex,
      },
    },
  );
  expect(stderr).toMatch(/cache for file:\/\/\S+\/index\.mjs was accepted/);
  expect(stderr).not.toMatch(/index\.mjs was not initialized/);
});

test("the archiver's bundle loads alone and runs its handler: a contact event that is not a disconnect is dropped", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { CALL_MEMORY_TABLE: 'calls', TRANSCRIPT_BUCKET: 'transcripts', AWS_REGION: 'us-east-1' });
  try {
    const { handler } = require(archiverBundle) as { handler: (event: unknown) => Promise<unknown> };
    await expect(handler({ detail: { eventType: 'CONNECTED_TO_SYSTEM', contactId: 'c-1' } })).resolves.toEqual({
      archived: false,
      reason: 'eventType is CONNECTED_TO_SYSTEM, not DISCONNECTED',
    });
  } finally {
    process.env = saved;
  }
});
