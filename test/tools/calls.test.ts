/**
 * `npm run calls`: the recent calls and one call's transcript, from the local folder or the deployed bucket, with
 * every error one line and the smoke test's credential checks before anything reaches AWS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { Transcript } from '../../lambda/src/transcript';
import { transcriptKey } from '../../lib/definition/transcripts';
import { bucketTranscripts, CALLS_USAGE, callsCli, deployedTranscripts } from '../../tools/calls';
import { UsageError } from '../../tools/cli-args';
import { AwsAccessError } from '../../tools/deployment';
import { smokeCli } from '../../tools/smoke';

const s3 = mockClient(S3Client);
const cloudFormation = mockClient(CloudFormationClient);
beforeEach(() => {
  s3.reset();
  cloudFormation.reset();
});

function transcript(contactId: string, endedAt: Date, overrides: Partial<Transcript> = {}): Transcript {
  return {
    version: 1,
    contactId,
    startedAt: new Date(endedAt.getTime() - 95_000).toISOString(),
    endedAt: endedAt.toISOString(),
    durationSeconds: 95,
    ending: 'hang-up',
    redacted: false,
    memoryFound: true,
    turns: [
      {
        at: new Date(endedAt.getTime() - 60_000).toISOString(),
        caller: 'What are your opening hours?',
        bot: 'We open at nine.',
        answeredAt: new Date(endedAt.getTime() - 59_000).toISOString(),
        latencyMs: 1000,
        intent: 'FallbackIntent',
        route: 'faq',
        next: 'listen',
        tools: [],
      },
    ],
    ...overrides,
  };
}

const now = new Date();
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

function localFolder(...transcripts: Transcript[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'calls-'));
  for (const t of transcripts) writeFileSync(join(dir, `${t.contactId}.json`), JSON.stringify(t));
  return dir;
}

async function run(argv: string[], deps: Parameters<typeof callsCli>[1]) {
  const lines: string[] = [];
  const code = await callsCli(argv, deps, (line) => lines.push(line));
  return { code, lines };
}

describe('--local', () => {
  const dir = localFolder(
    transcript('call-older', minutesAgo(30)),
    transcript('call-newer', minutesAgo(5), { ending: 'transfer', turns: [] }),
  );

  test('lists the recent calls, newest first: time, duration, turns, ending', async () => {
    const { code, lines } = await run(['--local'], { localDir: dir });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^STARTED \(UTC\)\s+DURATION\s+TURNS\s+ENDING\s+CONTACT$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+1m35s\s+0\s+transfer\s+call-newer$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+1m35s\s+1\s+hang-up\s+call-older$/),
    ]);
    expect((await run(['--local', '--limit', '1'], { localDir: dir })).lines).toHaveLength(2);
  });

  test('show prints the call as a conversation', async () => {
    const { lines } = await run(['--local', 'show', 'call-older'], { localDir: dir });
    expect(lines[0]).toMatch(/^Call call-older, .* UTC, 1m35s, 1 turns, ended: hang-up$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d {2}caller: What are your opening hours\?$/);
    expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d {2}bot: {4}We open at nine\. {3}\[faq, 1000 ms\]$/);
  });

  test('an empty folder says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'calls-'));
    expect((await run(['--local'], { localDir: empty })).lines).toEqual([`No calls in ${empty} yet.`]);
  });
});

describe('the deployed bucket', () => {
  const bucket = 'chalkbot-transcripts-abc';
  const today = transcript('call-today', minutesAgo(1));
  const source = () => bucketTranscripts(new S3Client({ region: 'eu-west-2' }), bucket, () => now);

  beforeEach(() => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: transcriptKey('', now).replace(/\.json$/, '') }).resolves({
      Contents: [{ Key: transcriptKey('call-today', now), LastModified: now }],
    });
    s3.on(ListObjectsV2Command, { Prefix: transcriptKey('call-today', now) }).resolves({
      Contents: [{ Key: transcriptKey('call-today', now) }],
    });
    s3.on(GetObjectCommand, { Bucket: bucket, Key: transcriptKey('call-today', now) }).resolves({
      Body: { transformToString: async () => JSON.stringify(today) } as never,
    });
  });

  test('lists the calls of the last days, day by day under transcripts/YYYY/MM/DD/', async () => {
    const { lines } = await run([], { localDir: '', deployed: async () => source() });
    expect(lines.slice(1)).toEqual([expect.stringMatching(/call-today$/)]);
    const prefixes = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.Prefix);
    expect(prefixes).toHaveLength(7);
    expect(prefixes[0]).toBe(transcriptKey('', now).replace(/\.json$/, ''));
  });

  test('show finds the call by its id; an unknown id is one line', async () => {
    const { lines } = await run(['show', 'call-today'], { localDir: '', deployed: async () => source() });
    expect(lines[0]).toMatch(/^Call call-today, /);
    await expect(
      run(['show', 'nobody', '--days', '2'], { localDir: '', deployed: async () => source() }),
    ).rejects.toThrow(new Error(`no transcript for contact nobody in s3://${bucket}/transcripts/`));
  });

  test('the bucket is found in the outputs file a deploy wrote', async () => {
    const outputsFile = join(mkdtempSync(join(tmpdir(), 'calls-')), 'cdk-outputs.json');
    writeFileSync(outputsFile, JSON.stringify({ 'chalkbot-contact-center': { TranscriptBucketName: bucket } }));
    const client = new S3Client({ region: 'eu-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const { lines } = await run(['show', 'call-today', '--outputs-file', outputsFile], {
      localDir: '',
      deployed: (options) => deployedTranscripts(options, { s3: client }),
    });
    expect(lines[0]).toMatch(/^Call call-today, /);
  });
});

describe('errors are one line', () => {
  test.each([
    [['list'], 'unknown command "list" (try: npm run calls -- show <contactId>)'],
    [['show'], 'show needs a contact id: npm run calls -- show <contactId>'],
    [['show', 'a', 'b'], 'unexpected arguments: b'],
    [['--days', '0'], '--days must be a whole number above 0, got "0"'],
    [['--lokal'], 'unknown option --lokal'],
  ])('%j: a usage error', async (argv, message) => {
    await expect(run(argv, { localDir: '' })).rejects.toThrow(new UsageError(message));
  });

  test('--help prints the usage', async () => {
    expect(await run(['--help'], { localDir: '' })).toEqual({ code: 0, lines: [CALLS_USAGE] });
  });

  test('a file in the folder that is not a transcript names itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calls-'));
    writeFileSync(join(dir, 'broken.json'), '{"not": "a transcript"}');
    await expect(run(['--local'], { localDir: dir })).rejects.toThrow(
      `${join(dir, 'broken.json')} is not a transcript (no contactId, endedAt or turns)`,
    );
  });

  test('no credentials: one line saying what to do, and nothing sent to AWS', async () => {
    const noCredentials = new S3Client({
      region: 'eu-west-2',
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    const call = run([], { localDir: '', deployed: (options) => deployedTranscripts(options, { s3: noCredentials }) });
    await expect(call).rejects.toThrow(AwsAccessError);
    await expect(call).rejects.toThrow(
      /^No usable AWS credentials \(Could not load credentials from any providers\)\. Sign in the way the AWS CLI does/,
    );
    expect(s3.calls()).toHaveLength(0);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  test('the same credential checks as npm run smoke: a missing profile is the same line from both', async () => {
    const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
    process.env.AWS_CONFIG_FILE = '/dev/null';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
    try {
      const fromCalls = await run(['--profile', 'nosuch'], { localDir: '' }).catch((error: Error) => error);
      const fromSmoke = await smokeCli(['--profile', 'nosuch'], () => undefined).catch((error: Error) => error);
      expect(fromCalls).toBeInstanceOf(AwsAccessError);
      expect((fromCalls as Error).message).toMatch(/^The AWS profile "nosuch" does not exist/);
      expect((fromSmoke as Error).message).toBe((fromCalls as Error).message);
    } finally {
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE;
      if (saved.credentials === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    }
  });
});
