#!/usr/bin/env python3
"""scikit-learn baseline for benchmark 6 (issue 6): LogisticRegression on the same arrays as modelkeep.

Usage: python3 sklearn_baseline.py DATASET_DIR [--max-iter N]

DATASET_DIR is written by writeDataset() in src/ml/classifier/bench-data.ts:
  X.npy      float32, shape (n, d), C order
  y.npy      int32, shape (n,), class index per row
  meta.json  {"n", "d", "k", "seed", "trainCount", ...}
Split (the same one modelkeep uses): rows are i.i.d. and already shuffled by the seeded generator,
so the first trainCount rows are the training set and the remaining rows the test set.

The model is scikit-learn's default LogisticRegression (lbfgs, multinomial for k > 2, C=1.0), with
max_iter raised from 100 to 1000 so it converges instead of stopping early. Only fit() is timed
(it includes sklearn's own float64 conversion and checks, which are part of what a user pays).

Prints one JSON line: {"train_seconds", "accuracy", "n_iter", "n_train", "n_test", "sklearn"}.
Exits with status 2 and a hint when scikit-learn is not installed.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

try:
    import sklearn
    from sklearn.linear_model import LogisticRegression
except ImportError:
    print('scikit-learn is not installed; install it with: apt-get install python3-sklearn', file=sys.stderr)
    sys.exit(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('dataset_dir')
    parser.add_argument('--max-iter', type=int, default=1000)
    args = parser.parse_args()

    x = np.load(os.path.join(args.dataset_dir, 'X.npy'))
    y = np.load(os.path.join(args.dataset_dir, 'y.npy'))
    with open(os.path.join(args.dataset_dir, 'meta.json'), encoding='utf-8') as f:
        meta = json.load(f)
    t = int(meta['trainCount'])
    if x.shape != (meta['n'], meta['d']) or y.shape != (meta['n'],):
        sys.exit(f'arrays {x.shape} / {y.shape} do not match meta.json')
    x_train, y_train, x_test, y_test = x[:t], y[:t], x[t:], y[t:]

    clf = LogisticRegression(max_iter=args.max_iter)
    start = time.perf_counter()
    clf.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = float((clf.predict(x_test) == y_test).mean())
    print(json.dumps({
        'train_seconds': seconds,
        'accuracy': accuracy,
        'n_iter': int(np.max(clf.n_iter_)),
        'n_train': int(t),
        'n_test': int(len(y_test)),
        'sklearn': sklearn.__version__,
    }))


if __name__ == '__main__':
    main()
