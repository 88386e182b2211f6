/**
 * Command-line parsing shared by the tools (deploy, destroy, smoke, flows): `--help`/`-h` answers with the usage
 * and exit 0, and a mistake is a UsageError with one plain sentence (the entry point prints it with the usage
 * and exits 2) instead of node:util's message, which quotes the option unevenly and suggests `--`.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const satisfies Options;

/** parseArgs with --help added and its errors turned into UsageErrors. */
export function parseCommandLine<T extends Options>(argv: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(plainParseError(error as Error & { code?: string }));
  }
}

function plainParseError(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^'\s]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option ? `${option} needs a value` : error.message;
    default:
      return error.message;
  }
}

/**
 * Runs a tool's main function as a process: its resolved number is the exit code; a UsageError prints the
 * message and the usage (exit 2); any other error prints `<tool>: <message>` without a stack trace (exit 1).
 */
export function runTool(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${name}: ${error.message}\n\n${usage}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
