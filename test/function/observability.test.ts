/**
 * Logs and metrics as CloudWatch will see them: JSON log lines carrying the contact id, no caller words at INFO,
 * and EMF metric lines for turn latency, model latency, fallbacks and silent turns. The output is captured from
 * stdout/stderr, where Powertools writes it in Lambda.
 */
import { AGENT_INTENT, GOODBYE_INTENT } from '../../lib/definition/bot';
import { FUNCTION_SERVICE_NAME } from '../../lib/definition/function-settings';
import { createHandler } from '../../lambda/src/handler';
import { lambdaContext, lexEvent } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();

type Line = Record<string, unknown>;

/** Runs `work` with Powertools writing for real (at `logLevel`), and returns every JSON line it wrote. */
async function capture(logLevel: string, work: () => Promise<unknown>): Promise<Line[]> {
  const saved = { level: process.env.POWERTOOLS_LOG_LEVEL, metrics: process.env.POWERTOOLS_METRICS_DISABLED };
  process.env.POWERTOOLS_LOG_LEVEL = logLevel;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const written: string[] = [];
  const record = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  try {
    await work();
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.env.POWERTOOLS_LOG_LEVEL = saved.level;
    process.env.POWERTOOLS_METRICS_DISABLED = saved.metrics;
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
}

function metricNames(lines: Line[]): string[] {
  return lines.flatMap((line) => {
    const emf = (line._aws as { CloudWatchMetrics?: { Namespace: string; Metrics: { Name: string }[] }[] } | undefined)
      ?.CloudWatchMetrics;
    return emf ? emf.flatMap((entry) => entry.Metrics.map((metric) => `${entry.Namespace}/${metric.Name}`)) : [];
  });
}

const SECRET_WORDS = 'my pink elephant passphrase';

test('INFO logs are JSON with the contact id and never the caller words; metrics are EMF', async () => {
  const lines = await capture('INFO', async () => {
    const handler = createHandler({ env: world.env });
    await handler(
      lexEvent({ contactId: 'call-observed', transcript: `Please remember ${SECRET_WORDS}.` }),
      lambdaContext(),
    );
  });

  const logs = lines.filter((line) => typeof line.message === 'string');
  expect(logs.length).toBeGreaterThan(0);
  expect(logs.every((line) => line.contactId === 'call-observed' && line.service === FUNCTION_SERVICE_NAME)).toBe(true);
  expect(JSON.stringify(lines)).not.toContain('pink elephant');
  expect(metricNames(lines)).toEqual(expect.arrayContaining(['Chalkbot/TurnLatency', 'Chalkbot/ModelLatency']));
  expect(metricNames(lines)).not.toContain('Chalkbot/ModelFallback');
});

test('at DEBUG the caller words are logged (so the INFO check above is a real check)', async () => {
  const lines = await capture('DEBUG', async () => {
    const handler = createHandler({ env: world.env });
    await handler(
      lexEvent({ contactId: 'call-debug', transcript: `Please remember ${SECRET_WORDS}.` }),
      lambdaContext(),
    );
  });
  expect(JSON.stringify(lines)).toContain('pink elephant');
});

test('a fallback and a silent turn are counted; the contact id does not leak into the next turn', async () => {
  world.openai.setBehaviour({ status: 500 });
  const lines = await capture('INFO', async () => {
    const handler = createHandler({ env: { ...world.env, MODEL_MAX_RETRIES: '0' } });
    await handler(lexEvent({ contactId: 'call-first', transcript: 'Will this fail?' }), lambdaContext());
    await handler(lexEvent({ contactId: 'call-second', transcript: '' }), lambdaContext());
    await handler(null as never, lambdaContext());
  });
  world.openai.setBehaviour({});

  expect(metricNames(lines)).toEqual(
    expect.arrayContaining(['Chalkbot/ModelFallback', 'Chalkbot/SilentTurn', 'Chalkbot/MalformedEvent']),
  );
  const malformedLog = lines.find((line) => line.message === 'Malformed Lex event; answering with an apology');
  expect(malformedLog).toBeDefined();
  expect(malformedLog?.contactId).toBeUndefined();
  expect(lines.find((line) => line.message === 'Silent turn')?.contactId).toBe('call-second');
});

test('how turns end is counted for the dashboard: hand-overs, hang-ups and failed turns', async () => {
  const count = async (work: (handler: ReturnType<typeof createHandler>) => Promise<unknown>) =>
    metricNames(await capture('INFO', () => work(createHandler({ env: world.env }))));
  const handOver = await count((handler) =>
    handler(lexEvent({ contactId: 'call-agent', intent: AGENT_INTENT, transcript: 'a person' }), lambdaContext()),
  );
  const hangUp = await count((handler) =>
    handler(lexEvent({ contactId: 'call-bye', intent: GOODBYE_INTENT, transcript: 'bye' }), lambdaContext()),
  );
  const failed = await count((handler) => handler(null as never, lambdaContext()));
  const ours = (names: string[]) => names.filter((name) => /HandOver|HangUp|FailedTurn/.test(name));
  expect([ours(handOver), ours(hangUp), ours(failed)]).toEqual([
    ['Chalkbot/HandOver'],
    ['Chalkbot/HangUp'],
    ['Chalkbot/FailedTurn'],
  ]);
});

test('turns running at once in one process (the local call, the benchmark) keep their own contact id', async () => {
  world.openai.setBehaviour((request) => ({ reply: 'ok', delayMs: request.index % 2 === 0 ? 150 : 10 }));
  const lines = await capture('INFO', async () => {
    const handler = createHandler({ env: world.env });
    await Promise.all(
      ['call-a', 'call-b', 'call-c', 'call-d'].map((contactId) =>
        handler(lexEvent({ contactId, transcript: `I am ${contactId}` }), lambdaContext()),
      ),
    );
  });
  world.openai.setBehaviour({});

  const answered = lines.filter((line) => line.message === 'The model answered').map((line) => line.contactId);
  expect(answered.sort()).toEqual(['call-a', 'call-b', 'call-c', 'call-d']);
});

describe('a model server whose error body echoes the prompt and a key', () => {
  const ECHOING_ERROR = `Incorrect API key provided: sk-proj-abcd****wxyz. Your prompt was: Please remember ${SECRET_WORDS}.`;

  async function failingTurn(logLevel: string, status: number): Promise<Line[]> {
    world.openai.setBehaviour({ status, errorMessage: ECHOING_ERROR });
    try {
      return await capture(logLevel, async () => {
        const handler = createHandler({ env: { ...world.env, MODEL_MAX_RETRIES: '0' } });
        await handler(
          lexEvent({ contactId: `call-echo-${logLevel}-${status}`, transcript: `Please remember ${SECRET_WORDS}.` }),
          lambdaContext(),
        );
      });
    } finally {
      world.openai.setBehaviour({});
    }
  }

  test.each([401, 400, 500])(
    'HTTP %i: above DEBUG the logs carry the status and error type, never the body',
    async (status) => {
      const lines = await failingTurn('INFO', status);
      const logged = JSON.stringify(lines);
      expect(logged).not.toContain('pink elephant');
      expect(logged).not.toContain('sk-proj');
      const fallback = lines.find((line) => line.message === 'The model gave no answer; speaking the fallback');
      expect(String(fallback?.reason)).toContain(`HTTP ${status}`);
      expect(String(fallback?.reason)).toContain('type fake_error');
    },
  );

  test('at DEBUG the whole error is logged (so the check above is a real check)', async () => {
    const lines = await failingTurn('DEBUG', 401);
    expect(JSON.stringify(lines)).toContain('sk-proj-abcd');
  });
});
