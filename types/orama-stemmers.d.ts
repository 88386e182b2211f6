// @orama/stemmers types its languages through package exports, which this project's "node" module resolution does
// not read; these are the entry points we use (dist/es.d.ts, dist/de.d.ts in the package).
declare module '@orama/stemmers/spanish' {
  export function stemmer(word: string): string;
}
declare module '@orama/stemmers/german' {
  export function stemmer(word: string): string;
}
