/** `npm run deploy`: checks what a deploy needs, then deploys every stack (see tools/deploy.ts). */
import { runTool } from '../tools/cli-args';
import { DEPLOY_USAGE, deployCli } from '../tools/deploy';

runTool('deploy', DEPLOY_USAGE, () => deployCli(process.argv.slice(2)));
