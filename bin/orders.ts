/** `npm run orders -- put <file.json>`: loads orders into the deployed orders table (see tools/orders.ts). */
import { runTool } from '../tools/cli-args';
import { ORDERS_USAGE, ordersCli } from '../tools/orders';

runTool('orders', ORDERS_USAGE, () => ordersCli(process.argv.slice(2)));
