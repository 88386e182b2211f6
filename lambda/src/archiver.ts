/**
 * The transcript archiver: when Connect says a contact disconnected (an EventBridge "Amazon Connect Contact
 * Event" with eventType DISCONNECTED), it reads the call's item from the call-memory table and writes the
 * transcript to `transcripts/YYYY/MM/DD/<contactId>.json` in the transcript bucket.
 *
 * It runs seconds after the hang-up, long before the item's expiry (memoryExpiryDays after the last turn), and
 * reads with ConsistentRead so the last turn's write is seen. An event it cannot use is logged and dropped; a
 * failed read or write throws, so Lambda retries the event (asynchronous invocation: twice, within the event age
 * the stack sets, which is shorter than the item's lifetime).
 *
 * A separate bundle from the answer function (scripts/build-lambda.mjs builds both): it needs no model, no
 * LangChain runtime beyond the message types, and ships as a zip.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { FUNCTION_METRICS_NAMESPACE, FUNCTION_SERVICE_NAME } from '../../lib/definition/function-settings';
import { CALL_ENDING_DIMENSION, METRIC } from '../../lib/definition/metrics';
import { ARCHIVER_ENV, transcriptKey } from '../../lib/definition/transcripts';
import { readStoredCall } from './call-memory';
import { buildTranscript, type CallEndFacts, type Transcript } from './transcript';

/** The part of a Connect contact event the archiver reads (the event carries more; see the README). */
export interface ContactEvent {
  readonly 'detail-type'?: string;
  readonly time?: string;
  readonly detail?: {
    readonly eventType?: string;
    readonly contactId?: string;
    readonly channel?: string;
    readonly instanceArn?: string;
    readonly initiationTimestamp?: string;
    readonly disconnectTimestamp?: string;
    readonly disconnectReason?: string;
    readonly queueInfo?: unknown;
  };
}

export interface ArchiverOptions {
  readonly dynamoDB?: DynamoDBClient;
  readonly s3?: S3Client;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Where each archived call is counted (METRIC.callEnded); Powertools EMF by default. */
  readonly metrics?: ArchiverMetrics;
}

/** What the archiver needs of Powertools Metrics: one metric, published at once, with its own dimension. */
export interface ArchiverMetrics {
  singleMetric(): {
    addDimension(name: string, value: string): void;
    addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void;
  };
}

export type ArchiveResult =
  | { readonly archived: true; readonly bucket: string; readonly key: string; readonly transcript: Transcript }
  | { readonly archived: false; readonly reason: string };

export type ArchiverHandler = (event: ContactEvent) => Promise<ArchiveResult>;

export function createArchiver(options: ArchiverOptions = {}): ArchiverHandler {
  const env = { ...process.env, ...options.env };
  const logger = options.logger ?? new Logger({ serviceName: 'chalkbot-archiver' });
  const tableName = env[ARCHIVER_ENV.callMemoryTable];
  const bucket = env[ARCHIVER_ENV.transcriptBucket];
  const redact = env[ARCHIVER_ENV.redactTranscripts] === 'true';
  const dynamoDB = options.dynamoDB ?? new DynamoDBClient({});
  const s3 = options.s3 ?? new S3Client({});
  // The answer function's namespace and service, so the dashboard finds every call metric in one place.
  const metrics =
    options.metrics ?? new Metrics({ namespace: FUNCTION_METRICS_NAMESPACE, serviceName: FUNCTION_SERVICE_NAME });

  return async function archive(event) {
    if (!tableName || !bucket) {
      // Every event would fail the same way: say so once per event and let the alarm on errors show it.
      throw new Error(`${ARCHIVER_ENV.callMemoryTable} and ${ARCHIVER_ENV.transcriptBucket} must be set`);
    }
    const end = endFacts(event);
    if (typeof end === 'string') {
      logger.warn('Ignoring an event that is not a contact disconnect', { reason: end });
      return { archived: false, reason: end };
    }
    const { Item } = await dynamoDB.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { [CALL_MEMORY_TABLE.partitionKey]: { S: end.contactId } },
        ConsistentRead: true,
      }),
    );
    const transcript = buildTranscript(Item ? readStoredCall(Item) : undefined, end, { redact });
    const key = transcriptKey(end.contactId, end.endedAt);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(transcript, null, 2),
        ContentType: 'application/json',
      }),
    );
    // Calls by how they ended, for the dashboard: one metric per call, published now (nothing else is batched).
    const callEnded = metrics.singleMetric();
    callEnded.addDimension(CALL_ENDING_DIMENSION, transcript.ending);
    callEnded.addMetric(METRIC.callEnded, MetricUnit.Count, 1);
    logger.info('Archived the transcript', {
      contactId: end.contactId,
      key,
      turns: transcript.turns.length,
      ending: transcript.ending,
      memoryFound: transcript.memoryFound,
    });
    return { archived: true, bucket, key, transcript };
  };
}

/** The end of the call from the event, or why the event is not one the archiver can use. */
export function endFacts(event: ContactEvent): CallEndFacts | string {
  const detail = event?.detail;
  if (!detail || typeof detail !== 'object') return 'the event has no detail';
  if (detail.eventType !== 'DISCONNECTED') return `eventType is ${String(detail.eventType)}, not DISCONNECTED`;
  const contactId = detail.contactId;
  // The id becomes an object key: only what Connect's ids (UUIDs) and the local call's are made of.
  if (typeof contactId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/.test(contactId)) {
    return 'detail.contactId is missing or not a contact id';
  }
  return {
    contactId,
    endedAt: validDate(detail.disconnectTimestamp) ?? validDate(event.time) ?? new Date(),
    startedAt: validDate(detail.initiationTimestamp),
    channel: typeof detail.channel === 'string' ? detail.channel : undefined,
    queued: detail.queueInfo !== undefined && detail.queueInfo !== null,
    disconnectReason: typeof detail.disconnectReason === 'string' ? detail.disconnectReason : undefined,
  };
}

function validDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The handler Lambda runs. */
export const handler: ArchiverHandler = createArchiver();
