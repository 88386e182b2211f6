/** `npm run calls`: recent calls and their transcripts (see tools/calls.ts). Errors are one line. */
import { DEFAULT_TRANSCRIPT_DIR } from '../local/local-transcript';
import { CALLS_USAGE, callsCli } from '../tools/calls';
import { runTool } from '../tools/cli-args';

runTool('calls', CALLS_USAGE, () => callsCli(process.argv.slice(2), { localDir: DEFAULT_TRANSCRIPT_DIR }));
