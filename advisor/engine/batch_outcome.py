"""The batch's style, runner-up, lean and confidence: the engine's own `decide` and `confidence`, each called once
per distinct input present in the batch, then looked up for every row.

Why tables and not a re-implementation: the decision and the confidence are written once, in
`advisor.engine.evaluate`; a numpy copy would drift from them. And Python's `round(x, 3)` rounds the exact binary
value where numpy's `round` scales by 1000 first: the two differ on a few values, and the batch must match the
engine exactly.
"""

from __future__ import annotations

import numpy as np

from advisor.engine.evaluate import confidence, decide
from advisor.rulebook.formats import STYLES, ConfidenceFit, Decision

DENSE_LIMIT = 1 << 22  # a key space this small is tabulated whole; a larger one goes through np.unique


def decide_columns(scores: np.ndarray, decision: Decision) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: (style, runner-up, the core's lean) as int8 indices into STYLES, from the (3, n) point totals,
    with the engine's `decide` called once per distinct (orchestration, choreography, hybrid) combination."""
    n = scores.shape[1]
    if not n:
        return np.zeros(0, np.int8), np.zeros(0, np.int8), np.zeros(0, np.int8)
    low = [int(v) for v in scores.min(axis=1)]
    spans = [int(v) - lo + 1 for v, lo in zip(scores.max(axis=1), low)]
    size = spans[0] * spans[1] * spans[2]
    dtype = np.int32 if size < 2**31 else np.int64
    key = scores[0].astype(dtype) - dtype(low[0])
    for k in (1, 2):
        key *= dtype(spans[k])
        key += scores[k].astype(dtype) - dtype(low[k])
    if size <= DENSE_LIMIT:
        seen = np.zeros(size, bool)
        seen[key] = True
        distinct = np.flatnonzero(seen)
        table = np.zeros(size, np.int8)
        table[distinct] = _decided(distinct, low, spans, decision)
        code = np.take(table, key)
    else:
        distinct, inverse = np.unique(key, return_inverse=True)
        code = _decided(distinct, low, spans, decision)[inverse]
    return code >> 4, (code >> 2) & np.int8(3), code & np.int8(3)


def _decided(keys: np.ndarray, low: list[int], spans: list[int], decision: Decision) -> np.ndarray:
    """`decide` for each key: style * 16 + runner-up * 4 + lean."""
    rest, h = np.divmod(keys.astype(np.int64), spans[2])
    o, c = np.divmod(rest, spans[1])
    index = {style: k for k, style in enumerate(STYLES)}
    decided = map(decide, (o + low[0]).tolist(), (c + low[1]).tolist(), (h + low[2]).tolist(), [decision] * len(keys))
    return np.array([index[s] * 16 + index[r] * 4 + index[lean] for s, r, lean in decided], np.int8)


def confidence_of(lead: np.ndarray, assumed: np.ndarray, visible: np.ndarray, fit: ConfidenceFit) -> np.ndarray:
    """The engine's confidence per row, from the lead, the assumed (unanswered applicable) questions and the
    visible (applicable) ones: the answered share is `(visible - assumed) / visible` as the engine computes it,
    and `confidence` is called once per distinct (lead, answered share) pair."""
    if not len(lead):
        return np.zeros(0)
    span = int(visible.max()) + 1
    key = (lead.astype(np.int64) * span + assumed) * span + visible
    distinct, inverse = np.unique(key, return_inverse=True) if key.max() > DENSE_LIMIT else _dense_unique(key)
    rest, visible_ = np.divmod(distinct, span)
    lead_, assumed_ = np.divmod(rest, span)
    # exactly the engine's share: a true division of integers (below 2**53, exact as floats), 0 where none is visible
    share = np.divide(visible_ - assumed_, visible_, out=np.zeros(len(distinct)), where=visible_ > 0)
    pairs = list(zip(lead_.tolist(), share.tolist()))
    known = dict.fromkeys(pairs, 0.0)
    for pair in known:
        known[pair] = confidence(*pair, fit)  # Why the engine's own: Python floats, rounded by Python's round
    table = np.fromiter(map(known.__getitem__, pairs), np.float64, len(pairs))
    return table[inverse]


def _dense_unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(key, return_inverse=True)` for small non-negative keys, without sorting."""
    seen = np.zeros(int(key.max()) + 1, bool)
    seen[key] = True
    present = np.flatnonzero(seen)
    position = np.zeros(len(seen), np.int64)
    position[present] = np.arange(len(present))
    return present, position[key]
