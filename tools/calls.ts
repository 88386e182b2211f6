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
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Transcript, TranscriptTurn } from '../lambda/src/transcript';
import { STACK_OUTPUTS } from '../lib/definition/stack-outputs';
import { DEFAULT_TRANSCRIPT_RETENTION_DAYS, TRANSCRIPT_KEY_PREFIX, transcriptKey } from '../lib/definition/transcripts';
import { parseCommandLine, UsageError } from './cli-args';
import {
  AwsAccessError,
  awsClientConfig,
  checkAwsAccess,
  credentialProblem,
  deployedOutputs,
  isNetworkError,
  requireOutput,
} from './deployment';

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

/** Where the deployment is, as the smoke test takes it. */
interface DeploymentLookup {
  readonly prefix?: string;
  readonly outputsFile?: string;
  readonly profile?: string;
  readonly region?: string;
}

export interface CallsCliDependencies {
  readonly localDir: string;
  /** The deployed source; built from the stack outputs unless a test passes one. */
  readonly deployed?: (options: DeploymentLookup) => Promise<TranscriptSource>;
}

/**
 * The deployed bucket, found the way the smoke test finds the bot (an outputs file, or the stack's outputs), after
 * the same credential checks: no region or no login is one line saying what to do, before any request.
 */
export async function deployedTranscripts(
  options: DeploymentLookup,
  clients: { readonly s3?: S3Client; readonly cloudFormation?: CloudFormationClient } = {},
): Promise<TranscriptSource> {
  const aws = awsClientConfig(options);
  const s3 = clients.s3 ?? new S3Client(aws);
  await checkAwsAccess(s3, options.profile);
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(aws);
  const { outputs, where } = await deployedOutputs(options, 'contactCenter', cloudFormation);
  const bucket = requireOutput(outputs, STACK_OUTPUTS.transcriptBucketName, where);
  return bucketTranscripts(s3, bucket);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${name} must be a whole number above 0, got "${value}"`);
  return number;
}

/**
 * `npm run calls -- ...`; resolves to the exit code. A mistake in the arguments is a UsageError, anything else an
 * Error of one line (bin/calls.ts prints either as one line, through runTool like the other tools).
 */
export async function callsCli(
  argv: string[],
  deps: CallsCliDependencies,
  log: (line: string) => void = console.log,
): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      local: { type: 'boolean', default: false },
      days: { type: 'string' },
      limit: { type: 'string' },
      prefix: { type: 'string' },
      'outputs-file': { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    log(CALLS_USAGE);
    return 0;
  }
  const [command, contactId, ...extra] = positionals;
  if (command !== undefined && command !== 'show')
    throw new UsageError(`unknown command "${command}" (try: npm run calls -- show <contactId>)`);
  if (command === 'show' && contactId === undefined)
    throw new UsageError('show needs a contact id: npm run calls -- show <contactId>');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const days = positiveInteger('days', values.days, command === 'show' ? DEFAULT_TRANSCRIPT_RETENTION_DAYS : 7);
  const limit = positiveInteger('limit', values.limit, 20);

  try {
    return await listOrShow(values, command, contactId, { days, limit }, deps, log);
  } catch (error) {
    if (error instanceof AwsAccessError) throw error;
    // One line whatever went wrong: AWS out of reach says so (as the smoke test does), anything else its message.
    throw new Error(
      isNetworkError(error) ? credentialProblem(error, values.profile) : (error as Error).message.replace(/\s+/g, ' '),
    );
  }
}

async function listOrShow(
  values: { local?: boolean; prefix?: string; 'outputs-file'?: string; profile?: string; region?: string },
  command: string | undefined,
  contactId: string | undefined,
  { days, limit }: { days: number; limit: number },
  deps: CallsCliDependencies,
  log: (line: string) => void,
): Promise<number> {
  const source = values.local
    ? localTranscripts(deps.localDir)
    : await (deps.deployed ?? deployedTranscripts)({
        prefix: values.prefix,
        outputsFile: values['outputs-file'],
        profile: values.profile,
        region: values.region,
      });

  if (command === 'show' && contactId !== undefined) {
    const transcript = await source.find(contactId, days);
    if (!transcript) throw new Error(`no transcript for contact ${contactId} in ${source.describe}`);
    for (const line of formatConversation(transcript)) log(line);
    return 0;
  }
  const transcripts = await source.recent(days, limit);
  if (transcripts.length === 0) {
    log(`No calls in ${source.describe} yet.`);
    return 0;
  }
  for (const line of formatCallList(transcripts)) log(line);
  return 0;
}
