import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_DIFF_CHARACTERS,
  NOTE_MARKER,
  mergeRequestFromEnv,
  renderDiffNote,
  upsertMergeRequestNote,
} from '../../tools/mr-note';

/** A loopback stand-in for the GitLab notes API of one merge request, with paginated listing. */
class FakeGitLab {
  readonly notes: { id: number; body: string }[] = [];
  readonly requests: string[] = [];
  private server!: Server;
  private nextId = 100;
  pageSize = 2;
  acceptedToken = 'secret';

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      if (req.headers['private-token'] !== this.acceptedToken) {
        res.writeHead(401).end('{"message":"401 Unauthorized"}');
        return;
      }
      const url = new URL(req.url!, 'http://x');
      const match = /^\/api\/v4\/projects\/42\/merge_requests\/7\/notes(?:\/(\d+))?$/.exec(url.pathname);
      if (!match) {
        res.writeHead(404).end('{"message":"404 Not Found"}');
        return;
      }
      if (req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const slice = this.notes.slice((page - 1) * this.pageSize, page * this.pageSize);
        const hasNext = page * this.pageSize < this.notes.length;
        res.writeHead(200, { 'content-type': 'application/json', 'x-next-page': hasNext ? String(page + 1) : '' });
        res.end(JSON.stringify(slice));
      } else if (req.method === 'POST') {
        const note = { id: this.nextId++, body: JSON.parse(await readBody(req)).body };
        this.notes.push(note);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(note));
      } else if (req.method === 'PUT' && match[1]) {
        const note = this.notes.find((n) => n.id === Number(match[1]));
        if (!note) return void res.writeHead(404).end('{}');
        note.body = JSON.parse(await readBody(req)).body;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(note));
      } else {
        res.writeHead(405).end();
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v4`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
  });
}

const DIFF_WITH_CHANGES = `Stack ChalkbotBot
Resources
[~] AWS::Lambda::Function Function Function1234
 └─ [~] MemorySize
     ├─ [-] 512
     └─ [+] 1024

✨  Number of stacks with differences: 1
`;

describe('MR diff note', () => {
  const gitlab = new FakeGitLab();
  let apiUrl: string;
  beforeAll(async () => {
    apiUrl = await gitlab.start();
  });
  afterAll(() => gitlab.stop());

  test('creates one note on the first push and updates that same note on the next', async () => {
    // Other people's comments come first and span pages, so the marker search must paginate.
    gitlab.notes.push({ id: 1, body: 'Looks good' }, { id: 2, body: 'Please check the bot' }, { id: 3, body: 'ok' });
    const mr = { apiUrl, projectId: '42', mergeRequestIid: '7', token: 'secret' };

    const first = await upsertMergeRequestNote(mr, renderDiffNote(DIFF_WITH_CHANGES, { commit: 'abc123' }));
    expect(first.action).toBe('created');

    const second = await upsertMergeRequestNote(
      mr,
      renderDiffNote('Stack ChalkbotBot\nThere were no differences\n\n✨  Number of stacks with differences: 0\n', {
        commit: 'def456',
      }),
    );
    expect(second).toEqual({ action: 'updated', noteId: first.noteId });

    const ours = gitlab.notes.filter((note) => note.body.includes(NOTE_MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toContain('No infrastructure changes at def456.');
    expect(ours[0].body).not.toContain('abc123');
    expect(gitlab.notes.map((note) => note.body.slice(0, 10))).toEqual([
      'Looks good',
      'Please che',
      'ok',
      NOTE_MARKER.slice(0, 10),
    ]);
    expect(gitlab.requests.filter((r) => r.startsWith('GET')).some((r) => r.includes('page=2'))).toBe(true);
  });

  test('a rejected token fails with a hint instead of posting nothing silently', async () => {
    const mr = { apiUrl, projectId: '42', mergeRequestIid: '7', token: 'job-token' };
    await expect(upsertMergeRequestNote(mr, 'x')).rejects.toThrow(/401.*api scope/);
  });

  test('the note says whether anything changes and folds the diff away', () => {
    const body = renderDiffNote(DIFF_WITH_CHANGES, { commit: 'abc123', jobUrl: 'https://gitlab.example/job/1' });
    expect(body.startsWith(NOTE_MARKER)).toBe(true);
    expect(body).toContain('Infrastructure changes at abc123. From [the diff job](https://gitlab.example/job/1).');
    expect(body).toContain('<details><summary>Full diff</summary>');
    expect(body).toContain('[+] 1024');
  });

  test('a diff with backticks cannot break out of its code block', () => {
    const body = renderDiffNote('Resources\n[+] Custom::X ```` tricky');
    expect(body).toContain('`````diff');
  });

  test('a huge diff is cut and points to the artifact', () => {
    const body = renderDiffNote(`Resources\n${'x'.repeat(MAX_DIFF_CHARACTERS * 2)}`);
    expect(body.length).toBeLessThan(MAX_DIFF_CHARACTERS + 1000);
    expect(body).toContain("the whole diff is in the job's artifact");
  });

  test('names the missing variables', () => {
    expect(() => mergeRequestFromEnv({ CI_API_V4_URL: 'x', CI_PROJECT_ID: '1' })).toThrow(
      /MR_NOTE_TOKEN, CI_MERGE_REQUEST_IID not set/,
    );
  });
});
