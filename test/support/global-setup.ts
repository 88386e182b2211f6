/**
 * Once per `jest` run: a folder the test files share for work worth doing once per run rather than once per file
 * (synthesized templates, see test/infra/synth.ts). Jest's workers inherit the variable.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
  process.env.CHALKBOT_TEST_RUN_CACHE = mkdtempSync(join(tmpdir(), 'chalkbot-test-run-'));
}
