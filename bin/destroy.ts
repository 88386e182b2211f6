/** `npm run destroy`: the bot stack, or with --all everything including the retained parts (see tools/destroy.ts). */
import { runTool } from '../tools/cli-args';
import { DESTROY_USAGE, destroyCli } from '../tools/destroy';

runTool('destroy', DESTROY_USAGE, () => destroyCli(process.argv.slice(2)));
