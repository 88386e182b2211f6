/**
 * A loopback Secrets Manager that answers GetSecretValue (AWS JSON 1.1) with one secret, for the bench and the
 * tests that run the function's bundle in a process of its own: point the SDK at it with
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. It counts the reads.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The ARN it answers for (any other is answered the same: it keeps one secret). */
export const LOOPBACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:chalkbot-openai-key-AbCdEf';

export interface LoopbackSecretsManager {
  /** http://127.0.0.1:<port>: AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly endpoint: string;
  reads(): number;
  stop(): Promise<void>;
}

export async function startSecretsManager(secretString: string): Promise<LoopbackSecretsManager> {
  let reads = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      reads += 1;
      const body = JSON.stringify({
        ARN: LOOPBACK_SECRET_ARN,
        Name: 'chalkbot-openai-key',
        SecretString: secretString,
        VersionId: 'v1',
      });
      response.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads: () => reads,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
