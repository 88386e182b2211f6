/**
 * Flow content as the repo keeps it: designer metadata made stable (keys sorted, positions rounded) so a block
 * nudged in the designer does not rewrite the file, instance values swapped for placeholders, and nothing
 * instance-specific left over.
 */
import { PLACEHOLDERS } from '../../lib/definition/placeholders';
import type { FlowContent, FlowFile } from '../../lib/flow/flow-file';
import { mapStrings } from '../../lib/flow/map-strings';
import { type FlowCheck, checkFlow } from '../../lib/flow/validate';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys sorted at every level; numbers in a position (`position`, `entryPointPosition`) rounded to whole pixels. */
function stableMetadata(value: Json, inPosition = false): Json {
  if (Array.isArray(value)) return value.map((item) => stableMetadata(item, inPosition));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, stableMetadata(value[key], inPosition || /position$/i.test(key))]),
    );
  }
  return typeof value === 'number' && inPosition ? Math.round(value) : value;
}

/** The content with a stable Metadata and the flow language's own key order at the top. */
export function normalizeContent(content: FlowContent): FlowContent {
  const { Version, StartAction, Metadata, Actions, ...rest } = content as FlowContent & Record<string, Json>;
  return {
    Version,
    StartAction,
    ...(Metadata === undefined ? {} : { Metadata: stableMetadata(Metadata as Json) as Record<string, unknown> }),
    Actions,
    ...rest,
  };
}

/** Replaces known values inside strings, longest first so a full ARN wins over an id or prefix inside it. */
export function replaceKnownValues<T>(value: T, replacements: ReadonlyMap<string, string>): T {
  const ordered = [...replacements].sort(([a], [b]) => b.length - a.length);
  return mapStrings(value, (text) => ordered.reduce((out, [from, to]) => out.split(from).join(to), text));
}

/** Paths and values of strings that still name an ARN or the instance. */
export function findLeftovers(value: unknown, instanceId: string): string[] {
  const found: string[] = [];
  mapStrings(value, (text, path) => {
    if (/arn:aws/.test(text) || (instanceId && text.includes(instanceId))) found.push(`${path}: ${text}`);
    return text;
  });
  return found;
}

/**
 * The repo's flow check (lib/flow/validate.ts, the same one the stack runs at synth) of a flow file, each line
 * naming the flow and the file; our placeholders are allowed, since a file keeps them. Warnings (an action type
 * the check does not know) are printed and do not fail.
 */
export function flowFileCheck(
  path: string,
  flow: FlowFile,
  options: { literalArns?: 'error' | 'warning' } = {},
): FlowCheck {
  const check = checkFlow(flow.Content, { allowedPlaceholders: Object.values(PLACEHOLDERS), ...options });
  const label = (line: string) => `"${flow.Name}" (${path}): ${line}`;
  return { errors: check.errors.map(label), warnings: check.warnings.map(label) };
}
