import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { terminalCaller } from '../../local/terminal';

/** What a terminal shows: escape sequences dropped; a carriage return redraws its line from the start. */
function screen(written: string): string[] {
  return stripVTControlCharacters(written)
    .split('\n')
    .map((line) => line.split('\r').filter(Boolean).at(-1) ?? '')
    .filter((line) => line.trim() !== '');
}

function terminal() {
  const input = new PassThrough();
  let written = '';
  const output = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  });
  const caller = terminalCaller(input, output);
  /** The bot speaks while the caller may be typing. */
  const say = (line: string) => output.write(`${line}\n`);
  return { input, caller, say, screen: () => screen(written) };
}

test('lines typed while the bot answers are queued and shown after the prompt, in the order they are heard', async () => {
  const { input, caller, say, screen: shown } = terminal();
  const first = caller.nextLine();
  input.write('What are your hours?\r');
  expect(await first).toBe('What are your hours?');

  // The model is slow: the caller types two more questions before the answer comes.
  input.write('Do you sell tyres?\r');
  input.write('Goodbye\r');
  say('[filler] One moment.');
  say('[bot] We open at nine.');
  expect(await caller.nextLine()).toBe('Do you sell tyres?');
  say('[bot] Yes, all sizes.');
  expect(await caller.nextLine()).toBe('Goodbye');
  say('[bot] Thanks for calling.');
  caller.close();

  expect(shown()).toEqual([
    'you> What are your hours?',
    '[filler] One moment.',
    '[bot] We open at nine.',
    'you> Do you sell tyres?',
    '[bot] Yes, all sizes.',
    'you> Goodbye',
    '[bot] Thanks for calling.',
  ]);
});

test('a line half typed while the bot speaks is redrawn after the prompt and finished there', async () => {
  const { input, caller, say, screen: shown } = terminal();
  const first = caller.nextLine();
  input.write('Hello\r');
  await first;
  input.write('Where is my or');
  say('[bot] Hello! How can I help?');
  const second = caller.nextLine();
  input.write('der?\r');
  expect(await second).toBe('Where is my order?');
  caller.close();
  expect(shown()).toEqual(['you> Hello', '[bot] Hello! How can I help?', 'you> Where is my order?']);
});

test('the end of input and Ctrl-C are the caller hanging up', async () => {
  const ended = terminal();
  const waiting = ended.caller.nextLine();
  ended.input.end();
  expect(await waiting).toBeUndefined();
  expect(await ended.caller.nextLine()).toBeUndefined();

  const interrupted = terminal();
  const asked = interrupted.caller.nextLine();
  interrupted.input.write('\u0003');
  expect(await asked).toBeUndefined();
});
