/**
 * Once per `jest` run, inherited by jest's workers:
 * - a folder the test files share for work worth doing once per run rather than once per file (synthesized
 *   templates, see test/infra/synth.ts);
 * - no built-in CloudFormation validation in the in-process synths. aws-cdk-lib checks every synthesized template
 *   with a WebAssembly engine that took about 6 s to start in each worker and 2.5 s a synth: 40 s of a run's CPU,
 *   for checking the same templates again and again. Its rules are cfn-lint's, and cfn-lint itself reads the CLI's
 *   templates and those of the app's variants in test/infra/cli-synth.test.ts, failing on any error or warning.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
  process.env.CHALKBOT_TEST_RUN_CACHE = mkdtempSync(join(tmpdir(), 'chalkbot-test-run-'));
  process.env.CDK_VALIDATION = 'false';
}
