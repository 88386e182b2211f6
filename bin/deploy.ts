/** `npm run deploy`: checks what a deploy needs, then deploys every stack (see tools/deploy.ts). */
import { deployCli } from '../tools/deploy';

deployCli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`deploy: ${error.message}`);
    process.exitCode = 1;
  },
);
