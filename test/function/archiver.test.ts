/**
 * The transcript archiver, on a real call item: dynalite holds the call-memory table (written by the answer
 * function itself), and S3 is aws-sdk-client-mock (no local S3-compatible store is installed). Covered: a normal
 * call, a call with no item, a transfer, a call with tool turns, a silent ending, redaction, and events that are
 * not disconnects.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type ArchiverMetrics, type ContactEvent, createArchiver } from '../../lambda/src/archiver';
import { METRIC } from '../../lib/definition/metrics';
import { createHandler } from '../../lambda/src/handler';
import type { Transcript } from '../../lambda/src/transcript';
import { AGENT_INTENT, botDefinition } from '../../lib/definition/bot';
import { LOCAL_CREDENTIALS } from '../../local/dynamodb';
import { lambdaContext, lexEvent, startWorld, TABLE, type World } from '../../local/function-world';

const BUCKET = 'transcripts-test';
const INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
const s3 = mockClient(S3Client);
let world: World;
let dynamoDB: DynamoDBClient;

beforeAll(async () => {
  world = await startWorld();
  dynamoDB = new DynamoDBClient({
    endpoint: world.dynamoDB.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  dynamoDB.destroy();
  await world.stop();
});
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  world.openai.setBehaviour({ reply: 'We open at nine, Monday to Friday.' });
});

/** The CallEnded metrics the archiver published, as [metric, dimensions]. */
let counted: [string, Record<string, string>][] = [];
const recordingMetrics: ArchiverMetrics = {
  singleMetric() {
    const dimensions: Record<string, string> = {};
    return {
      addDimension: (name, value) => {
        dimensions[name] = value;
      },
      addMetric: (name) => {
        counted.push([name, dimensions]);
      },
    };
  },
};
beforeEach(() => {
  counted = [];
});

function archiver(redact = false, metrics: ArchiverMetrics = recordingMetrics) {
  return createArchiver({
    dynamoDB,
    s3: new S3Client({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
    env: { CALL_MEMORY_TABLE: TABLE, TRANSCRIPT_BUCKET: BUCKET, REDACT_TRANSCRIPTS: String(redact) },
    metrics,
  });
}

/** Connect's DISCONNECTED contact event (adminguide contact-events.html, "call is disconnected"). */
function disconnected(contactId: string, detail: Record<string, unknown> = {}): ContactEvent {
  return {
    'detail-type': 'Amazon Connect Contact Event',
    time: '2026-12-02T10:15:30Z',
    detail: {
      eventType: 'DISCONNECTED',
      contactId,
      channel: 'VOICE',
      instanceArn: INSTANCE_ARN,
      initiationMethod: 'INBOUND',
      initiationTimestamp: '2026-12-02T10:14:00.000Z',
      disconnectTimestamp: '2026-12-02T10:15:29.000Z',
      disconnectReason: 'CUSTOMER_DISCONNECT',
      ...detail,
    } as ContactEvent['detail'],
  };
}

/** The one object the archiver put, parsed. */
function putObject(): { key: string; transcript: Transcript; contentType?: string } {
  const calls = s3.commandCalls(PutObjectCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0].args[0].input;
  expect(input.Bucket).toBe(BUCKET);
  return { key: input.Key!, transcript: JSON.parse(String(input.Body)) as Transcript, contentType: input.ContentType };
}

async function say(contactId: string, ...lines: string[]) {
  const handler = createHandler({ env: world.env });
  let attributes: Record<string, string> = { contactId };
  for (const transcript of lines) {
    attributes =
      (await handler(lexEvent({ transcript, sessionAttributes: attributes }), lambdaContext())).sessionState
        .sessionAttributes ?? {};
  }
}

test('a normal call: one JSON object under transcripts/YYYY/MM/DD/<contactId>.json, who said what and when', async () => {
  await say('call-normal', 'When do you open?', 'And on Saturday?');
  const result = await archiver()(disconnected('call-normal'));
  expect(result.archived).toBe(true);

  const { key, transcript, contentType } = putObject();
  expect(key).toBe('transcripts/2026/12/02/call-normal.json');
  expect(contentType).toBe('application/json');
  expect(transcript).toMatchObject({
    version: 1,
    contactId: 'call-normal',
    channel: 'VOICE',
    startedAt: '2026-12-02T10:14:00.000Z',
    endedAt: '2026-12-02T10:15:29.000Z',
    durationSeconds: 89,
    ending: 'hang-up',
    disconnectReason: 'CUSTOMER_DISCONNECT',
    redacted: false,
    memoryFound: true,
  });
  expect(
    transcript.turns.map(({ caller, bot, route, intent, next }) => ({ caller, bot, route, intent, next })),
  ).toEqual([
    {
      caller: 'When do you open?',
      bot: 'We open at nine, Monday to Friday.',
      route: 'model',
      intent: 'FallbackIntent',
      next: 'listen',
    },
    {
      caller: 'And on Saturday?',
      bot: 'We open at nine, Monday to Friday.',
      route: 'model',
      intent: 'FallbackIntent',
      next: 'listen',
    },
  ]);
  for (const turn of transcript.turns) {
    expect(Date.parse(turn.answeredAt!)).toBeGreaterThanOrEqual(Date.parse(turn.at!));
    expect(turn.latencyMs).toBeGreaterThanOrEqual(0);
  }
});

test('a call with no item (it never reached the bot, or the item is gone): the transcript says so, no turns', async () => {
  await archiver()(disconnected('call-never-stored'));
  const { transcript } = putObject();
  expect(transcript).toMatchObject({
    contactId: 'call-never-stored',
    memoryFound: false,
    turns: [],
    ending: 'hang-up',
  });
});

test('a transfer: the bot handed over and Connect queued the contact', async () => {
  await say('call-transfer', 'Where is my parcel?');
  await createHandler({ env: world.env })(
    lexEvent({ contactId: 'call-transfer', intent: AGENT_INTENT, transcript: 'let me talk to a person' }),
    lambdaContext(),
  );
  await archiver()(
    disconnected('call-transfer', {
      queueInfo: { queueArn: `${INSTANCE_ARN}/queue/q1`, enqueueTimestamp: '2026-12-02T10:15:00Z' },
    }),
  );
  const { transcript } = putObject();
  expect(transcript.ending).toBe('transfer');
  expect(counted).toEqual([[METRIC.callEnded, { ending: 'transfer' }]]);
  expect(transcript.turns.at(-1)).toMatchObject({
    caller: 'let me talk to a person',
    intent: AGENT_INTENT,
    route: 'leave',
    next: 'agent',
  });
});

test('a call with tool turns: the tool, its arguments and what it returned sit between question and answer', async () => {
  world.openai.setBehaviour((request) =>
    request.body.messages.at(-1)?.role === 'tool'
      ? { reply: 'Order 4711 is on its way.' }
      : { toolCalls: [{ name: 'look_up_order', arguments: { orderId: '4711' } }] },
  );
  await say('call-tools', 'Where is order 4711?');
  await archiver()(disconnected('call-tools'));

  const { transcript } = putObject();
  expect(transcript.turns).toHaveLength(1);
  const [turn] = transcript.turns;
  expect(turn).toMatchObject({ caller: 'Where is order 4711?', bot: 'Order 4711 is on its way.', route: 'model' });
  expect(turn.tools).toEqual([{ name: 'look_up_order', args: { orderId: '4711' }, result: expect.any(String) }]);
  expect(turn.tools[0].result).toContain('4711');
  // Redacted, the order number goes from the words, the arguments and the tool's result alike.
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  await archiver(true)(disconnected('call-tools'));
  const redacted = JSON.stringify(putObject().transcript.turns);
  expect(redacted).not.toContain('4711');
});

test('three silent turns end the call: the ending is silence, and each silence is a turn without words', async () => {
  await say('call-silent', 'Hello?', '', '', '');
  await archiver()(disconnected('call-silent', { disconnectReason: 'CONTACT_FLOW_DISCONNECT' }));
  const { transcript } = putObject();
  expect(transcript.ending).toBe('silence');
  expect(transcript.turns.map((turn) => [turn.route, turn.caller ?? null])).toEqual([
    ['model', 'Hello?'],
    ['silence', null],
    ['silence', null],
    ['silence', null],
  ]);
  // What the bot said to the silence is kept too: the reprompts, then the goodbye that ended the call.
  const { reprompt, silentGoodbye } = botDefinition.messages;
  expect(transcript.turns.slice(1).map((turn) => turn.bot)).toEqual([reprompt, reprompt, silentGoodbye]);
});

test('redactTranscripts masks digit runs (card and phone numbers), in what the caller and the bot said', async () => {
  world.openai.setBehaviour({ reply: 'Call us back on 555-0100 any time.' });
  await say('call-redacted', 'My card is 4111 1111 1111 1111 and I am 9 to 5');
  await archiver(true)(disconnected('call-redacted'));
  const { transcript } = putObject();
  expect(transcript.redacted).toBe(true);
  expect(transcript.turns[0].caller).toBe('My card is **** **** **** **** and I am 9 to 5');
  expect(transcript.turns[0].bot).toBe('Call us back on ***-**** any time.');
});

test('events that are not disconnects are dropped without a write; a failed write throws so Lambda retries', async () => {
  const archive = archiver();
  expect(await archive({ detail: { eventType: 'CONNECTED_TO_AGENT', contactId: 'c1' } })).toEqual({
    archived: false,
    reason: 'eventType is CONNECTED_TO_AGENT, not DISCONNECTED',
  });
  expect(await archive({ detail: { eventType: 'DISCONNECTED', contactId: '../../etc/passwd' } })).toMatchObject({
    archived: false,
  });
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);

  s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
  await expect(archive(disconnected('call-write-fails'))).rejects.toThrow('AccessDenied');
});

test("each archived call is counted once by how it ended, as EMF in the answer function's namespace", async () => {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const written: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
  try {
    await archiver(false, new Metrics({ namespace: 'Chalkbot', serviceName: 'chalkbot' }))(disconnected('call-emf'));
  } finally {
    out.mockRestore();
    if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = saved;
  }
  const emf = written
    .join('')
    .split('\n')
    .filter((line) => line.includes('CloudWatchMetrics'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });
  expect(emf).toHaveLength(1);
  expect(emf[0]).toMatchObject({ CallEnded: 1, ending: 'hang-up', service: 'chalkbot' });
  expect(emf[0]._aws.CloudWatchMetrics).toEqual([
    { Namespace: 'Chalkbot', Dimensions: [['service', 'ending']], Metrics: [{ Name: 'CallEnded', Unit: 'Count' }] },
  ]);
});
