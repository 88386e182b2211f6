/**
 * Where call transcripts live and how they are named, read by the stack (bucket, archiver), the archiver, the
 * local call and `npm run calls`. Pure data: the function bundles include it.
 */
import { FUNCTION_ENV } from './function-settings';

/** Object keys: `transcripts/YYYY/MM/DD/<contactId>.json`, dated by the day the call ended (UTC). */
export const TRANSCRIPT_KEY_PREFIX = 'transcripts/';

/** How long the bucket keeps a transcript unless `transcriptRetentionDays` says otherwise. */
export const DEFAULT_TRANSCRIPT_RETENTION_DAYS = 90;

/** How a call ended, as the people who run the line ask it (a transcript's `ending`, the CallEnded metric's). */
export const CALL_ENDINGS = ['hang-up', 'transfer', 'silence', 'error'] as const;

/** The local call's transcripts, relative to the repository (gitignored with the rest of `.chalkbot/`). */
export const LOCAL_TRANSCRIPT_DIR = '.chalkbot/transcripts';

/** The archiver's environment variables. */
export const ARCHIVER_ENV = {
  /** The same variable the answer function reads. */
  callMemoryTable: FUNCTION_ENV.callMemoryTable,
  transcriptBucket: 'TRANSCRIPT_BUCKET',
  /** "true" masks digit runs in what is archived. */
  redactTranscripts: 'REDACT_TRANSCRIPTS',
} as const;

/** The object key of a call's transcript. */
export function transcriptKey(contactId: string, endedAt: Date): string {
  const day = endedAt.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${TRANSCRIPT_KEY_PREFIX}${day}/${contactId}.json`;
}
