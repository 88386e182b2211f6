/** `npm run orders -- put <file.json>`: loads orders into the deployed orders table (see tools/orders.ts). */
import { ordersCli } from '../tools/orders';

ordersCli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`orders: ${error.message}`);
    process.exitCode = 1;
  },
);
