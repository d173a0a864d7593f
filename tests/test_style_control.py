"""Style control: features as LMArena defines them, planted style effects recovered with intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from auditkit.ratings import RatingOptions, fit_ratings
from auditkit.schema import BattleTable
from auditkit.stats.style import count_style, style_feature_matrix


def test_count_style_ignores_code_blocks() -> None:
    text = (
        "# Title\n\n- one\n- two\n1. three\n\n**bold** and __also__\n```\n# not a header\n- no\n```"
    )
    tokens, headers, lists, bold = count_style([text])
    assert (headers, lists, bold) == (1.0, 3.0, 2.0)
    assert tokens > 10


def test_feature_matrix_is_ratio_with_add_one_then_standardised() -> None:
    a = np.array([[10.0, 0, 0, 0], [0.0, 0, 0, 0], [5.0, 0, 0, 0]])
    b = np.array([[0.0, 0, 0, 0], [10.0, 0, 0, 0], [5.0, 0, 0, 0]])
    x = style_feature_matrix(a, b)
    raw = np.array([10 / 11, -10 / 11, 0.0])
    np.testing.assert_allclose(x[:, 0], (raw - raw.mean()) / raw.std())
    np.testing.assert_allclose(x[:, 1:], 0.0)  # constant features stay at zero


def _style_battles(n: int, seed: int) -> BattleTable:
    """Three equally strong models; the longer answer wins with log-odds 1 per unit of feature."""
    rng = np.random.default_rng(seed)
    rows = []
    names = ["a", "b", "c"]
    for _ in range(n):
        i, j = rng.choice(3, size=2, replace=False)
        # Model "a" writes long answers, so without style control it looks strong.
        len_a = rng.lognormal(math.log(800 if names[i] == "a" else 300), 0.8)
        len_b = rng.lognormal(math.log(800 if names[j] == "a" else 300), 0.8)
        diff = (len_a - len_b) / (len_a + len_b + 1)
        p = 1 / (1 + math.exp(-3.0 * diff))
        rows.append(
            {
                "model_a": names[i],
                "model_b": names[j],
                "winner": "model_a" if rng.random() < p else "model_b",
                "style_a_tokens": len_a,
                "style_b_tokens": len_b,
                "style_a_headers": 0,
                "style_b_headers": 0,
                "style_a_lists": 0,
                "style_b_lists": 0,
                "style_a_bold": 0,
                "style_b_bold": 0,
            }
        )
    return BattleTable.from_records(rows)


def test_planted_length_bias_is_removed_and_reported() -> None:
    table = _style_battles(4000, seed=0)
    raw = fit_ratings(table, RatingOptions(anchor=None))
    controlled = fit_ratings(table, RatingOptions(anchor=None, style_control=True))
    assert raw.rating_of("a") - raw.rating_of("b") > 80
    assert abs(controlled.rating_of("a") - controlled.rating_of("b")) < 30
    style = controlled.style
    assert style is not None
    coef = style.to_frame().set_index("feature")
    assert float(coef["ci_lower"]["tokens"]) > 0.3
    # arena-rank's ContextualBradleyTerry default ridge (reg=1 on the mean loss) shrinks beta hard.
    shrunk = fit_ratings(table, RatingOptions(anchor=None, style_control=True, style_reg=1.0))
    assert shrunk.style is not None
    assert 0 < shrunk.style.coef[0] < float(coef["coef"]["tokens"])
    assert coef.loc[["headers", "lists", "bold"], "coef"].abs().max() < 1e-9
    assert "style-controlled" in controlled.summary()


def test_style_from_conversation_text_and_bootstrap() -> None:
    rows = []
    rng = np.random.default_rng(1)
    for k in range(300):
        long_first = k % 2 == 0
        long, short = "word " * 200 + "\n# H\n- item", "word " * 20
        ca = [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": long if long_first else short},
        ]
        cb = [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": short if long_first else long},
        ]
        a, b = ("x", "y") if rng.random() < 0.5 else ("y", "x")
        winner = "model_a" if (long_first if rng.random() < 0.8 else not long_first) else "model_b"
        rows.append(
            {
                "model_a": a,
                "model_b": b,
                "winner": winner,
                "conversation_a": ca,
                "conversation_b": cb,
            }
        )
    table = BattleTable.from_records(rows)
    result = fit_ratings(
        table, RatingOptions(style_control=True, ci="bootstrap", n_bootstrap=30, anchor=None)
    )
    assert result.style is not None
    assert result.style.coef[0] > 0  # the longer side wins
    assert abs(result.rating_of("x") - result.rating_of("y")) < 60


def test_style_control_without_style_data_is_an_error() -> None:
    table = BattleTable.from_records([{"model_a": "a", "model_b": "b", "winner": "model_a"}] * 2)
    with pytest.raises(ValueError, match="style control needs"):
        fit_ratings(table, RatingOptions(style_control=True, min_battles=0))
