/**
 * How Lambda starts the answer function's Node.js, and how the image changes that: its memory, the command line
 * the runtime's bootstrap (/var/runtime/bootstrap, where the base image's entry point hands over) gives node, and
 * the wrapper script that starts node without that command line's V8 flags (lambda/start-node.sh says what it does).
 *
 * Why a wrapper: V8's flags are part of every code cache's key (Node.js's own options are not). The bootstrap's
 * V8 flags make Node.js compile its own modules (http, tls, crypto...) from source instead of from the code cache
 * built into it, and make the image's cache of the bundle (the Dockerfile's RUN line) unreadable. On the bench
 * machine, loading the bundle with what the init phase imports took 218 ms under the bootstrap's flags (one bench
 * run), 178 ms without them and 152 ms without them and with the image's cache (the next run; medians of 15,
 * 2 December 2026). Without the heap flags V8 sizes the heap from the memory it sees (by V8's rule about a quarter
 * of it for the old generation; not measured in a 1,024 MB machine); the function holds 16 MB of heap after its
 * init phase with the sample business (measured).
 *
 * The bootstrap's command line, from the public copies read (the Node.js 14 and 18 runtimes' whole, copied into
 * public repositories; the Node.js 24 runtime's memory part, in
 * https://dev.to/wonderfulsoap/deep-dive-into-aws-lambda-3-official-nodejs-runtime-analysis-43je): `node
 * --expose-gc --max-http-header-size 81920 --max-semi-space-size=M/20 --max-old-space-size=M-M/10
 * /var/runtime/index.mjs`, M being the function's memory in MB (integer division), with the heap flags left out
 * when NODE_OPTIONS sets one. On Node.js 22, Lambda also turns two experimental features off
 * (--no-experimental-require-module, --no-experimental-detect-module:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). Wrapper scripts, AWS_LAMBDA_EXEC_WRAPPER:
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html. Not read off a deployed function: should the
 * bootstrap pass other V8 flags, the caches miss (a slower cold start), never wrong.
 *
 * Pure data, no AWS CDK.
 */

/** The answer function's memory, MB: also its share of CPU, which its cold start and each turn's work need. */
export const ANSWER_FUNCTION_MEMORY_MB = 1024;

/** Where the image keeps the wrapper script (lambda/Dockerfile copies lambda/start-node.sh there). */
export const START_NODE_WRAPPER = '/opt/start-node.sh';

/** The runtime's script, last on the bootstrap's command line. */
export const LAMBDA_RUNTIME_SCRIPT = '/var/runtime/index.mjs';

/** The options the bootstrap gives node for a function of this memory, V8's flags among them. */
export function lambdaBootstrapNodeOptions(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
    '--no-experimental-require-module',
    '--no-experimental-detect-module',
  ];
}
