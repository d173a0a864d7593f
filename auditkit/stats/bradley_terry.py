"""Bradley-Terry maximum likelihood on aggregated pairs (pure numpy, no I/O).

Model (Bradley & Terry 1952; Chatbot Arena paper, Chiang et al. 2024, arXiv 2403.04132 §4):
``P(i beats j) = sigmoid(theta_i - theta_j)`` with natural-log strengths ``theta``. Ties count as half a
win each way (LMArena's convention), so the data per ordered pair is A's score sum and the number of
battles. The fit is Newton-Raphson with a backtracking line search on the (optionally L2-penalised)
log-likelihood, which converges in a handful of iterations because the Hessian is only
``n_models x n_models``; the row count never enters the inner loop.

The Davidson (1970) tie model lives here too, for users who want ties modelled rather than halved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from auditkit.lazy import lazy_module

if TYPE_CHECKING:
    from scipy import sparse, special
    from scipy.sparse import csgraph
else:
    csgraph = lazy_module("scipy.sparse.csgraph")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)
    sparse = lazy_module("scipy.sparse")  # imported on first use (auditkit.lazy)

__all__ = [
    "bt_hessian",
    "bt_log_likelihood",
    "fit_bt_pairs",
    "fit_davidson_pairs",
    "pair_components",
]

_MAX_ITER = 200


def pair_components(
    pair_a: np.ndarray, pair_b: np.ndarray, n_models: int, totals: np.ndarray | None = None
) -> np.ndarray:
    """Component label per model of the undirected battle graph (pairs with ``totals > 0``)."""
    a = np.asarray(pair_a, dtype=np.int64)
    b = np.asarray(pair_b, dtype=np.int64)
    if totals is not None:
        keep = np.asarray(totals, dtype=np.float64) > 0
        a, b = a[keep], b[keep]
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(n_models, n_models))
    _, labels = csgraph.connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def bt_log_likelihood(
    theta: np.ndarray,
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    wins_a: np.ndarray,
    totals: np.ndarray,
    l2: float = 0.0,
) -> float:
    """Penalised BT log-likelihood ``sum w log s(d) + (n-w) log s(-d) - l2/2 |theta|^2``."""
    d = theta[pair_a] - theta[pair_b]
    ll = -(wins_a * np.logaddexp(0.0, -d) + (totals - wins_a) * np.logaddexp(0.0, d)).sum()
    return float(ll - 0.5 * l2 * float(theta @ theta))


def bt_hessian(
    theta: np.ndarray,
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    totals: np.ndarray,
    n_models: int,
) -> np.ndarray:
    """Observed information (negative Hessian of the unpenalised log-likelihood), dense n x n."""
    p = special.expit(theta[pair_a] - theta[pair_b])
    w = totals * p * (1.0 - p)
    return _laplacian(pair_a, pair_b, w, n_models)


def _laplacian(a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    off = np.bincount(a * n + b, weights=w, minlength=n * n).reshape(n, n)
    off = off + off.T
    lap = -off
    lap[np.diag_indices(n)] += off.sum(axis=1)
    return lap


def _gauge(labels: np.ndarray, n: int) -> np.ndarray:
    """``sum_c 1_c 1_c^T / |c|``: fixes the free shift of every connected component."""
    sizes = np.bincount(labels)
    same = labels[:, None] == labels[None, :]
    return same / sizes[labels][:, None]


def _center(theta: np.ndarray, labels: np.ndarray) -> np.ndarray:
    sums = np.bincount(labels, weights=theta)
    sizes = np.bincount(labels)
    return theta - (sums / sizes)[labels]


def fit_bt_pairs(
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    wins_a: np.ndarray,
    totals: np.ndarray,
    n_models: int,
    *,
    l2: float = 0.0,
    init: np.ndarray | None = None,
    tol: float = 1e-9,
) -> np.ndarray:
    """Bradley-Terry MLE from aggregated pairs → natural-log strengths with mean zero.

    Method: Newton-Raphson on the log-likelihood of ``wins_a[k]`` successes (A's score sum, ties as
    0.5) out of ``totals[k]`` battles between models ``pair_a[k]`` and ``pair_b[k]``, with a ridge
    penalty ``l2/2 * |theta|^2`` when ``l2 > 0`` (sklearn's ``LogisticRegression(C)`` on FastChat's
    design matrix corresponds to ``l2 = 1 / (C * ln(base)^2)``). Pairs may repeat and may list the same
    models in either order. Reference: Bradley & Terry (1952); Chiang et al. (2024), arXiv 2403.04132.

    Without a penalty, strengths are identified only up to a shift per connected component of the
    battle graph; each component is centred on zero separately, so numbers from different components
    are NOT comparable (the caller must report that). A model that only wins or only loses within its
    component has no finite MLE: the iteration stops after a bounded number of steps and returns a large
    but finite value — detect this case before trusting the number (``auditkit.ratings`` does).
    """
    a = np.asarray(pair_a, dtype=np.int64)
    b = np.asarray(pair_b, dtype=np.int64)
    w = np.asarray(wins_a, dtype=np.float64)
    t = np.asarray(totals, dtype=np.float64)
    if not (a.shape == b.shape == w.shape == t.shape):
        raise ValueError("pair_a, pair_b, wins_a and totals must have the same shape")
    if n_models <= 0:
        return np.zeros(0)
    if len(a) and (a.min() < 0 or b.min() < 0 or max(a.max(), b.max()) >= n_models):
        raise ValueError("pair indices must lie in [0, n_models)")
    if np.any(w < 0) or np.any(w > t + 1e-12):
        raise ValueError("wins_a must lie in [0, totals]")
    keep = (t > 0) & (a != b)
    a, b, w, t = a[keep], b[keep], w[keep], t[keep]

    if l2 > 0:
        labels = np.zeros(n_models, dtype=np.int64)
        fix = l2 * np.eye(n_models)
    else:
        labels = pair_components(a, b, n_models)
        fix = _gauge(labels, n_models)

    theta = np.zeros(n_models) if init is None else np.array(init, dtype=np.float64, copy=True)
    if theta.shape != (n_models,):
        raise ValueError("init must have shape (n_models,)")
    if l2 <= 0:
        theta = _center(theta, labels)
    ll = bt_log_likelihood(theta, a, b, w, t, l2)
    for _ in range(_MAX_ITER):
        d = theta[a] - theta[b]
        p = special.expit(d)
        resid = w - t * p
        grad = np.bincount(a, resid, n_models) - np.bincount(b, resid, n_models) - l2 * theta
        info = _laplacian(a, b, t * p * (1.0 - p), n_models) + fix
        step = np.linalg.solve(info, grad)
        if l2 <= 0:
            step = _center(step, labels)
        # Backtracking keeps every step an ascent step, so separable data drift instead of exploding.
        scale = 1.0
        while True:
            candidate = theta + scale * step
            new_ll = bt_log_likelihood(candidate, a, b, w, t, l2)
            if new_ll >= ll - 1e-12 * max(1.0, abs(ll)) or scale < 1e-10:
                break
            scale *= 0.5
        theta, ll = candidate, new_ll
        if float(np.max(np.abs(scale * step), initial=0.0)) < tol:
            break
    return _center(theta, labels) if l2 <= 0 else theta - theta.mean()


def fit_davidson_pairs(
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    wins_a: np.ndarray,
    ties: np.ndarray,
    losses_a: np.ndarray,
    n_models: int,
    *,
    l2: float = 0.0,
    tol: float = 1e-9,
) -> tuple[np.ndarray, float]:
    """Davidson (1970) tie model MLE → (natural-log strengths with mean zero, tie parameter nu).

    ``P(i wins) = pi_i / D``, ``P(tie) = nu sqrt(pi_i pi_j) / D``, ``D = pi_i + pi_j + nu sqrt(pi_i pi_j)``,
    with ``pi = exp(theta)``. Counts are wins / ties / losses of A per aggregated pair. Fitted by
    L-BFGS on the exact gradient (one extra parameter ``log nu``); strengths are centred per component.
    Reference: Davidson, R. R. (1970), JASA 65(329), 317-328.
    """
    from scipy.optimize import minimize

    a = np.asarray(pair_a, dtype=np.int64)
    b = np.asarray(pair_b, dtype=np.int64)
    wa = np.asarray(wins_a, dtype=np.float64)
    tt = np.asarray(ties, dtype=np.float64)
    la = np.asarray(losses_a, dtype=np.float64)
    labels = pair_components(a, b, n_models, wa + tt + la)
    total_ties = float(tt.sum())
    total = float((wa + tt + la).sum())
    nu0 = max(total_ties, 0.5) / max(total - total_ties, 1.0)

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        theta, log_nu = x[:n_models], x[n_models]
        half = 0.5 * (theta[a] - theta[b])
        # log D - (theta_a + theta_b)/2 = log(e^{h} + e^{-h} + nu)
        stack = np.stack([half, -half, np.full_like(half, log_nu)])
        log_d = np.logaddexp.reduce(stack, axis=0)
        ll = wa * (half - log_d) + la * (-half - log_d) + tt * (log_nu - log_d)
        pw = np.exp(half - log_d)
        pl = np.exp(-half - log_d)
        pt = np.exp(log_nu - log_d)
        n = wa + tt + la
        # d ll / d half
        g_half = wa - la - n * (pw - pl)
        g_nu = float((tt - n * pt).sum())
        grad_theta = 0.5 * (np.bincount(a, g_half, n_models) - np.bincount(b, g_half, n_models))
        grad_theta -= l2 * theta
        value = float(ll.sum()) - 0.5 * l2 * float(theta @ theta)
        return -value, -np.concatenate([grad_theta, [g_nu]])

    x0 = np.concatenate([np.zeros(n_models), [np.log(nu0)]])
    res = minimize(
        objective, x0, jac=True, method="L-BFGS-B", options={"gtol": tol, "maxiter": 10_000}
    )
    theta = _center(res.x[:n_models], labels)
    return theta, float(np.exp(res.x[n_models]))
