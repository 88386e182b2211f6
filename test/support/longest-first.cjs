// The order jest starts test files in. A few workers share the machine's cores, and the run ends when the last
// file does, so the longest files must start first. Jest knows a file's time from its cache of earlier runs; a
// fresh clone (CI) has none, and then jest starts the biggest files first, which puts the end-to-end tests of the
// CLIs (short files, long runs: each spawns processes) near the end, where one of them ran on alone for half a
// minute. These start first, longest first, after any file that failed last time; every other file keeps jest's
// own order.
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST = [
  'test/infra/cli-synth.test.ts', // `npx cdk synth` with the build, then cfn-lint
  'test/pipeline/gitlab-ci.test.ts', // a dozen runs of gitlab-ci-local
  'test/function/bundle.test.ts', // the bundle and the knowledge index built, then fresh processes
  'test/web-chat/browser.test.ts', // Chromium
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      // Jest's first rule stays first: what failed last time runs first, to say soonest whether it is mended.
      if (this.hasFailed(test)) return -1;
      const at = LONGEST.findIndex((path) => test.path.endsWith(path));
      return at < 0 ? LONGEST.length : at;
    };
    // Array sort is stable: files of the same rank keep jest's order.
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
