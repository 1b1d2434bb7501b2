#!/usr/bin/env python3
"""scikit-learn baseline for benchmark 6 (issue 6): LogisticRegression on the same arrays as modelkeep.

Usage: python3 sklearn_baseline.py DATASET_DIR [--recipes plain,standardized] [--max-iter N] [--C C]

DATASET_DIR holds (written by writeDataset() in src/ml/classifier/bench-data.ts for the synthetic
set, by writeSpamDataset() in bench/lib/spam-features.ts for the SpamAssassin set):
  X.npy      float32, shape (n, d), C order
  y.npy      int32, shape (n,), class index per row
  meta.json  {"n", "d", "k", "trainCount", ...}
Split (the same one modelkeep uses): the first trainCount rows are the training set and the
remaining rows the test set (the synthetic rows are i.i.d. in random order; the SpamAssassin rows
are written as the seeded stratified split's training rows, then its held-out rows).

Recipes, each scikit-learn's default LogisticRegression (solver lbfgs, C=1.0, tol=1e-4,
multi_class 'auto': multinomial for k > 2, one binary weight vector for k = 2) with max_iter raised
from 100 to 1000 so that it converges instead of stopping early:
  plain         LogisticRegression on the arrays as they are
  standardized  StandardScaler then LogisticRegression (what sklearn's ConvergenceWarning advises,
                and what modelkeep's trainer does internally); the scaler is fitted inside the
                timed fit
Only fit() is timed (it includes sklearn's own float64 conversion and checks, which are part of
what a user pays), as wall time and as process CPU time (all BLAS threads).
A recipe has converged when it stopped before max_iter without a ConvergenceWarning.

Prints one JSON line: {"sklearn", "numpy", "blas", "n_train", "n_test", "d", "k",
"recipes": [{"recipe", "solver", "C", "tol", "max_iter", "multi_class", "n_iter", "converged",
"warnings", "train_seconds", "cpu_seconds", "accuracy", "brier", "ece", "saturated"}, ...]}
(brier / ece / saturated: held-out calibration, see calibration()).
Exits with status 2 and a hint when scikit-learn is not installed.
"""
import argparse
import json
import os
import sys
import time
import warnings

try:
    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
except ImportError as e:
    print(f'scikit-learn is not installed ({e}); install it with: apt-get install python3-sklearn', file=sys.stderr)
    sys.exit(2)

RECIPES = ('plain', 'standardized')


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p.get('user_api') == 'blas']
        return ', '.join(f"{p.get('internal_api')} {p.get('num_threads')} thread(s)" for p in pools) or 'unknown'
    except Exception:  # threadpoolctl is a dependency of sklearn, but the report must not fail on it
        return 'unknown'


def fit_recipe(recipe: str, x_train, y_train, x_test, y_test, k: int, max_iter: int, c: float) -> dict:
    logreg = LogisticRegression(max_iter=max_iter, C=c)
    model = make_pipeline(StandardScaler(), logreg) if recipe == 'standardized' else logreg
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        cpu = time.process_time()
        start = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
    n_iter = int(np.max(logreg.n_iter_))
    proba = model.predict_proba(x_test)
    names = sorted({w.category.__name__ for w in caught})
    return {
        'recipe': recipe,
        'solver': logreg.solver,
        'C': logreg.C,
        'tol': logreg.tol,
        'max_iter': max_iter,
        'multi_class': 'multinomial' if k > 2 else 'binary',
        'n_iter': n_iter,
        'converged': n_iter < max_iter and not any(issubclass(w.category, ConvergenceWarning) for w in caught),
        'warnings': names,
        'train_seconds': seconds,
        'cpu_seconds': cpu,
        'accuracy': float((model.predict(x_test) == y_test).mean()),
        **calibration(proba, y_test),
    }


def calibration(proba, y) -> dict:
    """Held-out calibration, defined as bench/lib/calibration.ts does: Brier = mean over rows of
    sum over classes of (p_c - [y = c])^2; ECE = top-label, 10 equal-width confidence bins."""
    n, k = proba.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1
    brier = float(((proba - onehot) ** 2).sum(axis=1).mean())
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y).astype(float)
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = 0.0
    for b in range(10):
        m = bins == b
        if m.any():
            ece += m.sum() / n * abs(correct[m].mean() - conf[m].mean())
    saturated = int(((proba == 0) | (proba == 1)).sum())
    return {'brier': brier, 'ece': float(ece), 'saturated': saturated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('dataset_dir')
    parser.add_argument('--recipes', default='plain', help=f'comma-separated, of {", ".join(RECIPES)} (default plain)')
    parser.add_argument('--max-iter', type=int, default=1000)
    parser.add_argument('--C', type=float, default=1.0, dest='c')
    args = parser.parse_args()
    recipes = [r.strip() for r in args.recipes.split(',') if r.strip()]
    unknown = [r for r in recipes if r not in RECIPES]
    if unknown or not recipes:
        parser.error(f'unknown recipe(s) {unknown}; known: {", ".join(RECIPES)}')

    x = np.load(os.path.join(args.dataset_dir, 'X.npy'))
    y = np.load(os.path.join(args.dataset_dir, 'y.npy'))
    with open(os.path.join(args.dataset_dir, 'meta.json'), encoding='utf-8') as f:
        meta = json.load(f)
    t = int(meta['trainCount'])
    if x.shape != (meta['n'], meta['d']) or y.shape != (meta['n'],):
        sys.exit(f'arrays {x.shape} / {y.shape} do not match meta.json')
    x_train, y_train, x_test, y_test = x[:t], y[:t], x[t:], y[t:]
    k = int(meta['k'])

    results = [fit_recipe(r, x_train, y_train, x_test, y_test, k, args.max_iter, args.c) for r in recipes]
    print(json.dumps({
        'sklearn': sklearn.__version__,
        'numpy': np.__version__,
        'blas': blas_info(),
        'n_train': int(t),
        'n_test': int(len(y_test)),
        'd': int(meta['d']),
        'k': k,
        'recipes': results,
    }))


if __name__ == '__main__':
    main()
