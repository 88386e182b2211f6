/** `npm run smoke`: talks to the deployed bot and fails when it does not answer (see tools/smoke.ts). */
import { runTool } from '../tools/cli-args';
import { SMOKE_USAGE, smokeCli } from '../tools/smoke';

runTool('smoke', SMOKE_USAGE, () => smokeCli(process.argv.slice(2)));
