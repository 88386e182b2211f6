/**
 * The OpenAI key: from OPENAI_API_KEY on a laptop, or, deployed, from a Secrets Manager secret whose ARN is in
 * the environment (the key itself never sits in a template or an environment variable). The secret is read at
 * the first turn that needs it and kept for a few minutes, not for the life of the process: the first deploy
 * creates the secret with a placeholder, and the operator sets or rotates the real key while containers are warm.
 * A failed read is not kept, and a key the model rejected is forgotten (`forget`), so the next turn reads again.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Servers such as Ollama or the tests' fake take no key, but the OpenAI client insists on one. */
export const NO_KEY_NEEDED = 'not-needed';

/** Secrets Manager's client for a secret's reader, made when first asked for (`newSecretsManagerClient`). */
export type SecretsManagerClientSource = () => SecretsManagerClient | Promise<SecretsManagerClient>;

export type ApiKeySource =
  | { readonly kind: 'value'; readonly apiKey: string }
  | { readonly kind: 'secret'; readonly secretArn: string; readonly client: SecretsManagerClientSource }
  | { readonly kind: 'none' };

/**
 * Secrets Manager's client, its code loaded at the first call rather than with the function: only a deployment
 * with a secret configured (a model key, an order API token) reads one. Bundled, the client is a file of its own
 * (scripts/build-lambda.mjs), which a function on Bedrock or with its key in the environment never reads.
 */
export async function newSecretsManagerClient(): Promise<SecretsManagerClient> {
  const { SecretsManagerClient } = await import('./secrets-manager');
  return new SecretsManagerClient({});
}

/**
 * The secret holds the key as plain text, or as JSON with an `apiKey` or `OPENAI_API_KEY` field (the console's
 * key/value form).
 */
export function keyFromSecretString(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed.startsWith('{')) {
    const parsed: unknown = JSON.parse(trimmed);
    const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const key = fields.apiKey ?? fields.OPENAI_API_KEY;
    if (typeof key !== 'string' || key.trim() === '') {
      throw new Error('the secret is JSON but has no "apiKey" or "OPENAI_API_KEY" string field');
    }
    return key.trim();
  }
  if (trimmed === '') throw new Error('the secret is empty');
  return trimmed;
}

/** A key read from a secret is read again after this long, so a rotated key reaches warm containers. */
export const KEY_MAX_AGE_MS = 5 * 60_000;

export interface ApiKeyProviderOptions {
  readonly maxAgeMs?: number;
  /** Epoch milliseconds now; a parameter so tests can age the key. */
  readonly now?: () => number;
}

export class ApiKeyProvider {
  private cached: { readonly key: Promise<string>; readonly readAt: number } | undefined;

  constructor(
    private readonly source: ApiKeySource,
    private readonly options: ApiKeyProviderOptions = {},
  ) {}

  /** The key, read at most once per `maxAgeMs` (and again after `forget`). `timeoutMs` bounds a read of the secret. */
  get(timeoutMs: number): Promise<string> {
    const now = this.options.now?.() ?? Date.now();
    if (this.cached && now - this.cached.readAt < (this.options.maxAgeMs ?? KEY_MAX_AGE_MS)) return this.cached.key;
    const entry = { key: this.read(timeoutMs), readAt: now };
    this.cached = entry;
    entry.key.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.key;
  }

  /** The model rejected the key: read it again at the next turn. */
  forget(): void {
    this.cached = undefined;
  }

  private async read(timeoutMs: number): Promise<string> {
    switch (this.source.kind) {
      case 'value':
        return this.source.apiKey;
      case 'none':
        return NO_KEY_NEEDED;
      case 'secret': {
        const [client, { GetSecretValueCommand }] = await Promise.all([
          this.source.client(),
          import('./secrets-manager'),
        ]);
        const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: this.source.secretArn }), {
          abortSignal: AbortSignal.timeout(timeoutMs),
        });
        if (SecretString === undefined) throw new Error('the OpenAI key secret has no SecretString');
        return keyFromSecretString(SecretString);
      }
    }
  }
}
