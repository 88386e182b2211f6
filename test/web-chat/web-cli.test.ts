/**
 * `npm start -- --web` as a user runs it: the options it takes, and one end-to-end run as a child process that
 * prints the page's URL, serves the page and its local config, and stops cleanly on Ctrl-C (SIGINT).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_WEB_PORT, parseCallOptions, UsageError } from '../../local/call-options';

const REPO = join(__dirname, '..', '..');

// Node, tsx and the page build on a busy machine.
jest.setTimeout(90_000);

describe('the --web options', () => {
  function options(argv: string[]) {
    const command = parseCallOptions(argv);
    if (command.kind !== 'call') throw new Error('help');
    return command.options;
  }

  test.each([
    [['--web'], { port: DEFAULT_WEB_PORT }],
    [['--web', '--port', '9000'], { port: 9000 }],
    [['--web', '--port', '0'], { port: 0 }],
    [[], undefined],
  ])('%j serves %j', (argv, web) => {
    expect(options(argv).web).toEqual(web);
  });

  test.each([
    [['--port', '9000'], "--port is the web chat's port; it needs --web"],
    [['--web', '--port', 'http'], '--port must be a port number from 0 to 65535 (got "http")'],
    [['--web', '--port', '70000'], '--port must be a port number from 0 to 65535 (got "70000")'],
    [['--web', '--deployed'], '--web and --deployed exclude each other'],
    [['--web', '--contact-id', 'abc'], '--web and --contact-id exclude each other'],
  ])('%j is a usage mistake', (argv, message) => {
    expect(() => parseCallOptions(argv)).toThrow(UsageError);
    expect(() => parseCallOptions(argv)).toThrow(message);
  });
});

test('npm start -- --web prints the URL, serves the page, and Ctrl-C stops it cleanly', async () => {
  // One process (node with tsx's loader), so the signal reaches the server itself, as Ctrl-C does.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/call.ts', '--web', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /Web chat on (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops it\)/.exec(stdout);
      if (found) resolve(found[1]);
    });
    child.on('close', () => reject(new Error(`exited before printing the URL: ${stdout}${stderr}`)));
  });

  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script src="chat.js"></script>');
  const config = (await (await fetch(`${url}config.json`)).json()) as Record<string, string>;
  expect(config).toEqual({ startChatUrl: '/chats', region: 'us-east-1', participantEndpoint: url.replace(/\/$/, '') });
  expect((await fetch(`${url}chat.js`)).status).toBe(200);

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stdout).toContain('Stopping the web chat.');
  expect(stderr).toBe('');
});
