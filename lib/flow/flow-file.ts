/**
 * Contact flows as the repo keeps them: one JSON file per flow in `contact-flows/`, holding the flow's name,
 * type and description beside its content in Amazon Connect's flow language (parsed, not a string, so diffs
 * stay readable). Instance-specific values are named placeholders (see ../definition/placeholders).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FlowCondition {
  readonly NextAction: string;
  readonly Condition: { readonly Operator: string; readonly Operands: readonly string[] };
}

export interface FlowError {
  readonly NextAction: string;
  readonly ErrorType: string;
}

export interface FlowAction {
  readonly Identifier: string;
  readonly Type: string;
  readonly Parameters: Readonly<Record<string, unknown>>;
  readonly Transitions: {
    readonly NextAction?: string;
    readonly Conditions?: readonly FlowCondition[];
    readonly Errors?: readonly FlowError[];
  };
}

/** Connect's flow language, version 2019-10-30. */
export interface FlowContent {
  readonly Version: string;
  readonly StartAction: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Actions: readonly FlowAction[];
}

export interface FlowFile {
  readonly Name: string;
  /** Connect's flow type, e.g. CONTACT_FLOW. */
  readonly Type: string;
  readonly Description?: string;
  readonly Content: FlowContent;
}

/** The repo's flow folder. */
export const CONTACT_FLOWS_DIR = join(__dirname, '..', '..', 'contact-flows');

/** The flow a caller meets first; the stack points the phone number at it. */
export const INBOUND_FLOW_FILE = join(CONTACT_FLOWS_DIR, 'chalkbot-inbound.json');

/**
 * Reads a flow file. A file that is not JSON or lacks the envelope fails here with the file's name, before
 * any stack or call uses it.
 */
export function readFlowFile(path: string): FlowFile {
  const parsed = readJsonFile(path);
  const file = parsed as Partial<FlowFile> | null;
  if (!file || typeof file !== 'object') throw new Error(`Flow file ${path} must hold a JSON object`);
  for (const key of ['Name', 'Type'] as const) {
    if (typeof file[key] !== 'string' || file[key] === '') throw new Error(`Flow file ${path} has no ${key}`);
  }
  const content = file.Content as Partial<FlowContent> | undefined;
  if (
    !content ||
    typeof content !== 'object' ||
    !Array.isArray(content.Actions) ||
    typeof content.StartAction !== 'string'
  ) {
    throw new Error(`Flow file ${path} has no Content with StartAction and Actions`);
  }
  return file as FlowFile;
}

/** A flow file's JSON; a file that is missing, a folder or not JSON is named with what is wrong with it. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`Flow file ${path} does not exist`);
    if (code === 'EISDIR') throw new Error(`Flow file ${path} is a folder, not a file`);
    throw new Error(`Flow file ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Flow file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Every flow file in the folder, by file name order. */
export function readFlowFiles(dir: string = CONTACT_FLOWS_DIR): { path: string; flow: FlowFile }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ path: join(dir, name), flow: readFlowFile(join(dir, name)) }));
}
