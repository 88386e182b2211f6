/** `npm run flows -- export|import ...`: contact flows between a live instance and contact-flows/ (see tools/flows). */
import { flowsCli } from '../tools/flows/cli';

flowsCli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`flows: ${error.message}`);
    process.exitCode = 1;
  },
);
