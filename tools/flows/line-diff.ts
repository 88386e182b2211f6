/** A unified-style line diff for `--dry-run`: what would change, with a little context, nothing else. */

/** Lines prefixed with ' ', '-' or '+', from a longest-common-subsequence alignment. */
export function diffLines(before: string, after: string, context = 2): string[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]. Flows are a few hundred lines.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const all: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      all.push(`  ${a[i++]}`);
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      all.push(`- ${a[i++]}`);
    } else {
      all.push(`+ ${b[j++]}`);
    }
  }
  // Keep changed lines and `context` lines around them; mark skipped stretches.
  const keep = all.map((line) => !line.startsWith(' '));
  const shown = all.map((_, index) => keep.slice(Math.max(0, index - context), index + context + 1).some(Boolean));
  const out: string[] = [];
  all.forEach((line, index) => {
    if (shown[index]) out.push(line);
    else if (shown[index - 1] || index === 0) out.push('  …');
  });
  return out;
}
