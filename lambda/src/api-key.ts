/**
 * The OpenAI key: from OPENAI_API_KEY on a laptop, or, deployed, from a Secrets Manager secret whose ARN is in
 * the environment (the key itself never sits in a template or an environment variable). The secret is read at
 * the first turn that needs it and kept for the life of the process; a failed read is not kept, so the next
 * turn tries again.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Servers such as Ollama or the tests' fake take no key, but the OpenAI client insists on one. */
export const NO_KEY_NEEDED = 'not-needed';

export type ApiKeySource =
  | { readonly kind: 'value'; readonly apiKey: string }
  | { readonly kind: 'secret'; readonly secretArn: string; readonly client: () => SecretsManagerClient }
  | { readonly kind: 'none' };

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

export class ApiKeyProvider {
  private cached: Promise<string> | undefined;

  constructor(private readonly source: ApiKeySource) {}

  /** The key, read once. `timeoutMs` bounds the first read of a secret. */
  get(timeoutMs: number): Promise<string> {
    if (this.cached) return this.cached;
    const reading = this.read(timeoutMs);
    this.cached = reading;
    reading.catch(() => {
      if (this.cached === reading) this.cached = undefined;
    });
    return reading;
  }

  private async read(timeoutMs: number): Promise<string> {
    switch (this.source.kind) {
      case 'value':
        return this.source.apiKey;
      case 'none':
        return NO_KEY_NEEDED;
      case 'secret': {
        const { SecretString } = await this.source
          .client()
          .send(new GetSecretValueCommand({ SecretId: this.source.secretArn }), { abortSignal: AbortSignal.timeout(timeoutMs) });
        if (SecretString === undefined) throw new Error('the OpenAI key secret has no SecretString');
        return keyFromSecretString(SecretString);
      }
    }
  }
}
