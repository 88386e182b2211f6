/**
 * Every command answers --help with its usage and exit 0, and a mistake in the arguments is one plain sentence
 * (exit 2), checked before anything looks for AWS.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, runTool, UsageError } from '../../tools/cli-args';
import { DEPLOY_USAGE, deployCli } from '../../tools/deploy';
import { FLOWS_USAGE, flowsCli } from '../../tools/flows/cli';
import { SMOKE_USAGE, smokeCli } from '../../tools/smoke';
import { INBOUND_FLOW_FILE } from '../../lib/flow/flow-file';
import { checkFlowFile } from '../../tools/flows/check-flows';

const noAws = () => {
  throw new Error('no AWS client may be made');
};

describe('--help', () => {
  test.each([
    ['deploy', (log: (l: string) => void) => deployCli(['--help'], log, { environment: noAws }), DEPLOY_USAGE],
    ['deploy -h', (log: (l: string) => void) => deployCli(['-h'], log, { environment: noAws }), DEPLOY_USAGE],
    ['smoke', (log: (l: string) => void) => smokeCli(['--help'], log), SMOKE_USAGE],
    ['flows', (log: (l: string) => void) => flowsCli(['--help'], log, noAws), FLOWS_USAGE],
    ['flows export', (log: (l: string) => void) => flowsCli(['export', '--help'], log, noAws), FLOWS_USAGE],
    ['flows check', (log: (l: string) => void) => flowsCli(['check', '--help'], log, noAws), FLOWS_USAGE],
  ])('%s prints the usage and exits 0', async (_name, run, usage) => {
    const log: string[] = [];
    expect(await run((line) => log.push(line))).toBe(0);
    expect(log).toEqual([usage]);
    expect(usage).toMatch(/^Usage:/);
  });

  test("an unknown option is one plain sentence, without node:util's uneven quote", () => {
    expect(() => parseCommandLine(['--profle', 'x'], { profile: { type: 'string' } })).toThrow(
      new UsageError('unknown option --profle'),
    );
    expect(() => parseCommandLine(['--profile'], { profile: { type: 'string' } })).toThrow(
      new UsageError('--profile needs a value'),
    );
  });

  test('runTool: a usage mistake prints the sentence and the usage and exits 2; another error one line, exit 1', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      runTool('demo', 'Usage: demo', async () => {
        throw new UsageError('unknown option --x');
      });
      await new Promise((r) => setImmediate(r));
      expect(process.exitCode).toBe(2);
      expect(stderr).toHaveBeenLastCalledWith('demo: unknown option --x\n\nUsage: demo\n');
      runTool('demo', 'Usage: demo', async () => {
        throw new Error('the instance is gone');
      });
      await new Promise((r) => setImmediate(r));
      expect(process.exitCode).toBe(1);
      expect(stderr).toHaveBeenLastCalledWith('demo: the instance is gone\n');
    } finally {
      process.exitCode = before;
      stderr.mockRestore();
    }
  });
});

describe('npm run flows: arguments and files are checked before AWS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flows-check-'));
  const designerExport = join(__dirname, '..', 'infra', 'fixtures', 'designer-export.json');

  test("check: the repo's flow and a designer export pass (its literal ARNs a warning outside contact-flows/)", async () => {
    const log: string[] = [];
    expect(await flowsCli(['check', INBOUND_FLOW_FILE, designerExport], (l) => log.push(l), noAws)).toBe(0);
    expect(log).toEqual([
      `ok: ${INBOUND_FLOW_FILE}`,
      expect.stringMatching(/^warning: "Acme inbound" \(.*designer-export\.json\): the flow holds a literal ARN/),
      `ok: ${designerExport}`,
    ]);
  });

  test('check: a missing, a malformed and an invalid file each fail with what is wrong; exit 1', async () => {
    const malformed = join(dir, 'malformed.json');
    writeFileSync(malformed, '{"Version": ');
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ Version: '2019-10-30', StartAction: 'x', Actions: [] }));
    const log: string[] = [];
    expect(await flowsCli(['check', join(dir, 'missing.json'), malformed, invalid], (l) => log.push(l), noAws)).toBe(1);
    expect(log).toEqual([
      `error: Flow file ${join(dir, 'missing.json')} does not exist`,
      expect.stringMatching(new RegExp(`^error: Flow file ${malformed} is not valid JSON`)),
      expect.stringMatching(/^error: ".*invalid.json" \(.*\): the flow has no actions/),
      expect.stringMatching(/StartAction "x" is not an action/),
      '3 of 3 flow files failed the check.',
    ]);
  });

  test("check: a literal ARN is an error for a file in the repo's flow folder", () => {
    const repoFolder = join(dir, 'contact-flows');
    mkdirSync(repoFolder, { recursive: true });
    const inRepo = join(repoFolder, 'acme.json');
    writeFileSync(inRepo, readFileSync(designerExport));
    expect(checkFlowFile(inRepo, repoFolder)).toEqual({
      path: inRepo,
      errors: [expect.stringMatching(/literal ARN/)],
      warnings: [],
    });
    expect(checkFlowFile(designerExport, repoFolder).errors).toEqual([]);
  });

  test('check with no file, export without --name, import of a missing file: no AWS client is made', async () => {
    await expect(flowsCli(['check'], () => undefined, noAws)).rejects.toThrow(
      new UsageError('check needs at least one flow file'),
    );
    await expect(flowsCli(['export'], () => undefined, noAws)).rejects.toThrow(
      new UsageError('export takes exactly one of --name or --id'),
    );
    await expect(flowsCli(['import', join(dir, 'nope.json')], () => undefined, noAws)).rejects.toThrow(
      /nope\.json does not exist/,
    );
  });
});
