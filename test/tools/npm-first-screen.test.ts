/**
 * The first screen of `npm ci` on the machine's own Node (20 here, while the code runs on the node@22 dev
 * dependency's Node 22) holds no warnings: .npmrc keeps npm to errors. A dry run reads the lockfile only.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('npm ci prints no EBADENGINE (or any other) warning', () => {
  const repo = join(__dirname, '..', '..');
  // Outside npm's script PATH, so the machine's own node and npm answer, as for a newcomer's first `npm ci`.
  const path = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.includes('node_modules'))
    .join(':');
  const result = spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: path },
    timeout: 60_000,
  });
  expect(result.status).toBe(0);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/npm warn|EBADENGINE/);
}, 70_000);
