/**
 * The two parts of Secrets Manager's client that the function uses, in a module of their own: api-key.ts imports
 * it when a secret is first read, so the bundle has them in a file that only a deployment with a secret loads, and
 * leaves out the client's other commands (importing the package itself would keep them all).
 */
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
