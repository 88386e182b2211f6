/** `npm run flows -- check|export|import ...`: flow files checked offline, and moved to and from an instance. */
import { runTool } from '../tools/cli-args';
import { FLOWS_USAGE, flowsCli } from '../tools/flows/cli';

runTool('flows', FLOWS_USAGE, () => flowsCli(process.argv.slice(2)));
