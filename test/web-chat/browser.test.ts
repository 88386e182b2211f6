/**
 * The web chat in a real headless Chromium (Debian's chromium driven by playwright-core): the page as deployed,
 * served by `npm start -- --web`'s server, its chat going through the real start-chat function, the loopback
 * participant service, the flow engine, the Lex emulator and the real answer function, whose model is the
 * loopback OpenAI-compatible server. One browser for the file; a screenshot in test-results/ when a test fails.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page, type Route } from 'playwright-core';
import { botDefinition } from '../../lib/definition/bot';
import { WEB_CHAT_CONFIG_FILE } from '../../lib/definition/web-chat';
import { parseCallOptions } from '../../local/call-options';
import { lastUserMessage, type RecordedRequest, startFakeOpenAI, type FakeOpenAI } from '../../local/openai-server';
import { serveWebChat, type WebChatServer } from '../../local/web-chat-server';
import { keywordKnowledge } from '../knowledge/bakery';
import { flowLine } from '../local/call-harness';

// A browser, the page and whole conversations through the real function: a busy machine needs more than 30 s.
jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(__dirname, '..', '..', 'test-results');
const hasBrowser = existsSync(CHROMIUM);
// .ci/run installs Chromium and says so; there a missing browser is a failure, not a skip.
if (!hasBrowser && process.env.CHALKBOT_REQUIRE_BROWSER) {
  throw new Error(`No Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium)`);
}
if (!hasBrowser)
  process.stderr.write(`Skipping the web chat browser test: no Chromium at ${CHROMIUM} (apt-get install chromium)\n`);

/** What the flow says in the action with this Identifier (in English, the chat's language). */
function flowText(identifier: string): string {
  return flowLine(identifier).replace(/^\[flow\] /, '');
}

/** A model that knows the opening hours and remembers a name said earlier in the same conversation. */
function model(request: RecordedRequest) {
  const question = lastUserMessage(request);
  if (/opening hours/i.test(question))
    return { reply: 'We are open 9 to 5 on weekdays. Details: https://example.com/hours', delayMs: 700 };
  if (/what is my name/i.test(question)) {
    const said = request.body.messages
      .map((message) => /my name is (\w+)/i.exec(message.content ?? '')?.[1])
      .find(Boolean);
    return { reply: said ? `Your name is ${said}.` : 'I do not know your name yet.' };
  }
  return { reply: 'Nice to meet you.' };
}

const maybe = hasBrowser ? describe : describe.skip;

maybe('the web chat page in Chromium', () => {
  let openai: FakeOpenAI;
  let server: WebChatServer;
  let browser: Browser;
  let siteDirectory: string | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    openai = await startFakeOpenAI(model);
    const command = parseCallOptions(['--web', '--port', '0', '--in-memory']);
    if (command.kind !== 'call') throw new Error('unexpected help');
    siteDirectory = mkdtempSync(join(tmpdir(), 'chalkbot-web-'));
    server = await serveWebChat(command.options, {
      port: 0,
      // Its own build folder: another test file may be building web/dist at the same time.
      siteDirectory,
      functionOverrides: {
        env: { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'fake-model' },
        // The test's own small knowledge, which says nothing of opening hours: the model (with its typing
        // indicator and link) answers, not the sample business's canned FAQ answer.
        knowledge: keywordKnowledge({
          'faq.md': '# FAQ\n\n### Do you deliver cakes?\n\nYes, within five miles of the shop.\n',
        }),
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await openai?.stop();
    if (siteDirectory) rmSync(siteDirectory, { recursive: true, force: true });
  });

  /**
   * Runs a test on the page freshly loaded; on failure the page is saved as a screenshot first. One tab for the
   * file, loaded again for each test: a new tab starts a new renderer process, about 1.5 s of CPU each here.
   */
  async function onPage(name: string, body: (page: Page) => Promise<void>): Promise<void> {
    page ??= await browser.newPage();
    try {
      await page.goto(server.url);
      await body(page);
    } catch (error) {
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `web-chat-${name}.png`), fullPage: true }).catch(() => undefined);
      throw error;
    }
  }

  async function startChat(page: Page, name: string) {
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Your name').press('Enter');
    const log = page.getByRole('log');
    await log.getByText(flowText('greet')).waitFor();
    await log.getByText(flowText('talk-to-bot')).waitFor();
    return log;
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  }

  test('greeting, an answer with its link, a follow-up from memory, and the hand-over to a person', async () => {
    await onPage('conversation', async (page) => {
      const log = await startChat(page, 'Ada');
      // The name form gives way to the conversation, and the keyboard user lands in the message box.
      expect(await page.getByLabel('Your name').isHidden()).toBe(true);
      expect(await page.evaluate('document.activeElement?.id')).toBe('message');
      expect(await log.getAttribute('aria-live')).toBe('polite');

      await say(page, 'What are your opening hours?');
      await log.getByText('What are your opening hours?').waitFor();
      // The bot types while the model thinks.
      await page.getByRole('status').getByText('Chalkbot is typing…').waitFor();
      await log.getByText(/We are open 9 to 5 on weekdays/).waitFor();
      // On chat the link stays, and the page makes it one.
      await log.getByRole('link', { name: 'https://example.com/hours' }).waitFor();

      await say(page, 'My name is Ada.');
      await log.getByText('Nice to meet you.').waitFor();
      await say(page, 'What is my name?');
      await log.getByText('Your name is Ada.').waitFor();

      await say(page, 'I want to talk to a person');
      await log.getByText(flowText('say-transfer')).waitFor();

      const lines = await log.locator('li').allInnerTexts();
      expect(lines.map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
        `Chalkbot ${flowText('greet')}`,
        `Chalkbot ${flowText('talk-to-bot')}`,
        'You What are your opening hours?',
        'Chalkbot We are open 9 to 5 on weekdays. Details: https://example.com/hours',
        'You My name is Ada.',
        'Chalkbot Nice to meet you.',
        'You What is my name?',
        'Chalkbot Your name is Ada.',
        'You I want to talk to a person',
        `Chalkbot ${flowText('say-transfer')}`,
      ]);
      // The model saw the chat as a chat: the event said Text, and the memory went with the follow-up.
      const followUp = openai.requests.find((request) => lastUserMessage(request) === 'What is my name?');
      expect(followUp?.body.messages.some((message) => message.content === 'My name is Ada.')).toBe(true);
    });
  });

  test('ending the chat: the visitor leaves, the bot hears it, and the page offers a new chat', async () => {
    await onPage('end', async (page) => {
      const log = await startChat(page, 'Grace');
      const chat = server.service.allChats.at(-1)!;
      expect(chat.displayName).toBe('Grace');

      await page.getByRole('button', { name: 'End chat' }).click();
      await log.getByText('The chat has ended.').waitFor();
      expect(await page.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Start a new chat');
      expect(chat.isEnded).toBe(true);
      // Nothing reached the model: the visitor said nothing before leaving.
      expect(openai.requests.every((request) => !/Grace/.test(JSON.stringify(request.body)))).toBe(true);

      await page.getByRole('button', { name: 'Start a new chat' }).click();
      expect(await page.evaluate('document.activeElement?.id')).toBe('display-name');
    });
  });

  test('a name sent before the page has its settings starts the chat, instead of reloading the page', async () => {
    await onPage('slow-config', async (page) => {
      // The page's settings (config.json) come a second late, as on a slow network, and the visitor is quicker.
      const late = async (route: Route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await route.continue();
      };
      await page.route(`**/${WEB_CHAT_CONFIG_FILE}`, late);
      try {
        await page.goto(server.url, { waitUntil: 'domcontentloaded' });
        await startChat(page, 'Barbara');
        expect(server.service.allChats.at(-1)?.displayName).toBe('Barbara');
      } finally {
        await page.unroute(`**/${WEB_CHAT_CONFIG_FILE}`, late);
      }
    });
  });

  test('a line said while the connection was down shows when it comes back, in its place', async () => {
    await onPage('reconnect', async (page) => {
      const log = await startChat(page, 'Alan');
      const chat = server.service.allChats.at(-1)!;
      // The network drops: the server's side of the websocket goes, and the bot speaks into the gap.
      for (const socket of chat.sockets) socket.terminate();
      chat.hear({ kind: 'bot', text: 'Said while you were away.', latencyMs: 0 });
      // chatjs opens a new connection by itself; the page then reads what it missed from the transcript.
      await log.getByText('Said while you were away.').waitFor();
      await say(page, 'My name is Alan.');
      await log.getByText('Nice to meet you.').waitFor();
      const lines = await log.locator('li').allInnerTexts();
      expect(lines.map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
        `Chalkbot ${flowText('greet')}`,
        `Chalkbot ${flowText('talk-to-bot')}`,
        'Chalkbot Said while you were away.',
        'You My name is Alan.',
        'Chalkbot Nice to meet you.',
      ]);
    });
  });

  test('a transcript that cannot be read: the page says so once its reads fail, stops asking, and the chat goes on', async () => {
    await onPage('transcript-refused', async (page) => {
      // The participant service refuses every transcript read of this page, as an outage of that one API would.
      // chatjs retries each read itself, and the page tries once more after that (web/src/main.ts).
      let reads = 0;
      const refuse = async (route: Route) => {
        reads++;
        await route.fulfill({ status: 500, contentType: 'application/json', body: '{"message":"Internal error"}' });
      };
      await page.route('**/participant/transcript', refuse);
      try {
        await page.getByLabel('Your name').fill('Edsger');
        await page.getByLabel('Your name').press('Enter');
        await page.getByRole('status').getByText('Some earlier messages could not be loaded.').waitFor();
        expect(reads).toBeGreaterThan(1);
        // What the websocket brings still shows, and the visitor can still talk to the bot.
        const log = page.getByRole('log');
        await say(page, 'My name is Edsger.');
        await log.getByText('Nice to meet you.').waitFor();
        // The reads stop: each try's requests (the page may try on two connection events at once, and chatjs's
        // client retries a refused request) end within a second; a page that kept trying every second
        // (CATCH_UP_RETRY_MS) would never go quiet for 1.5 s, nor stay so for 1.5 s more.
        let settled = reads;
        for (let waited = 0; waited < 10_000; waited += 1_500) {
          await page.waitForTimeout(1_500);
          if (reads === settled) break;
          settled = reads;
        }
        await page.waitForTimeout(1_500);
        expect(reads).toBe(settled);
      } finally {
        await page.unroute('**/participant/transcript', refuse);
      }
    });
  });

  test("a refused start is shown with the API's reason and the name stays editable", async () => {
    await onPage('refused', async (page) => {
      // The page enforces the length itself; this goes around it to reach the function's check.
      await page.evaluate("document.getElementById('display-name').removeAttribute('maxlength')");
      await page.getByLabel('Your name').fill('x'.repeat(200));
      await page.getByRole('button', { name: 'Start chat' }).click();
      await page
        .getByRole('alert')
        .getByText(/displayName is longer than 64 characters/)
        .waitFor();
      expect(await page.getByLabel('Your name').isEnabled()).toBe(true);
    });
  });

  test('the bot definition still has the agent utterance the hand-over test says', () => {
    expect(botDefinition.intents.some((intent) => intent.sampleUtterances.includes('I want to talk to a person'))).toBe(
      true,
    );
  });
});
