"""Style control: Bradley-Terry with per-battle style covariates (pure numpy).

Features follow LMArena/FastChat ``construct_style_matrices`` (style control V1, 2024): for each of
response length in tokens, markdown header count, list-item count and bold count, the difference
``(a - b) / (a + b + 1)`` (ratio with ``add_one``), then standardised over battles to mean 0, standard
deviation 1 (population std; a constant feature is left at 0). The model is
``logit P(A wins) = theta_A - theta_B + x . beta`` with an L2 penalty on ``beta`` only, fitted by
Newton-Raphson; the sandwich covariance is arena-rank's ``ContextualBradleyTerry`` formula.
Reference: LMArena blog "Does style matter?" (2024-08-29); Chiang et al. (2024), arXiv 2403.04132.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from auditkit.lazy import lazy_module

if TYPE_CHECKING:
    from scipy import special
else:
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = [
    "STYLE_FEATURES",
    "assistant_texts",
    "contextual_bt_sandwich",
    "count_style",
    "fit_contextual_bt",
    "style_feature_matrix",
]

STYLE_FEATURES: tuple[str, ...] = ("tokens", "headers", "lists", "bold")

_CODE_BLOCK = re.compile(r"```[^`]*```")
_HEADER = re.compile(r"^#{1,6}\s", re.MULTILINE)
_LIST = re.compile(r"^\s*(?:[-*+]|\d+\.)\s", re.MULTILINE)
_BOLD = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_style(assistant_texts: Iterable[str]) -> tuple[float, float, float, float]:
    """(tokens, headers, list items, bold spans) summed over a conversation's assistant turns.

    Markdown is counted outside fenced code blocks, as FastChat does. Tokens are approximated by a
    word/punctuation regex (FastChat uses tiktoken); only ratios of A to B enter the model, so the
    approximation mostly cancels.
    """
    tokens = headers = lists = bold = 0
    for text in assistant_texts:
        tokens += len(_TOKEN.findall(text))
        prose = _CODE_BLOCK.sub("", text)
        headers += len(_HEADER.findall(prose))
        lists += len(_LIST.findall(prose))
        bold += len(_BOLD.findall(prose))
    return float(tokens), float(headers), float(lists), float(bold)


def style_feature_matrix(style_a: np.ndarray, style_b: np.ndarray) -> np.ndarray:
    """Standardised ``(a - b) / (a + b + 1)`` per feature; inputs shaped (n_battles, n_features)."""
    a = np.asarray(style_a, dtype=np.float64)
    b = np.asarray(style_b, dtype=np.float64)
    diff = (a - b) / (a + b + 1.0)
    mean = diff.mean(axis=0) if len(diff) else np.zeros(diff.shape[1])
    std = diff.std(axis=0) if len(diff) else np.ones(diff.shape[1])
    std = np.where(std > 0, std, 1.0)
    return np.asarray((diff - mean) / std)


def _design_products(
    a: np.ndarray, b: np.ndarray, x: np.ndarray, vals: np.ndarray, n: int
) -> np.ndarray:
    """``sum_v vals_v z_v z_v^T`` with ``z_v = (e_a - e_b, x_v)``: the joint (n+k)x(n+k) matrix."""
    k = x.shape[1]
    off = np.bincount(a * n + b, weights=vals, minlength=n * n).reshape(n, n)
    off = off + off.T
    rr = -off
    rr[np.diag_indices(n)] += off.sum(axis=1)
    vx = vals[:, None] * x
    cross = np.zeros((n, k))
    np.add.at(cross, a, vx)
    np.add.at(cross, b, -vx)
    ff = x.T @ vx
    return np.block([[rr, cross], [cross.T, ff]])


def fit_contextual_bt(
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    outcomes: np.ndarray,
    features: np.ndarray,
    n_models: int,
    *,
    weights: np.ndarray | None = None,
    reg: float = 1.0,
    tol: float = 1e-9,
    max_iter: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    """(strengths, coefficients) maximising ``mean(w * ll) - reg/2 |beta|^2`` (arena-rank's loss).

    Strengths are natural-log, mean zero; ``beta`` is per standardised feature. Newton-Raphson on the
    joint parameters with the strengths' free shift pinned by a gauge term; without a ridge, constant
    or collinear features get the minimum-norm solution (a constant feature's coefficient stays 0).
    """
    a = np.asarray(pair_a, dtype=np.int64)
    b = np.asarray(pair_b, dtype=np.int64)
    y = np.asarray(outcomes, dtype=np.float64)
    x = np.asarray(features, dtype=np.float64)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    n_obs = max(len(y), 1)
    k = x.shape[1]
    params = np.zeros(n_models + k)
    gauge = np.zeros((n_models + k, n_models + k))
    gauge[:n_models, :n_models] = 1.0 / n_models
    penalty = np.zeros(n_models + k)
    penalty[n_models:] = reg

    def objective(par: np.ndarray) -> float:
        eta = par[a] - par[b] + x @ par[n_models:]
        ll = y * eta - np.logaddexp(0.0, eta)
        return float((w * ll).sum() / n_obs - 0.5 * reg * float(par[n_models:] @ par[n_models:]))

    value = objective(params)
    for _ in range(max_iter):
        eta = params[a] - params[b] + x @ params[n_models:]
        p = special.expit(eta)
        r = w * (y - p) / n_obs
        grad = np.concatenate([np.bincount(a, r, n_models) - np.bincount(b, r, n_models), x.T @ r])
        grad -= penalty * params
        info = _design_products(a, b, x, w * p * (1.0 - p) / n_obs, n_models)
        info += np.diag(penalty) + gauge
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            # Constant or collinear features (no ridge): take the minimum-norm Newton step.
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        step[:n_models] -= step[:n_models].mean()
        scale = 1.0
        while True:
            cand = params + scale * step
            new_value = objective(cand)
            if new_value >= value - 1e-14 * max(1.0, abs(value)) or scale < 1e-10:
                break
            scale *= 0.5
        params, value = cand, new_value
        if float(np.max(np.abs(scale * step))) < tol:
            break
    theta = params[:n_models] - params[:n_models].mean()
    return theta, params[n_models:].copy()


def contextual_bt_sandwich(
    theta: np.ndarray,
    beta: np.ndarray,
    pair_a: np.ndarray,
    pair_b: np.ndarray,
    outcomes: np.ndarray,
    features: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    reg: float = 1.0,
    hessian_reg: float = 0.0,
) -> np.ndarray:
    """Sandwich covariance of (strengths, coefficients), arena-rank ``ContextualBradleyTerry`` form.

    ``H = mean(w p (1-p) z z^T) + hessian_reg I`` (pseudo-inverse when ``hessian_reg`` is 0), ``G = mean(((y-p) w)^2 z z^T) - reg^2/N b b^T``
    (``b`` = coefficients padded with zeros for strengths), ``Cov = H^-1 G H^-1 / N``.
    Null/assumption: battles independent given their covariates (Huber 1967; White 1980).
    """
    a = np.asarray(pair_a, dtype=np.int64)
    b = np.asarray(pair_b, dtype=np.int64)
    y = np.asarray(outcomes, dtype=np.float64)
    x = np.asarray(features, dtype=np.float64)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    n = len(theta)
    n_obs = len(y)
    p = special.expit(theta[a] - theta[b] + x @ beta)
    hess = _design_products(a, b, x, w * p * (1.0 - p) / n_obs, n)
    meat = _design_products(a, b, x, ((y - p) * w) ** 2 / n_obs, n)
    padded = np.concatenate([np.zeros(n), beta])
    meat -= (reg**2 / n_obs) * np.outer(padded, padded)
    if hessian_reg > 0:
        hess[np.diag_indices(n + len(beta))] += hessian_reg
        inv = np.linalg.inv(hess)
    else:
        # Exact: pseudo-inverse drops the strengths' free shift and constant features.
        inv = np.linalg.pinv(hess, hermitian=True)
    return np.asarray(inv @ meat @ inv / n_obs)


def assistant_texts(conversation: Sequence[dict[str, str]] | None) -> list[str]:
    """Assistant turns' text of one conversation (``[]`` for a missing conversation)."""
    if conversation is None:
        return []
    return [
        str(turn.get("content", "")) for turn in conversation if turn.get("role") == "assistant"
    ]
