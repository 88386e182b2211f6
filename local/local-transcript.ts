/**
 * The local call's transcript: at the end of each call, the same JSON the deployed archiver writes to S3
 * (lambda/src/transcript.ts), built from the local store's call item, in `.chalkbot/transcripts/<contactId>.json`.
 * `npm run calls -- --local` reads that folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { readStoredCall } from '../lambda/src/call-memory';
import { buildTranscript, type CallEndFacts } from '../lambda/src/transcript';
import { CALL_MEMORY_TABLE } from '../lib/definition/call-memory';
import { LOCAL_TRANSCRIPT_DIR } from '../lib/definition/transcripts';
import type { CallEnd } from './call-events';

/** The repository's `.chalkbot/transcripts`. */
export const DEFAULT_TRANSCRIPT_DIR = join(__dirname, '..', LOCAL_TRANSCRIPT_DIR);

export interface LocalTranscriptOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly contactId: string;
  readonly startedAt: Date;
  readonly end: CallEnd;
  readonly dir: string;
  readonly redact: boolean;
  /** VOICE unless said otherwise (the web chat's CHAT). */
  readonly channel?: string;
}

/** Writes the call's transcript and returns its path. */
export async function writeLocalTranscript(options: LocalTranscriptOptions): Promise<string> {
  const { Item } = await options.client.send(
    new GetItemCommand({
      TableName: options.tableName,
      Key: { [CALL_MEMORY_TABLE.partitionKey]: { S: options.contactId } },
      ConsistentRead: true,
    }),
  );
  const transcript = buildTranscript(Item ? readStoredCall(Item) : undefined, localEndFacts(options), {
    redact: options.redact,
  });
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, `${options.contactId}.json`);
  writeFileSync(path, `${JSON.stringify(transcript, null, 2)}\n`);
  return path;
}

/** What Connect's DISCONNECTED event would say about this call. */
function localEndFacts(options: LocalTranscriptOptions): CallEndFacts {
  return {
    contactId: options.contactId,
    startedAt: options.startedAt,
    endedAt: new Date(),
    channel: options.channel ?? 'VOICE',
    queued: options.end.kind === 'transferred',
    disconnectReason: options.end.kind === 'caller-hung-up' ? 'CUSTOMER_DISCONNECT' : 'CONTACT_FLOW_DISCONNECT',
  };
}
