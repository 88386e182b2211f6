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

/**
 * `npm test` runs two jest processes side by side, each on one core with its files one after another (--runInBand,
 * scripts/test.mjs says why), split by what the files load: the first the CDK side (aws-cdk-lib, the templates,
 * the CLIs that build and synthesize, the web chat and the knowledge build), the second the function side
 * (LangChain, the AWS SDK, the local call). A process compiles and warms what its files share once, where jest's
 * own split (by a hash of the path) had both processes load everything. The fault drills, which mostly wait on
 * deadlines, go with the first half, which already loads the function (the web chat runs it): the halves then take
 * about the same time.
 */
const FUNCTION_SIDE = ['test/function/', 'test/local/'];

class LongestFirst extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    if (shardCount !== 2) return super.shard(tests, { shardIndex, shardCount });
    const functionSide = (test) => FUNCTION_SIDE.some((folder) => test.path.includes(`/${folder}`));
    return tests.filter((test) => functionSide(test) === (shardIndex === 2));
  }

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
