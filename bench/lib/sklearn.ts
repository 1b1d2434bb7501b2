// The scikit-learn baseline of #6 and "6 real": bench/sklearn_baseline.py run with Debian's python3
// on a dataset directory (X.npy, y.npy, meta.json), whether it can run here, and how to summarise
// its recipes into one baseline per criterion.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, run, spawnTracked } from './proc.js';
import { alternate, type BenchContext, median } from './runner.js';

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const SKLEARN_SCRIPT = path.join(REPO_ROOT, 'bench', 'sklearn_baseline.py');
export const SKLEARN_HINT = '`apt-get install python3-sklearn` (npm run bench then runs the baseline with /usr/bin/python3)';
/** Both recipes every round: the time baseline is the faster converged one, the accuracy baseline the more accurate one. */
export const SKLEARN_RECIPES = ['plain', 'standardized'] as const;

export interface SklearnRecipe {
  recipe: (typeof SKLEARN_RECIPES)[number];
  solver: string;
  C: number;
  tol: number;
  max_iter: number;
  multi_class: 'multinomial' | 'binary';
  n_iter: number;
  converged: boolean;
  warnings: string[];
  train_seconds: number;
  cpu_seconds: number;
  accuracy: number;
  /** Held-out calibration (bench/sklearn_baseline.py calibration()). */
  brier: number;
  ece: number;
  saturated: number;
}

export interface SklearnRun {
  sklearn: string;
  numpy: string;
  blas: string;
  n_train: number;
  n_test: number;
  d: number;
  k: number;
  recipes: SklearnRecipe[];
}

/** Why the sklearn baseline cannot run here, or undefined when it can. */
export async function sklearnMissing(): Promise<string | undefined> {
  const child = spawnTracked(PYTHON, ['-c', 'import sklearn, numpy']);
  const exit = await child.exited;
  return exit.code === 0 ? undefined : `\`${PYTHON} -c 'import sklearn'\` failed (${child.err().trim().split('\n').pop() ?? `exit ${exit.code}`})`;
}

/** The note of a row whose sklearn baseline was skipped. */
export const sklearnSkipNote = (missing: string): string => `baseline SKIPPED: scikit-learn is not installed (${missing}); install it with ${SKLEARN_HINT}`;

/** Runs bench/sklearn_baseline.py on `dir` with every recipe, in its own process. */
export async function runSklearn(dir: string): Promise<SklearnRun> {
  const { stdout } = await run(PYTHON, [SKLEARN_SCRIPT, dir, '--recipes', SKLEARN_RECIPES.join(',')], { timeoutMs: 900_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as SklearnRun;
}

/** The strongest recipe of one run per criterion: the fastest converged fit, and the most accurate fit. */
export function strongest(r: SklearnRun): { fastest: SklearnRecipe; mostAccurate: SklearnRecipe } {
  const converged = r.recipes.filter((x) => x.converged);
  const pool = converged.length > 0 ? converged : r.recipes;
  const fastest = pool.reduce((a, b) => (b.train_seconds < a.train_seconds ? b : a));
  const mostAccurate = r.recipes.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  return { fastest, mostAccurate };
}

/** Notes describing the baseline's settings and, per recipe, the medians over the rounds. */
export function sklearnNotes(runs: SklearnRun[], median: (xs: number[]) => number): string[] {
  const first = runs[0]!;
  const r0 = first.recipes[0]!;
  const notes = [
    `scikit-learn ${first.sklearn} (numpy ${first.numpy}, BLAS: ${first.blas}) LogisticRegression(solver='${r0.solver}', C=${r0.C}, tol=${r0.tol}, max_iter=${r0.max_iter}; ${r0.multi_class === 'multinomial' ? 'multinomial softmax' : 'one binary weight vector'}), recipes each round: plain (the arrays as they are) and standardized (StandardScaler → LogisticRegression, scaler fitted inside the timed fit); time baseline = the faster converged recipe of the round, accuracy baseline = the more accurate recipe`,
  ];
  for (const name of SKLEARN_RECIPES) {
    const rs = runs.map((r) => r.recipes.find((x) => x.recipe === name)).filter((x): x is SklearnRecipe => x !== undefined);
    if (rs.length === 0) continue;
    const iters = [...new Set(rs.map((x) => x.n_iter))].join('/');
    const notConverged = rs.filter((x) => !x.converged).length;
    const warned = [...new Set(rs.flatMap((x) => x.warnings))];
    notes.push(
      `sklearn ${name}: ${iters} lbfgs iterations of max ${rs[0]!.max_iter} (${notConverged === 0 ? 'converged in every round' : `NOT converged in ${notConverged} of ${rs.length} rounds`}${warned.length > 0 ? `; warnings ${warned.join(', ')}` : ''}), fit ${median(rs.map((x) => x.train_seconds)).toFixed(2)} s wall / ${median(rs.map((x) => x.cpu_seconds)).toFixed(2)} s CPU, held-out accuracy ${(median(rs.map((x) => x.accuracy)) * 100).toFixed(2)}% (medians of ${rs.length} round(s))`,
    );
  }
  return notes;
}

/** One round of the baseline: every sklearn recipe; its time is the fastest converged recipe's. */
export interface BaselineRound {
  run: SklearnRun;
  seconds: number;
  recipe: string;
}

/** What a subject round reports: its training time and held-out accuracy. */
export interface SubjectFit {
  train_seconds: number;
  accuracy: number;
}

/**
 * Alternating rounds of sklearn (on the arrays in `dir`) and the subject; the time ratio is against
 * sklearn's fastest converged recipe of each round, the accuracy against its most accurate one.
 */
export async function alternateWithSklearn<S extends SubjectFit>(ctx: BenchContext, label: string, dir: string, subject: () => Promise<S>) {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const r = await alternate<BaselineRound | S>(ctx, label, {
    baseline: async () => {
      const run = await runSklearn(dir);
      const { fastest } = strongest(run);
      return { run, seconds: fastest.train_seconds, recipe: fastest.recipe };
    },
    subject,
    value: (m) => ('run' in m ? m.seconds : m.train_seconds),
    show: (m) =>
      'run' in m
        ? m.run.recipes
            .map(
              (x) => `${x.recipe} ${x.train_seconds.toFixed(2)} s, ${x.n_iter} iterations${x.converged ? '' : ' (NOT converged)'}, accuracy ${pct(x.accuracy)}`,
            )
            .join('; ')
        : `${m.train_seconds.toFixed(2)} s, accuracy ${pct(m.accuracy)}`,
  });
  const base = r.baseline as BaselineRound[];
  const subj = r.subject as S[];
  const accBest = base.map((b) => strongest(b.run).mostAccurate);
  const accB = median(accBest.map((x) => x.accuracy));
  const accS = median(subj.map((m) => m.accuracy));
  return {
    r,
    base,
    subj,
    accB,
    accS,
    diff: (accS - accB) * 100,
    timeRecipes: [...new Set(base.map((b) => b.recipe))].join('/'),
    accRecipes: [...new Set(accBest.map((x) => x.recipe))].join('/'),
  };
}
