/**
 * Posts the `cdk diff` of a merge-request pipeline as ONE note on the merge request, and updates that same note
 * on every later push, instead of adding a comment per push. The note is found again by a hidden marker.
 *
 * Usage in CI: `npx tsx tools/mr-note.ts cdk-diff.txt`. Needs MR_NOTE_TOKEN (a project access token with `api`
 * scope: CI_JOB_TOKEN cannot write notes) and GitLab's predefined CI_API_V4_URL, CI_PROJECT_ID,
 * CI_MERGE_REQUEST_IID.
 */
import { readFileSync } from 'node:fs';

/** Hidden in the note's Markdown; identifies the note this tool owns. */
export const NOTE_MARKER = '<!-- chalkbot:cdk-diff -->';

/** Longer diffs are cut; the full text stays in the job's artifact. GitLab's own limit is 1,000,000. */
export const MAX_DIFF_CHARACTERS = 100_000;

export interface MergeRequestRef {
  /** e.g. https://gitlab.com/api/v4 */
  readonly apiUrl: string;
  readonly projectId: string;
  readonly mergeRequestIid: string;
  readonly token: string;
}

export interface DiffNoteContext {
  readonly commit?: string;
  /** Link to the job, where the `cdk diff` artifact is. */
  readonly jobUrl?: string;
}

/** The note's Markdown: a marker, a summary line, and the diff folded away. */
export function renderDiffNote(diff: string, context: DiffNoteContext = {}): string {
  // The CLI ends with a count; older output only has the section headings of a changed stack.
  const counted = /Number of stacks with differences: (\d+)/.exec(diff);
  const changed = counted
    ? Number(counted[1]) > 0
    : /^(Resources|IAM Statement Changes|Security Group Changes|Parameters|Outputs|Conditions|Other Changes)$/m.test(
        diff,
      );
  const cut = diff.length > MAX_DIFF_CHARACTERS;
  const shown = cut ? `${diff.slice(0, MAX_DIFF_CHARACTERS)}\n… (cut; the whole diff is in the job's artifact)` : diff;
  const at = context.commit ? ` at ${context.commit}` : '';
  const summary = changed ? `Infrastructure changes${at}.` : `No infrastructure changes${at}.`;
  const job = context.jobUrl ? ` From [the diff job](${context.jobUrl}).` : '';
  // A fence longer than any backtick run in the diff, so the diff cannot close it.
  const fence = '`'.repeat(Math.max(3, ...[...shown.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [
    NOTE_MARKER,
    `### cdk diff`,
    `${summary}${job}`,
    '',
    '<details><summary>Full diff</summary>',
    '',
    `${fence}diff`,
    shown.trimEnd(),
    fence,
    '',
    '</details>',
  ].join('\n');
}

interface Note {
  readonly id: number;
  readonly body: string;
}

/**
 * Creates the note, or replaces the body of the one that carries the marker. Returns what it did.
 */
export async function upsertMergeRequestNote(
  mr: MergeRequestRef,
  body: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ action: 'created' | 'updated'; noteId: number }> {
  const notesUrl = `${mr.apiUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(mr.projectId)}/merge_requests/${encodeURIComponent(mr.mergeRequestIid)}/notes`;
  const call = async (method: string, url: string, payload?: object): Promise<Response> => {
    const response = await fetchImpl(url, {
      method,
      headers: { 'PRIVATE-TOKEN': mr.token, 'Content-Type': 'application/json' },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    if (!response.ok) {
      const hint =
        response.status === 401 || response.status === 403
          ? ' (MR_NOTE_TOKEN needs the api scope and at least Reporter)'
          : '';
      throw new Error(`GitLab ${method} ${url} answered ${response.status}${hint}: ${await response.text()}`);
    }
    return response;
  };

  const existing = await findMarkedNote(notesUrl, call);
  if (existing) {
    await call('PUT', `${notesUrl}/${existing.id}`, { body });
    return { action: 'updated', noteId: existing.id };
  }
  const created = (await (await call('POST', notesUrl, { body })).json()) as Note;
  return { action: 'created', noteId: created.id };
}

/** Walks the merge request's notes, page by page, for the one with the marker. */
async function findMarkedNote(
  notesUrl: string,
  call: (method: string, url: string) => Promise<Response>,
): Promise<Note | undefined> {
  let page = '1';
  while (page) {
    const response = await call('GET', `${notesUrl}?per_page=100&sort=asc&order_by=created_at&page=${page}`);
    const notes = (await response.json()) as Note[];
    const marked = notes.find((note) => note.body.includes(NOTE_MARKER));
    if (marked) return marked;
    page = response.headers.get('x-next-page') ?? '';
  }
  return undefined;
}

/** The merge request this pipeline runs for, from GitLab's predefined variables. */
export function mergeRequestFromEnv(env: NodeJS.ProcessEnv = process.env): MergeRequestRef {
  const required = {
    MR_NOTE_TOKEN: env.MR_NOTE_TOKEN,
    CI_API_V4_URL: env.CI_API_V4_URL,
    CI_PROJECT_ID: env.CI_PROJECT_ID,
    CI_MERGE_REQUEST_IID: env.CI_MERGE_REQUEST_IID,
  };
  const missing = Object.entries(required)
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(
      `Cannot post the diff note: ${missing.join(', ')} not set (merge-request pipelines set the CI_ ones)`,
    );
  }
  return {
    token: required.MR_NOTE_TOKEN!,
    apiUrl: required.CI_API_V4_URL!,
    projectId: required.CI_PROJECT_ID!,
    mergeRequestIid: required.CI_MERGE_REQUEST_IID!,
  };
}

async function main(args: string[]): Promise<void> {
  const [diffFile] = args;
  if (!diffFile) throw new Error('Usage: tsx tools/mr-note.ts <cdk-diff.txt>');
  const body = renderDiffNote(readFileSync(diffFile, 'utf8'), {
    commit: process.env.CI_COMMIT_SHORT_SHA,
    jobUrl: process.env.CI_JOB_URL,
  });
  const result = await upsertMergeRequestNote(mergeRequestFromEnv(), body);
  console.log(`cdk diff note ${result.action} (note ${result.noteId})`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
