/**
 * The first caller's turn in a fresh Lambda process, beside a warm turn of the same process: what a cold start
 * costs beyond loading the code. The entry (lambda/init.mjs) is imported the way Lambda's runtime imports it: its
 * top-level await holds the init phase until the work the bundle starts there has ended (the settings, the key
 * read, the model, the knowledge's index and embedding model, the rehearsed turn and look-up, see
 * lambda/src/index.ts); the first event is sent
 * at once, as a cold start's triggering event would be. The key comes from a loopback Secrets Manager, as it would
 * deployed; the table and the model are the bench world's.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { atMost, type Figure, type MeasurementResult, spreadOf } from './figures';
import { lexEvent } from '../local/function-world';
import { LOOPBACK_SECRET_ARN, startSecretsManager } from '../local/secrets-manager-server';
import type { BenchWorld } from './world';

const run = promisify(execFile);
const root = join(__dirname, '..');

/** The first turn may cost this many warm turns (beyond the load). */
export const FIRST_TURN_RATIO_TARGET = 2;

/**
 * In a fresh process, as Lambda's runtime does it: import the entry (the init phase), then ask the runtime API for
 * each event over HTTP on loopback (node:http, as the runtime client's GET .../invocation/next) and hand it to the
 * handler. Three turns of one call, each timed; the cold start is from the load's start to the first answer.
 */
const RUNTIME = `
const http = require('node:http');
const next = () => new Promise((resolve, reject) => {
  http.get(process.env.RUNTIME_API + '/next', (response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => (body += chunk));
    response.on('end', () => resolve(body ? JSON.parse(body) : undefined));
  }).on('error', reject);
});
const t0 = performance.now();
(async () => {
  // As the runtime loads an ES module entry: its top-level await (the init work) ends before the first event.
  const { handler } = await import(process.env.ENTRY);
  const loadMs = performance.now() - t0;
  const turns = [];
  let coldMs;
  for (let event = await next(); event; event = await next()) {
    const started = performance.now();
    await handler(event, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 20000 });
    turns.push(performance.now() - started);
    coldMs ??= performance.now() - t0;
  }
  process.stdout.write(JSON.stringify({ loadMs, coldMs, turns }));
})();
`;

/** The runtime API's part the bench needs: each GET hands out the next event, then nothing. */
async function startRuntimeApi(events: readonly unknown[]) {
  const pending = [...events];
  const server = createServer((request, response) => {
    request.resume();
    const event = pending.shift();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(event === undefined ? '' : JSON.stringify(event));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function measureFirstTurn(world: BenchWorld, options: { runs: number }): Promise<MeasurementResult> {
  const folder = await mkdtemp(join(tmpdir(), 'chalkbot-bench-first-turn-'));
  const secrets = await startSecretsManager(world.env.OPENAI_API_KEY ?? 'bench-key');
  await world.setModelBehaviour({}, { echoQuestion: true });
  try {
    await run(process.execPath, [join(root, 'scripts', 'build-lambda.mjs'), '--outdir', folder], { cwd: root });
    // As in the image: the sample business's index and the local embedding model beside the bundle.
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    await run(process.execPath, [tsx, join(root, 'scripts', 'build-knowledge.ts'), '--out', folder], { cwd: root });
    const { OPENAI_API_KEY: _key, ...settings } = world.env;
    const firstMs: number[] = [];
    const coldMs: number[] = [];
    const warmMs: number[] = [];
    const ratios: number[] = [];
    for (let index = 0; index < options.runs; index++) {
      const callId = `first-turn-${index}-${Date.now()}`;
      const events = [1, 2, 3].map((turn) =>
        lexEvent({ contactId: callId, transcript: `Question ${turn}: what are my options?` }),
      );
      const runtimeApi = await startRuntimeApi(events);
      const { stdout } = await run(process.execPath, ['-e', RUNTIME], {
        cwd: folder,
        env: {
          PATH: process.env.PATH,
          ENTRY: join(folder, 'init.mjs'),
          RUNTIME_API: runtimeApi.url,
          ...settings,
          OPENAI_API_KEY_SECRET_ARN: LOOPBACK_SECRET_ARN,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_DYNAMODB: world.dynamoDBEndpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          POWERTOOLS_METRICS_DISABLED: 'true',
        },
      });
      await runtimeApi.stop();
      const { coldMs: cold, turns } = JSON.parse(stdout) as { loadMs: number; coldMs: number; turns: number[] };
      const warm = Math.min(turns[1], turns[2]);
      firstMs.push(turns[0]);
      coldMs.push(cold);
      warmMs.push(warm);
      ratios.push(turns[0] / warm);
    }
    const group = 'first turn';
    const ratio = spreadOf(ratios);
    const figures: Figure[] = [
      { group, name: 'first turn in a fresh process (after the load)', unit: 'ms', spread: spreadOf(firstMs) },
      // What the first caller of a new process waits for in all: work moved from the load into the first turn
      // (or back) shows here as no gain.
      { group, name: 'load and first turn together (a cold start)', unit: 'ms', spread: spreadOf(coldMs) },
      { group, name: 'warm turn, same process', unit: 'ms', spread: spreadOf(warmMs) },
      { group, name: 'first / warm turn', unit: 'x', spread: ratio, target: atMost(ratio, FIRST_TURN_RATIO_TARGET) },
      {
        group,
        name: 'key secret reads per fresh process',
        unit: 'reads',
        spread: spreadOf([secrets.reads() / options.runs]),
      },
    ];
    return {
      figures,
      method:
        `${options.runs} fresh ${process.version} processes, each importing Lambda's entry, init.mjs, which ` +
        'imports the bundle and waits for its init work (the key read from a loopback Secrets Manager and the ' +
        'model, a turn rehearsed in process, a collection of the young generation), then fetching three events of one call from a loopback ' +
        "stand-in for Lambda's runtime API and answering them against the bench world (dynalite, a model that " +
        "answers at once; the sample business's knowledge index and the local embedding model beside the bundle, as in " +
        'the image). Warm turn: the faster of turns 2 and 3. Cold ' +
        'start: from the load to the first answer.',
    };
  } finally {
    await secrets.stop();
    await rm(folder, { recursive: true, force: true });
  }
}
