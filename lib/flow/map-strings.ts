/**
 * A copy of a JSON value with every string (not the keys) passed through a function, which is also told where the
 * string sits (`Content.Actions[3].Parameters.QueueId`). Flow files keep instance values inside strings, so both
 * the local call (placeholders to local stand-ins) and the flow script (ARNs to placeholders and back) walk them
 * this way.
 */
export function mapStrings<T>(value: T, rewrite: (text: string, path: string) => string, path = 'Content'): T {
  if (typeof value === 'string') return rewrite(value, path) as T;
  if (Array.isArray(value)) return value.map((item, index) => mapStrings(item, rewrite, `${path}[${index}]`)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, mapStrings(child, rewrite, `${path}.${key}`)]),
    ) as T;
  }
  return value;
}
