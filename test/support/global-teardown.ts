import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const folder = process.env.CHALKBOT_TEST_RUN_CACHE;
  if (folder) rmSync(folder, { recursive: true, force: true });
}
