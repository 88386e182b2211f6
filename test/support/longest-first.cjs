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
 * `npm test` runs three jest processes side by side, each with its files one after another (--runInBand,
 * scripts/test.mjs says why), split by what the files do:
 * 1. the CDK side: aws-cdk-lib, the templates, the CLIs that build and synthesize, the pipeline, the web chat's
 *    stack;
 * 2. the function side: LangChain, the AWS SDK, the local call, the knowledge search;
 * 3. the files that mostly wait: on turn deadlines and hanging models or tables, about 25 s of waiting for a few
 *    seconds of CPU, and on the browser. In the second process they kept a core idle for that long; on their own
 *    they wait while the other two work.
 * A process compiles and warms what its files share once (aws-cdk-lib is loaded by Node, not by jest:
 * test/infra/synth.ts), where jest's own split (by a hash of the path) had every process load everything. The
 * three take about the same time.
 */
const WAITING = [
  'test/function/tools.test.ts',
  'test/function/failures.test.ts',
  'test/function/fallback-model.test.ts',
  'test/faults/fault-drills.test.ts',
  'test/web-chat/browser.test.ts',
];
const FUNCTION_SIDE = ['test/function/', 'test/local/', 'test/knowledge/'];

/** Which of the three processes runs a file: 1, 2 or 3, as above. */
function group(path) {
  if (WAITING.some((file) => path.endsWith(file))) return 3;
  if (FUNCTION_SIDE.some((folder) => path.includes(`/${folder}`))) return 2;
  return 1;
}

class LongestFirst extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    if (shardCount !== 3) return super.shard(tests, { shardIndex, shardCount });
    return tests.filter((test) => group(test.path) === shardIndex);
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
