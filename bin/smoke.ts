/** `npm run smoke`: talks to the deployed bot and fails when it does not answer (see tools/smoke.ts). */
import { smokeCli } from '../tools/smoke';

smokeCli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`smoke: ${error.message}`);
    process.exitCode = 1;
  },
);
