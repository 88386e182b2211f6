/**
 * The pipeline as GitLab would evaluate it (via gitlab-ci-local, offline): which jobs a merge request, main and
 * another branch get, what each needs, and what it hands on as artifacts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CDK_DEPLOY_ORDER_FLAGS } from '../../tools/deploy';
import { GitLabCiLocal, type ListedJob, type PipelineVariables, WORKFLOW_PROBE } from './gitlab-ci-local';

const MERGE_REQUEST: PipelineVariables = {
  set: { CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '7' },
  // Merge-request pipelines have no CI_COMMIT_BRANCH.
  unset: ['CI_COMMIT_BRANCH'],
};
const MAIN: PipelineVariables = { set: { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main' } };
const MAIN_WITH_OPEN_MR: PipelineVariables = {
  set: { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main', CI_OPEN_MERGE_REQUESTS: 'acme/chalkbot!9' },
};
const BRANCH_WITHOUT_MR: PipelineVariables = { set: { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'feature/x' } };
const BRANCH_WITH_OPEN_MR: PipelineVariables = {
  set: { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'feature/x', CI_OPEN_MERGE_REQUESTS: 'acme/chalkbot!7' },
};

/** Jobs that run (any `when` but never), without the probe, by name → when. */
function running(jobs: Map<string, ListedJob>): Record<string, string> {
  return Object.fromEntries(
    [...jobs.values()]
      .filter((job) => job.when !== 'never' && job.name !== WORKFLOW_PROBE)
      .map((job) => [job.name, job.when]),
  );
}

type Job = Record<string, any>;

describe('.gitlab-ci.yml', () => {
  let gcl: GitLabCiLocal;
  let jobs: Record<string, Job>;

  beforeAll(() => {
    gcl = new GitLabCiLocal();
    jobs = gcl.preview();
  });
  afterAll(() => gcl.dispose());

  describe('which pipelines run', () => {
    test('a merge request gets one pipeline; a branch with an open MR none; a branch without one, and main, do', () => {
      expect(gcl.list(MERGE_REQUEST).get(WORKFLOW_PROBE)?.when).toBe('on_success');
      expect(gcl.list(BRANCH_WITH_OPEN_MR).get(WORKFLOW_PROBE)?.when).toBe('never');
      expect(gcl.list(BRANCH_WITHOUT_MR).get(WORKFLOW_PROBE)?.when).toBe('on_success');
      expect(gcl.list(MAIN).get(WORKFLOW_PROBE)?.when).toBe('on_success');
      // main is the source branch of an open merge request: it still gets its pipeline, and its deploy.
      expect(gcl.list(MAIN_WITH_OPEN_MR).get(WORKFLOW_PROBE)?.when).toBe('on_success');
      expect(running(gcl.list(MAIN_WITH_OPEN_MR)).deploy).toBe('manual');
    });
  });

  describe('which jobs run', () => {
    test('a merge request: test, synth and the read-only diff; nothing deploys', () => {
      expect(running(gcl.list(MERGE_REQUEST))).toEqual({ test: 'on_success', synth: 'on_success', diff: 'on_success' });
    });

    test('main: test, synth, the diff of what the deploy will change, a manual deploy, then the smoke test', () => {
      expect(running(gcl.list(MAIN))).toEqual({
        test: 'on_success',
        synth: 'on_success',
        diff: 'on_success',
        deploy: 'manual',
        smoke: 'on_success',
      });
    });

    test('another branch without a merge request: only test and synth', () => {
      expect(running(gcl.list(BRANCH_WITHOUT_MR))).toEqual({ test: 'on_success', synth: 'on_success' });
    });

    test('every job a running job needs runs too; on main the only wait is the manual deploy before smoke', () => {
      expect(() => gcl.validateNeeds(MERGE_REQUEST)).not.toThrow();
      expect(() => gcl.validateNeeds(BRANCH_WITHOUT_MR)).not.toThrow();
      // The one gap on main is by design: the smoke test waits for someone to start the deploy.
      expect(() => gcl.validateNeeds(MAIN)).toThrow(/deploy is when:manual, its needed by smoke/);
    });
  });

  describe('what each job does and hands on', () => {
    test('the stages are test, synth, diff, deploy', () => {
      expect(jobs.stages).toEqual(['.pre', 'test', 'synth', 'diff', 'deploy', '.post']);
      expect(jobs.test.stage).toBe('test');
      expect(jobs.synth.stage).toBe('synth');
      expect(jobs.diff.stage).toBe('diff');
      expect(jobs.deploy.stage).toBe('deploy');
      expect(jobs.smoke.stage).toBe('deploy');
    });

    test('installs from the npm cache keyed on the lockfile', () => {
      for (const name of ['test', 'synth', 'diff', 'deploy', 'smoke']) {
        expect(jobs[name].cache).toEqual([
          expect.objectContaining({ key: { files: ['package-lock.json'] }, paths: ['.npm/'] }),
        ]);
        expect(jobs[name].before_script[0]).toBe('npm ci --cache .npm --prefer-offline --no-audit --no-fund');
      }
    });

    test('test runs npm test', () => {
      expect(jobs.test.script).toEqual(['npm test']);
    });

    test('synth builds the function bundle first and keeps the assembly as an artifact', () => {
      const script: string[] = jobs.synth.script;
      expect(script.indexOf('npm run build')).toBeLessThan(
        script.findIndex((line) => line.startsWith('npm run synth')),
      );
      expect(script).toContain('npm run synth -- --output cdk.out');
      expect(jobs.synth.artifacts.paths).toEqual(['cdk.out/']);
    });

    test('diff uses the synthesized assembly, the read-only role, and exposes the diff on the merge request', () => {
      const diff = jobs.diff;
      expect(diff.needs).toEqual([{ job: 'synth', artifacts: true, optional: false }]);
      expect(diff.id_tokens).toEqual({ GITLAB_OIDC_TOKEN: { aud: '$AWS_OIDC_AUDIENCE' } });
      expect(diff.variables.AWS_ROLE_ARN).toBe('$CDK_DIFF_ROLE_ARN');
      expect(diff.before_script.join('\n')).toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
      const cdkDiff = diff.script.find((line: string) => line.includes('cdk diff'));
      expect(cdkDiff).toContain('--app cdk.out');
      expect(cdkDiff).toContain('--method=template');
      expect(cdkDiff).toContain('tee cdk-diff.txt');
      // The note is a convenience: a failing API call warns instead of failing the merge request's pipeline.
      expect(diff.script.join('\n')).toMatch(
        /elif \[ -n "\$MR_NOTE_TOKEN" \]; then\s+npx tsx tools\/mr-note.ts cdk-diff.txt \|\| echo "warning: /,
      );
      expect(diff.artifacts).toEqual(
        expect.objectContaining({ expose_as: 'cdk diff', paths: ['cdk-diff.txt'], when: 'always' }),
      );
    });

    test('deploy ships the same assembly with the deploy role, Docker-in-Docker, behind a manual, protected environment', () => {
      const deploy = jobs.deploy;
      expect(deploy.needs).toEqual([
        { job: 'test', artifacts: false, optional: false },
        { job: 'synth', artifacts: true, optional: false },
        { job: 'diff', artifacts: false, optional: false },
      ]);
      expect(deploy.variables.AWS_ROLE_ARN).toBe('$CDK_DEPLOY_ROLE_ARN');
      expect(deploy.id_tokens).toEqual({ GITLAB_OIDC_TOKEN: { aud: '$AWS_OIDC_AUDIENCE' } });
      expect(deploy.environment).toEqual({ name: 'production' });
      expect(deploy.services).toEqual([expect.objectContaining({ name: expect.stringMatching(/^docker:.*dind$/) })]);
      expect(deploy.variables.DOCKER_HOST).toBe('tcp://docker:2376');
      const cdkDeploy: string = deploy.script.find((line: string) => line.includes('cdk deploy'));
      for (const flag of [
        '--app cdk.out',
        '--all',
        ...CDK_DEPLOY_ORDER_FLAGS,
        '--require-approval never',
        '--ci',
        '--progress events',
        '--outputs-file cdk-outputs.json',
      ]) {
        expect(cdkDeploy).toContain(flag);
      }
      expect(cdkDeploy).not.toContain('synth');
      expect(deploy.artifacts.paths).toEqual(['cdk-outputs.json']);
      // The Docker CLI for the runner's own architecture, and none downloaded where the image already has it.
      const install: string = deploy.script.find((line: string) => line.includes('download.docker.com'));
      expect(install).toContain('/static/stable/$(uname -m)/');
      expect(install).not.toContain('x86_64');
      expect(install).toMatch(/^command -v docker >\/dev\/null \|\| curl/);
    });

    test('merge-request jobs are interruptible by a newer pipeline; the deploy and smoke test never are', () => {
      // Set once under default: (GitLab applies it to every job that does not say otherwise).
      const raw = parse(readFileSync(join(__dirname, '..', '..', '.gitlab-ci.yml'), 'utf8')) as Record<string, Job>;
      const interruptible = (name: string) => jobs[name].interruptible ?? raw.default.interruptible;
      for (const name of ['test', 'synth', 'diff']) expect(interruptible(name)).toBe(true);
      expect(jobs.deploy.interruptible).toBe(false);
      expect(jobs.smoke.interruptible).toBe(false);
    });

    test('smoke runs after the deploy against its outputs, with the deploy role', () => {
      expect(jobs.smoke.needs).toEqual([{ job: 'deploy', artifacts: true, optional: false }]);
      expect(jobs.smoke.variables.AWS_ROLE_ARN).toBe('$CDK_DEPLOY_ROLE_ARN');
      expect(jobs.smoke.script).toEqual(['npm run smoke -- --outputs-file cdk-outputs.json']);
    });

    test('no remote includes: the pipeline is all in this file', () => {
      expect(jobs.include).toBeUndefined();
    });
  });
});
