/**
 * Embeddings that remember the vectors of texts they embedded before, in a file. For the tools that index a
 * whole folder (the build, the local call, `npm run knowledge`): the local model embeds a passage in ~20 ms, so a
 * few hundred passages would take seconds at every start; with the cache only changed passages are embedded.
 * Not used by the function, which never indexes.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import type { EmbeddingsChoice } from './embeddings';

/** Where the cache lives: gitignored, beside the local call's store. */
export const DEFAULT_VECTOR_CACHE_DIR = join(__dirname, '..', '..', '..', '.chalkbot', 'embeddings');

export class CachedEmbeddings extends Embeddings {
  private readonly file: string;

  constructor(
    private readonly inner: Embeddings,
    choice: EmbeddingsChoice,
    cacheDir: string = DEFAULT_VECTOR_CACHE_DIR,
  ) {
    super({ maxRetries: 0 });
    this.file = join(cacheDir, `${choice.kind}-${choice.model.replace(/[^A-Za-z0-9.-]+/g, '_')}.json`);
  }

  /** A question is asked once: not cached. */
  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const cache = await this.read();
    const keys = texts.map(key);
    const missing = [...new Set(texts.filter((_, at) => !cache.has(keys[at])))];
    if (missing.length > 0) {
      const vectors = await this.inner.embedDocuments(missing);
      missing.forEach((text, at) => {
        cache.set(key(text), vectors[at]);
      });
      await this.write(cache);
    }
    return keys.map((k) => cache.get(k)!);
  }

  private async read(): Promise<Map<string, number[]>> {
    try {
      const saved = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, string>;
      return new Map(Object.entries(saved).map(([k, base64]) => [k, Array.from(decode(base64))]));
    } catch {
      return new Map(); // no cache yet, or an unreadable one: embed again
    }
  }

  /** Keeps the vectors of this folder's texts and of earlier ones (another folder may come back). */
  private async write(cache: Map<string, number[]>): Promise<void> {
    const saved = Object.fromEntries(
      [...cache].map(([k, vector]) => [k, Buffer.from(Float32Array.from(vector).buffer).toString('base64')]),
    );
    await mkdir(dirname(this.file), { recursive: true });
    const partial = `${this.file}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(saved));
    await rename(partial, this.file); // whole or not at all: two builds at once must not leave half a file
  }
}

function key(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function decode(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(new Uint8Array(bytes).buffer);
}
