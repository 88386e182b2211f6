// Stands in for @aws-sdk/credential-provider-node, the SDK's default credential chain (SSO, ini files, processes,
// web identity, container and instance metadata: about 100 KiB with the STS/SSO clients it carries). Lambda always
// hands the function its role's credentials in the environment, which is the chain's first link, so on Lambda the
// chain never gets past it.
const { fromEnv } = require('@aws-sdk/credential-provider-env');

exports.defaultProvider = (init = {}) => fromEnv(init);
exports.credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
exports.credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300000;
