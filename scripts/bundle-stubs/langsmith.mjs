// Stands in for the `langsmith` package (and its subpaths) in the function's bundle. @langchain/core imports
// LangSmith's tracing client at module load, but the function never traces: the stack sets no LANGSMITH_* or
// LANGCHAIN_TRACING* variable, and call transcripts must not leave the account. What core touches on an untraced
// run is kept working (no current run tree, nothing is traceable, RunTree as a plain record); anything that would
// really trace fails loudly instead of sending data anywhere.
const NOT_BUNDLED = 'LangSmith tracing is not bundled into the Chalkbot function (see scripts/build-lambda.mjs)';

export class RunTree {
  constructor(config = {}) {
    Object.assign(this, config);
  }
}

export const isRunTree = (value) => value instanceof RunTree;
export const isTraceableFunction = () => false;
export const getCurrentRunTree = (permitAbsentRunTree = false) => {
  if (permitAbsentRunTree) return undefined;
  throw new Error(NOT_BUNDLED);
};
export const convertToDottedOrderFormat = () => {
  throw new Error(NOT_BUNDLED);
};

export class Client {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}
