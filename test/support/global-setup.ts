/**
 * Once per `jest` run, inherited by jest's workers:
 * - a folder the test files share for work worth doing once per run rather than once per file (synthesized
 *   templates, see test/infra/synth.ts);
 * - no built-in CloudFormation validation in the in-process synths. aws-cdk-lib checks every synthesized template
 *   with a WebAssembly engine that took about 6 s to start in each worker and 2.5 s a synth: 40 s of a run's CPU,
 *   for checking the same templates again and again. Its rules are cfn-lint's, and cfn-lint itself reads the CLI's
 *   templates and those of the app's variants in test/infra/cli-synth.test.ts, failing on any error or warning;
 * - V8's code cache (NODE_COMPILE_CACHE) for every Node process of the run: jest's workers and the processes the
 *   tests start (the CLIs, gitlab-ci-local, the bundle's fresh processes). The first process to load a file
 *   compiles it, the next ones load it compiled. It lives in the run's folder, so it is never stale;
 * - the temporary folder (TMPDIR, which `os.tmpdir()` reads on each call) of the tests and of every process they
 *   start: what a test leaves there (an in-process synth's cdk.out, a CLI's scratch folder) goes with the run's
 *   folder at the end, where each run had left 56 folders in /tmp.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
  const runCache = mkdtempSync(join(tmpdir(), 'chalkbot-test-run-'));
  process.env.CHALKBOT_TEST_RUN_CACHE = runCache;
  process.env.CDK_VALIDATION = 'false';
  process.env.NODE_COMPILE_CACHE = join(runCache, 'node-compile-cache');
  const temporary = join(runCache, 'tmp');
  mkdirSync(temporary);
  process.env.TMPDIR = temporary;
}
