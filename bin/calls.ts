/** `npm run calls`: recent calls and their transcripts (see tools/calls.ts). Errors are one line. */
import { DEFAULT_TRANSCRIPT_DIR } from '../local/local-transcript';
import { callsCli } from '../tools/calls';

callsCli(process.argv.slice(2), { localDir: DEFAULT_TRANSCRIPT_DIR }).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`calls: ${error.message}`);
    process.exitCode = 1;
  },
);
