// Stands in for `zod/v4` where @langchain/core's tools module imports it (scripts/build-lambda.mjs). That module
// imports zod's whole namespace, `z`, for one function (`z.prettifyError`, on a tool call whose arguments its
// schema refuses), and a namespace keeps every zod schema type in the bundle. This one has that function; any
// other name throws, naming this file.
import { prettifyError } from 'zod/v4/core';

export const z = new Proxy(
  { prettifyError },
  {
    get(target, name) {
      if (name in target) return target[name];
      throw new Error(
        `zod's ${String(name)} is not in the Chalkbot function's bundle (scripts/bundle-stubs/zod-v4-for-tools.mjs)`,
      );
    },
  },
);
