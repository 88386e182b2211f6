// Stands in for @aws-sdk/credential-provider-node, the SDK's default credential chain (SSO, ini files, processes,
// web identity, container and instance metadata: about 100 KiB with the STS/SSO clients it carries). Lambda always
// hands the function its role's credentials in the environment, which is the chain's first link, so on Lambda the
// chain never gets past it. An ES module: a CommonJS `require` of the SDK's ES modules made esbuild wrap each of
// them, and everything they import, in a function run at load (a few hundred such calls at every cold start).
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init = {}) => fromEnv(init);
export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300000;
