/**
 * `npm start -- --web`: the web chat page on http://127.0.0.1:<port>, with the whole backend on this machine.
 * The page is the deployed one (web/dist, built at start); only its config.json differs, naming this server as
 * the start-chat API and as the participant service. A chat goes: page → POST /chats → the real start-chat
 * function → StartChatContact on the local stand-in (participant-service.ts) → a CHAT contact walking the flow
 * file with the Lex emulator and the real answer function, exactly as `npm start` holds a phone call.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { ConnectClient } from '@aws-sdk/client-connect';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createStartChatHandler } from '../lambda/start-chat';
import { START_CHAT_ENV, START_CHAT_PATH, WEB_CHAT_CONFIG_FILE, type WebChatConfig } from '../lib/definition/web-chat';
import type { CallListener } from './call-events';
import type { CallOptions } from './call-options';
import { LOCAL_CREDENTIALS } from './dynamodb';
import { holdLocalCall, type LocalCallIo } from './local-call';
import { type LocalChat, LocalParticipantService } from './participant-service';

const LOCAL_REGION = 'us-east-1';
const REPO_ROOT = join(__dirname, '..');
/** Where `npm run build` writes the page, and the stack deploys it from. */
const SITE_DIRECTORY = join(REPO_ROOT, 'web', 'dist');
const runFile = promisify(execFile);
const LOCAL_INSTANCE_ID = '00000000-0000-4000-8000-00000000c0de';
const LOCAL_FLOW_ID = '00000000-0000-4000-8000-0000000f10e0';
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface WebChatServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the page is built and served from (default web/dist, where `npm run build` writes it). */
  readonly siteDirectory?: string;
  /** Build the page at start (default); false serves what is there. */
  readonly buildPage?: boolean;
  /** Where each chat's events go (the terminal prints them). */
  readonly listener?: (chat: LocalChat) => CallListener;
  /** Laid over the answer function's settings (tests point the model at their own server). */
  readonly functionOverrides?: LocalCallIo['functionOverrides'];
}

export interface WebChatServer {
  /** http://127.0.0.1:<port>/ */
  readonly url: string;
  readonly service: LocalParticipantService;
  stop(): Promise<void>;
}

export async function serveWebChat(callOptions: CallOptions, options: WebChatServerOptions): Promise<WebChatServer> {
  const siteDirectory = options.siteDirectory ?? SITE_DIRECTORY;
  if (options.buildPage ?? true) await buildPage(siteDirectory);
  let origin = '';
  const running = new Set<Promise<unknown>>();

  const service = new LocalParticipantService({
    origin: () => origin,
    instanceId: LOCAL_INSTANCE_ID,
    contactFlowId: LOCAL_FLOW_ID,
    holdChat(chat) {
      const listener = options.listener?.(chat);
      const io: LocalCallIo = {
        caller: chat.caller,
        listener: (event) => {
          chat.hear(event);
          listener?.(event);
        },
        channel: 'CHAT',
        functionOverrides: options.functionOverrides,
      };
      // Each chat's memory lives as long as the chat: contact ids are new, so nothing is resumed.
      const held = holdLocalCall({ ...callOptions, contactId: chat.contactId, dataDir: undefined }, io).catch(
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          listener?.({ kind: 'notice', text: `the chat stopped: ${reason}` });
          chat.hear({
            kind: 'flow',
            text: 'Sorry, the local chat stopped. See the terminal for why.',
            actionId: 'local',
          });
          chat.end({ ParticipantId: 'local-server', DisplayName: 'SYSTEM_MESSAGE', ParticipantRole: 'SYSTEM' });
        },
      );
      running.add(held);
      void held.finally(() => running.delete(held));
    },
  });

  // The real start-chat function, its Connect client pointed at the stand-in with fake credentials (made once the
  // port, and so the origin, is known).
  let startChat: ReturnType<typeof createStartChatHandler> | undefined;
  let connect: ConnectClient | undefined;

  const server = createServer((request, response) => {
    readBody(request)
      .then(async (body) => {
        if (await service.handle(request, response, body)) return;
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        if (path === `/${START_CHAT_PATH}` && startChat) return answerStartChat(request, response, body, startChat);
        if (path === `/${WEB_CHAT_CONFIG_FILE}`) {
          const config: WebChatConfig = {
            startChatUrl: `/${START_CHAT_PATH}`,
            region: LOCAL_REGION,
            participantEndpoint: origin,
          };
          return sendJson(response, 200, config);
        }
        return serveFile(siteDirectory, path, response);
      })
      .catch((error: unknown) => {
        if (!response.headersSent)
          sendJson(response, 500, { message: error instanceof Error ? error.message : String(error) });
      });
  });
  server.on('upgrade', (request, socket, head) => {
    if (!service.upgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  connect = new ConnectClient({
    endpoint: origin,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  startChat = createStartChatHandler({
    env: {
      [START_CHAT_ENV.instanceId]: LOCAL_INSTANCE_ID,
      [START_CHAT_ENV.contactFlowId]: LOCAL_FLOW_ID,
      [START_CHAT_ENV.allowedOrigin]: origin,
    },
    connect,
    logger: new Logger({ serviceName: 'chalkbot-start-chat', logLevel: 'WARN' }),
  });

  return {
    url: `${origin}/`,
    service,
    async stop() {
      service.close();
      await Promise.allSettled([...running]);
      connect?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Builds the page with the same script as `npm run build` (esbuild, about a second), so it is never stale. */
async function buildPage(directory: string): Promise<void> {
  await runFile(process.execPath, [join(REPO_ROOT, 'scripts', 'build-web.mjs'), '--outdir', directory], {
    cwd: REPO_ROOT,
  });
}

async function answerStartChat(
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
  startChat: ReturnType<typeof createStartChatHandler>,
): Promise<void> {
  // As API Gateway's proxy integration hands the request to the function.
  const event = {
    httpMethod: request.method ?? 'GET',
    path: request.url ?? '/',
    headers: request.headers as Record<string, string>,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: `local-${Date.now()}-${Math.random().toString(36).slice(2)}` },
  } as unknown as APIGatewayProxyEvent;
  const result = await startChat(event);
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  response.end(result.body);
}

async function serveFile(directory: string, path: string, response: ServerResponse): Promise<void> {
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, '');
  const file = join(directory, relative);
  const type = STATIC_TYPES[extname(file)];
  const found = type !== undefined && file.startsWith(directory) && (await stat(file).catch(() => undefined))?.isFile();
  if (!found) return sendJson(response, 404, { message: `Not found: ${path}` });
  response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  createReadStream(file).pipe(response);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
