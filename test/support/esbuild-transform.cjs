// Jest's TypeScript transformer: esbuild, which the function's bundle is already built with. It only strips
// types, file by file (the type check is `npm run typecheck`'s job), about 1 ms a file where ts-jest's
// TypeScript took tens. Two differences a test can meet: esbuild's CommonJS exports are getters, so a test cannot
// `jest.spyOn` one of our modules' exports; and nothing hoists `jest.mock` above the imports, so a `jest.mock` at
// the top of a file would come after the modules it means to replace were loaded. Give the code under test its
// collaborators instead, or load it after `jest.doMock` (test/function/turn-rehearsal.test.ts does).
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

const ownSource = readFileSync(__filename);
const esbuildVersion = require('esbuild/package.json').version;

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      loader: sourcePath.endsWith('x') ? 'tsx' : 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      sourcemap: 'external',
      sourcefile: sourcePath,
      // Jest's module registry is CommonJS: `import()` becomes a require, as ts-jest's CommonJS output had it.
      supported: { 'dynamic-import': false },
      // As tsconfig.json's target (ES2022) has it: class fields are defined, not assigned, as tsc emits them.
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
    });
    return { code, map };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256')
      .update(ownSource)
      .update(esbuildVersion)
      .update(sourcePath)
      .update(sourceText)
      .digest('hex');
  },
};
