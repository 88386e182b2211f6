/**
 * Runs gitlab-ci-local (GitLab's rule evaluation and schema, offline) against a copy of `.gitlab-ci.yml` in a
 * throw-away git repo, so the test neither needs nor disturbs the shared working tree.
 *
 * gitlab-ci-local applies `workflow:rules` only for their variables, not to drop a pipeline; to ask whether a
 * pipeline would run at all, the copy gets one extra job, `workflow-probe`, whose rules are the workflow's
 * (by `!reference`), so GitLab's own rule semantics decide.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const REPO_ROOT = join(__dirname, '..', '..');
export const WORKFLOW_PROBE = 'workflow-probe';

export interface ListedJob {
  readonly name: string;
  readonly stage: string;
  /** After rules: on_success, manual, never, ... */
  readonly when: string;
  readonly needs?: readonly { job: string; artifacts: boolean }[];
}

/** What a pipeline of the given kind would look like. */
export interface PipelineVariables {
  readonly set: Readonly<Record<string, string>>;
  /** Predefined variables gitlab-ci-local would otherwise fill in from git (e.g. CI_COMMIT_BRANCH). */
  readonly unset?: readonly string[];
}

export class GitLabCiLocal {
  private readonly dir: string;
  /**
   * Each answer by its arguments: a run of gitlab-ci-local takes seconds, the pipeline file cannot change during
   * a test file, and several tests ask about the same kind of pipeline.
   */
  private readonly answers = new Map<string, string>();

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'chalkbot-gcl-'));
    const pipeline = readFileSync(join(REPO_ROOT, '.gitlab-ci.yml'), 'utf8');
    const probe = `\n${WORKFLOW_PROBE}:\n  stage: test\n  before_script: []\n  script: ["true"]\n  rules: !reference [workflow, rules]\n`;
    writeFileSync(join(this.dir, '.gitlab-ci.yml'), pipeline + probe);
    this.git('init', '-q', '-b', 'main');
    this.git('add', '.gitlab-ci.yml');
    this.git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'pipeline');
  }

  /** The jobs and their evaluated `when` for a pipeline with these variables. */
  list(variables: PipelineVariables): Map<string, ListedJob> {
    const output = this.run('--list-json', ...this.variableArgs(variables));
    const start = output.search(/^\[/m);
    if (start < 0) throw new Error(`gitlab-ci-local printed no job list:\n${output}`);
    const jobs = JSON.parse(output.slice(start)) as ListedJob[];
    return new Map(jobs.map((job) => [job.name, job]));
  }

  /**
   * Fails (throws) when an active job needs a job that would not run in this pipeline, or that is manual
   * (gitlab-ci-local's check does not take `--manual` into account).
   */
  validateNeeds(variables: PipelineVariables): string {
    return this.run('--validate-dependency-chain', ...this.variableArgs(variables));
  }

  /**
   * The pipeline with `extends`, `default` and anchors expanded, as GitLab would see each job. This run also
   * checks the file against GitLab's JSON schema; the others skip that check, which costs half of a run.
   */
  preview(): Record<string, Record<string, unknown>> {
    return parse(this.run('--preview', '--json-schema-validation=true'), { merge: true }) as Record<
      string,
      Record<string, unknown>
    >;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private variableArgs({ set, unset = [] }: PipelineVariables): string[] {
    return [
      '--json-schema-validation=false',
      ...Object.entries(set).flatMap(([name, value]) => ['--variable', `${name}=${value}`]),
      ...unset.flatMap((name) => ['--unset-variable', name]),
    ];
  }

  private run(...args: string[]): string {
    const key = JSON.stringify(args);
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    const result = spawnSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'gitlab-ci-local'),
      [...args, '--home', this.dir],
      {
        cwd: this.dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          // gitlab-ci-local needs Node 22, which the `node` devDependency provides there.
          PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
          // The tests set predefined variables on purpose: that is how a merge request or main is simulated.
          GCL_IGNORE_PREDEFINED_VARS: 'CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH,CI_OPEN_MERGE_REQUESTS,CI_MERGE_REQUEST_IID',
          FORCE_COLOR: '0',
        },
      },
    );
    const output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`gitlab-ci-local ${args.join(' ')} failed (${result.status}):\n${output}`);
    this.answers.set(key, result.stdout);
    return result.stdout;
  }

  private git(...args: string[]): void {
    const result = spawnSync('git', args, { cwd: this.dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  }
}
