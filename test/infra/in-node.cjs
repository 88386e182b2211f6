// Loaded by Node's own require (test/infra/synth.ts), once per jest worker; what it keeps outlives jest's
// per-file sandboxes: the TypeScript hook is registered once, and the modules it loads are loaded once.
let registered = false;

/** Node's require of an absolute path, with the repository's TypeScript compiled by tsx as `npx cdk synth` does. */
function requireInNode(file) {
  if (!registered) {
    require('tsx/cjs/api').register();
    registered = true;
  }
  return require(file);
}

// The process's own environment: a test's `process.env` is jest's copy, which code loaded here does not read.
module.exports = { requireInNode, env: process.env };
