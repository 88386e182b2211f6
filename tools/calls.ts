/**
 * `npm run calls`: the recent calls and their transcripts, for the people who run the line.
 *
 *   npm run calls [-- --local] [--days 7] [--limit 20]     time, duration, turns and ending of recent calls
 *   npm run calls -- show <contactId> [--local]            one call as a readable conversation
 *
 * Deployed, it reads the transcript bucket (the contact-center stack's TranscriptBucketName output) with the
 * AWS credentials and region the smoke test uses; with --local, the local call's `.chalkbot/transcripts/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Transcript, TranscriptTurn } from '../lambda/src/transcript';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { DEFAULT_TRANSCRIPT_RETENTION_DAYS, TRANSCRIPT_KEY_PREFIX, transcriptKey } from '../lib/definition/transcripts';
import { awsClientConfig, deployedOutputs, requireOutput } from './deployment';

export const CALLS_USAGE = `Usage: npm run calls -- [show <contactId>] [options]

  (no command)        list recent calls: time, duration, turns, how the call ended
  show <contactId>    print one call's transcript as a conversation

Options:
  --local                 read the local call's transcripts (.chalkbot/transcripts) instead of the deployment
  --days <n>              how many days back to look (default 7; show looks back ${DEFAULT_TRANSCRIPT_RETENTION_DAYS})
  --limit <n>             list at most this many calls (default 20)
  --prefix <prefix>       the deployment's prefix (default: cdk.json's)
  --outputs-file <file>   find the bucket in a cdk deploy outputs file
  --profile <name> --region <region>   the AWS profile and region`;

/** Where transcripts are read from: a folder (the local call) or the deployed bucket. */
export interface TranscriptSource {
  readonly describe: string;
  /** The newest transcripts first, at most `limit`, from the last `days` days. */
  recent(days: number, limit: number): Promise<Transcript[]>;
  find(contactId: string, days: number): Promise<Transcript | undefined>;
}

export function localTranscripts(dir: string): TranscriptSource {
  const all = (): Transcript[] =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.json'))
          .map((name) => parseTranscript(readFileSync(join(dir, name), 'utf8'), join(dir, name)))
      : [];
  return {
    describe: dir,
    async recent(days, limit) {
      const since = Date.now() - days * 86_400_000;
      return all()
        .filter((transcript) => Date.parse(transcript.endedAt) >= since)
        .sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt))
        .slice(0, limit);
    },
    async find(contactId) {
      const path = join(dir, `${contactId}.json`);
      return existsSync(path) ? parseTranscript(readFileSync(path, 'utf8'), path) : undefined;
    },
  };
}

/** The bucket's objects are dated by the day the call ended: list day by day, newest first. */
export function bucketTranscripts(s3: S3Client, bucket: string, now: () => Date = () => new Date()): TranscriptSource {
  const read = async (key: string): Promise<Transcript> => {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return parseTranscript((await Body?.transformToString()) ?? '', `s3://${bucket}/${key}`);
  };
  const days = (count: number): Date[] =>
    Array.from({ length: count }, (_, index) => new Date(now().getTime() - index * 86_400_000));
  return {
    describe: `s3://${bucket}/${TRANSCRIPT_KEY_PREFIX}`,
    async recent(dayCount, limit) {
      const keys: { key: string; modified: number }[] = [];
      for (const day of days(dayCount)) {
        const prefix = transcriptKey('', day).replace(/\.json$/, '');
        let token: string | undefined;
        do {
          const page = await s3.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          );
          for (const object of page.Contents ?? []) {
            if (object.Key) keys.push({ key: object.Key, modified: object.LastModified?.getTime() ?? 0 });
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        if (keys.length >= limit) break;
      }
      const newest = keys.sort((a, b) => b.modified - a.modified).slice(0, limit);
      return Promise.all(newest.map(({ key }) => read(key)));
    },
    async find(contactId, dayCount) {
      for (const day of days(dayCount)) {
        const key = transcriptKey(contactId, day);
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
        if (page.Contents?.some((object) => object.Key === key)) return read(key);
      }
      return undefined;
    },
  };
}

function parseTranscript(text: string, where: string): Transcript {
  let parsed: Partial<Transcript>;
  try {
    parsed = JSON.parse(text) as Partial<Transcript>;
  } catch {
    throw new Error(`${where} is not a transcript (not JSON)`);
  }
  if (typeof parsed.contactId !== 'string' || !Array.isArray(parsed.turns) || typeof parsed.endedAt !== 'string') {
    throw new Error(`${where} is not a transcript (no contactId, endedAt or turns)`);
  }
  return parsed as Transcript;
}

const time = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '');
const clock = (iso: string | undefined) => (iso ? iso.slice(11, 19) : '        ');

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** One line per call, newest first. */
export function formatCallList(transcripts: readonly Transcript[]): string[] {
  const header = `${'STARTED (UTC)'.padEnd(19)}  ${'DURATION'.padStart(8)}  ${'TURNS'.padStart(5)}  ${'ENDING'.padEnd(8)}  CONTACT`;
  return [
    header,
    ...transcripts.map(
      (t) =>
        `${time(t.startedAt).padEnd(19)}  ${formatDuration(t.durationSeconds).padStart(8)}  ` +
        `${String(t.turns.length).padStart(5)}  ${t.ending.padEnd(8)}  ${t.contactId}`,
    ),
  ];
}

/** The call as a conversation: the caller's and the bot's lines with their times, tools between them. */
export function formatConversation(transcript: Transcript): string[] {
  const reason = transcript.disconnectReason ? ` (${transcript.disconnectReason})` : '';
  const lines = [
    `Call ${transcript.contactId}, ${time(transcript.startedAt)} UTC, ${formatDuration(transcript.durationSeconds)}, ` +
      `${transcript.turns.length} turns, ended: ${transcript.ending}${reason}` +
      (transcript.redacted ? ', digits masked' : ''),
  ];
  if (!transcript.memoryFound)
    lines.push('(the call left nothing in the call memory: it never reached the bot, or it expired)');
  for (const turn of transcript.turns) lines.push(...formatTurn(turn));
  return lines;
}

function formatTurn(turn: TranscriptTurn): string[] {
  const lines = [`${clock(turn.at)}  caller: ${turn.caller ?? '(silence)'}`];
  for (const tool of turn.tools) {
    const args = tool.args === undefined ? '' : ` ${JSON.stringify(tool.args)}`;
    lines.push(`          tool:   ${tool.name}${args}${tool.result === undefined ? '' : ` -> ${tool.result}`}`);
  }
  const how = [turn.route, turn.latencyMs === undefined ? undefined : `${turn.latencyMs} ms`, nextWords(turn)].filter(
    Boolean,
  );
  const said = turn.bot ?? (turn.next === 'agent' ? '(hands over to a person)' : '(says nothing)');
  lines.push(`${clock(turn.answeredAt)}  bot:    ${said}${how.length > 0 ? `   [${how.join(', ')}]` : ''}`);
  return lines;
}

function nextWords(turn: TranscriptTurn): string | undefined {
  if (turn.next === 'hangup') return 'hangs up';
  if (turn.next === 'agent') return 'transfers';
  return undefined;
}

export interface CallsCliDependencies {
  readonly localDir: string;
  /** The deployed source; built from the stack outputs unless a test passes one. */
  readonly deployed?: (options: {
    prefix?: string;
    outputsFile?: string;
    profile?: string;
    region?: string;
  }) => Promise<TranscriptSource>;
}

/** The deployed bucket, found the way the smoke test finds the bot: an outputs file, or the stack's outputs. */
export async function deployedTranscripts(options: {
  prefix?: string;
  outputsFile?: string;
  profile?: string;
  region?: string;
}): Promise<TranscriptSource> {
  const aws = awsClientConfig(options);
  const { outputs, where } = await deployedOutputs(options, 'contactCenter', new CloudFormationClient(aws));
  const bucket = requireOutput(outputs, STACK_OUTPUTS.transcriptBucketName, where);
  return bucketTranscripts(new S3Client(aws), bucket);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`--${name} must be a whole number above 0, got "${value}"`);
  return number;
}

/** `npm run calls -- ...`; resolves to the exit code. Every error is one line. */
export async function callsCli(
  argv: string[],
  deps: CallsCliDependencies,
  log: (line: string) => void = console.log,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      local: { type: 'boolean', default: false },
      days: { type: 'string' },
      limit: { type: 'string' },
      prefix: { type: 'string' },
      'outputs-file': { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    log(CALLS_USAGE);
    return 0;
  }
  const [command, contactId, ...extra] = positionals;
  if (command !== undefined && command !== 'show')
    throw new Error(`unknown command "${command}" (try: npm run calls -- show <contactId>)`);
  if (command === 'show' && contactId === undefined)
    throw new Error('show needs a contact id: npm run calls -- show <contactId>');
  if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}`);

  const source = values.local
    ? localTranscripts(deps.localDir)
    : await (deps.deployed ?? deployedTranscripts)({
        prefix: values.prefix,
        outputsFile: values['outputs-file'],
        profile: values.profile,
        region: values.region,
      });

  if (command === 'show') {
    const days = positiveInteger('days', values.days, DEFAULT_TRANSCRIPT_RETENTION_DAYS);
    const transcript = await source.find(contactId!, days);
    if (!transcript) throw new Error(`no transcript for contact ${contactId} in ${source.describe}`);
    for (const line of formatConversation(transcript)) log(line);
    return 0;
  }
  const transcripts = await source.recent(
    positiveInteger('days', values.days, 7),
    positiveInteger('limit', values.limit, 20),
  );
  if (transcripts.length === 0) {
    log(`No calls in ${source.describe} yet.`);
    return 0;
  }
  for (const line of formatCallList(transcripts)) log(line);
  return 0;
}
