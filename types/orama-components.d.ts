// @orama/orama types its "components" entry point through package exports, which this project's "node" module
// resolution does not read. Keyword search imports the tokenizer from there rather than from the package's root:
// the root's `components` namespace brought the rest of Orama (its trees, index, sorter) into the function's bundle,
// about 36 KiB it never runs.
declare module '@orama/orama/components' {
  import type { components } from '@orama/orama';
  export const tokenizer: typeof components.tokenizer;
}
