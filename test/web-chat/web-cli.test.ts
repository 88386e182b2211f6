/**
 * `npm start -- --web`: the options it takes, and the command run in process (local/call-cli.ts, as bin/call.ts
 * runs it; test/local/cli.test.ts runs `npm start` itself as a process): it prints the page's URL, serves the page
 * and its local config, and stops cleanly on Ctrl-C.
 */
import { PassThrough, Readable } from 'node:stream';
import { runCallCommand } from '../../local/call-cli';
import { DEFAULT_WEB_PORT, parseCallOptions, UsageError } from '../../local/call-options';

// The page build on a busy machine.
jest.setTimeout(60_000);

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

test('npm start -- --web prints the URL, serves the page, and stops cleanly when Ctrl-C asks it to', async () => {
  // The command as bin/call.ts runs it, in process: bin/call.ts hands it the terminal and Ctrl-C (SIGINT).
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let printed = '';
  let errors = '';
  stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  let pressCtrlC = () => {};
  const stopRequested = () => new Promise<void>((resolve) => (pressCtrlC = resolve));
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
  Object.assign(process.env, { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' });
  const exited = runCallCommand(['--web', '--port', '0'], { stdin: Readable.from([]), stdout, stderr, stopRequested });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      stdout.on('data', () => {
        const found = /Web chat on (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops it\)/.exec(printed);
        if (found) resolve(found[1]);
      });
      exited.then((code) => reject(new Error(`ended (${code}) before printing the URL: ${printed}${errors}`)));
    });

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="chat.js"></script>');
    const config = (await (await fetch(`${url}config.json`)).json()) as Record<string, string>;
    expect(config).toEqual({
      startChatUrl: '/chats',
      region: 'us-east-1',
      participantEndpoint: url.replace(/\/$/, ''),
    });
    expect((await fetch(`${url}chat.js`)).status).toBe(200);

    pressCtrlC();
    expect(await exited).toBe(0);
    expect(printed).toContain('Stopping the web chat.');
    expect(errors).toBe('');
    await expect(fetch(url)).rejects.toThrow();
  } finally {
    // Stopped whatever failed above, so no server outlives the test in a reused worker.
    pressCtrlC();
    await exited.catch(() => undefined);
    restoreEnv('OPENAI_API_KEY', saved.key);
    restoreEnv('OPENAI_BASE_URL', saved.url);
  }
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
