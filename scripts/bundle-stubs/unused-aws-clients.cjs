// Stands in for the AWS SDK clients behind @langchain/aws's retrievers (Kendra, Bedrock knowledge bases), which
// that package's single entry point imports but the function never uses: it asks Bedrock only through
// ChatBedrockConverse. Any client or command taken from here throws when made, naming this file.
const NOT_BUNDLED =
  'This AWS SDK client is not bundled into the Chalkbot function (scripts/bundle-stubs/unused-aws-clients.cjs)';

class NotBundled {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}

module.exports = new Proxy({}, { get: (_target, name) => (name === '__esModule' ? false : NotBundled) });
