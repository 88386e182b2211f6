/**
 * `npm run flows -- check <file>...`: the repo's flow check (lib/flow/validate.ts) of flow files, offline. It
 * takes the repo's files (`{Name, Type, Content}`) and what the designer exports (the bare flow-language
 * content, or a DescribeContactFlow answer whose Content is a string). A literal ARN is an error for files under
 * contact-flows/, where the stack needs placeholders, and a warning elsewhere; an action type the check does not
 * know is a warning. Warnings print and do not fail.
 */
import { relative, resolve } from 'node:path';
import { CONTACT_FLOWS_DIR, type FlowContent, type FlowFile, readJsonFile } from '../../lib/flow/flow-file';
import { flowFileCheck } from './flow-json';

/** The flow in a file, whichever of the shapes above it has; undefined when it has none of them. */
export function flowFromJson(json: unknown, path: string): FlowFile | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const object = json as Record<string, unknown>;
  const wrapped = (object.ContactFlow ?? object.ContactFlowModule ?? object) as Record<string, unknown>;
  let content: unknown = wrapped.Content ?? (Array.isArray(wrapped.Actions) ? wrapped : undefined);
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content);
    } catch {
      return undefined;
    }
  }
  const flow = content as Partial<FlowContent> | undefined;
  if (!flow || typeof flow !== 'object' || !Array.isArray(flow.Actions)) return undefined;
  const metadata = (flow.Metadata ?? {}) as Record<string, unknown>;
  const name = [wrapped.Name, metadata.name].find((value) => typeof value === 'string' && value !== '') as
    | string
    | undefined;
  return {
    Name: name ?? relative(process.cwd(), path),
    Type: typeof wrapped.Type === 'string' ? wrapped.Type : 'CONTACT_FLOW',
    Content: flow as FlowContent,
  };
}

export interface CheckedFile {
  readonly path: string;
  readonly errors: string[];
  readonly warnings: string[];
}

/** Checks one file; a file that cannot be read or holds no flow is one error. */
export function checkFlowFile(path: string, repoFlowsDir: string = CONTACT_FLOWS_DIR): CheckedFile {
  let json: unknown;
  try {
    json = readJsonFile(path);
  } catch (error) {
    return { path, errors: [(error as Error).message], warnings: [] };
  }
  const flow = flowFromJson(json, path);
  if (!flow) {
    return {
      path,
      errors: [`Flow file ${path} holds no flow: expected {Name, Type, Content} or flow-language JSON with Actions`],
      warnings: [],
    };
  }
  const inRepoFolder = !relative(repoFlowsDir, resolve(path)).startsWith('..');
  return { path, ...flowFileCheck(path, flow, { literalArns: inRepoFolder ? 'error' : 'warning' }) };
}

/** Resolves to the exit code: 0 when every file passes (warnings allowed), 1 otherwise. */
export function checkFlowFiles(paths: readonly string[], log: (line: string) => void): number {
  let failed = 0;
  for (const path of paths) {
    const result = checkFlowFile(path);
    for (const warning of result.warnings) log(`warning: ${warning}`);
    for (const error of result.errors) log(`error: ${error}`);
    if (result.errors.length > 0) failed++;
    else log(`ok: ${path}`);
  }
  if (failed > 0) log(`${failed} of ${paths.length} flow files failed the check.`);
  return failed > 0 ? 1 : 0;
}
