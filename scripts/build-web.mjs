// Builds the web chat page into web/dist: index.html and styles.css as they are, and web/src/main.ts with
// amazon-connect-chatjs bundled into one script (chat.js), so the page loads nothing from elsewhere. The stack
// deploys web/dist; `npm start -- --web` serves it.
//
//   node scripts/build-web.mjs [--outdir <path>]
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = join(root, 'web', 'dist');

/** Builds the page; returns its directory and the script's size in bytes. */
export async function buildWeb({ outdir = DEFAULT_OUTDIR } = {}) {
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'web', 'src', 'main.ts')],
    outfile: join(outdir, 'chat.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: join(root, 'web', 'tsconfig.json'),
  });
  await Promise.all(['index.html', 'styles.css'].map((file) => copyFile(join(root, 'web', file), join(outdir, file))));
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  return { outdir, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? resolve(process.argv[at + 1]) : undefined;
  const { outdir: written, bytes } = await buildWeb({ outdir });
  console.log(`Built ${relative(process.cwd(), written)} (chat.js ${(bytes / 1024).toFixed(0)} KiB)`);
}
