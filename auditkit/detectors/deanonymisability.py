"""How recognisable each model is from its responses alone (a de-anonymisation audit).

An anonymous arena is blind only if a voter cannot tell the models apart. Huang et al. (2025,
"Exploring and Mitigating Adversarial Manipulation of Voting-Based Leaderboards", arXiv 2501.07493)
identify models from their responses with more than 95 % accuracy using simple text features. This
detector measures that on the arena's own battles: a capped, balanced sample of responses per
model, character 3–4-grams and word 1–2-grams (TF-IDF), a one-vs-rest logistic regression (fitted by SGD), and
stratified k-fold cross-validated predictions. Per model:

* accuracy — the share of its held-out responses the classifier attributes to it, with a Wilson
  score interval;
* chance — its share of the sample (what guessing by the class prior achieves);
* a one-sided exact binomial test, null hypothesis: the classifier attributes the model's
  responses to it no more often than chance; p-values are controlled across models with
  Benjamini-Hochberg at ``alpha`` (statsmodels ``multipletests``);
* the giveaway features: the n-grams with the largest weights for the model in a fit on the
  whole sample (a signature phrase, an emoji, a format habit).

A model whose q-value is below ``alpha`` and whose accuracy is at least ``min_lift`` times chance
gets an ``info`` finding: it breaks anonymity without naming itself, but no vote is invalidated
for it. Options: rules/deanonymisability.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.errors import RuleError
from auditkit.identity.text import message_text
from auditkit.rulepack import RulePack, require

if TYPE_CHECKING:
    from auditkit.schema import BattleTable

__all__ = [
    "DeanonymisabilityDetector",
    "ModelRecognisability",
    "model_responses",
    "recognisability",
]


@dataclass(frozen=True)
class ModelRecognisability:
    """One model's identification accuracy against chance (see the module docstring)."""

    model: str
    n: int
    correct: int
    accuracy: float
    ci_low: float
    ci_high: float
    chance: float
    p_value: float
    q_value: float
    recognisable: bool
    giveaways: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "n": self.n,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "ci_low": round(self.ci_low, 4),
            "ci_high": round(self.ci_high, 4),
            "chance": round(self.chance, 4),
            "lift": round(self.accuracy / self.chance, 3) if self.chance else None,
            "p_value": self.p_value,
            "q_value": self.q_value,
            "recognisable": self.recognisable,
            "giveaways": list(self.giveaways),
        }


def _response_text(conversation: Any, max_chars: int) -> str:
    """The assistant turns of one side, joined; long text keeps its opening and its ending."""
    if isinstance(conversation, np.ndarray):
        conversation = conversation.tolist()
    if not isinstance(conversation, list | tuple):
        return ""
    parts = [
        message_text(m.get("content"))
        for m in conversation
        if isinstance(m, Mapping) and m.get("role") == "assistant"
    ]
    text = "\n".join(p for p in parts if p)
    if len(text) > max_chars:
        half = max_chars // 2
        text = text[:half] + "\n…\n" + text[-half:]
    return text


def model_responses(
    battles: BattleTable, *, max_per_model: int, max_chars: int, random_state: int
) -> tuple[list[str], list[str]]:
    """A capped random sample of (model, response text) pairs from every battle with text."""
    frame = battles.frame
    models: list[str] = []
    texts: list[str] = []
    for side in ("a", "b"):
        column = frame[f"conversation_{side}"]
        names = frame[f"model_{side}"].astype(str)
        has = column.notna().to_numpy()
        for model, conversation in zip(names[has].tolist(), column[has].tolist(), strict=True):
            text = _response_text(conversation, max_chars)
            if text.strip():
                models.append(model)
                texts.append(text)
    if not models:
        return [], []
    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(models))
    seen: dict[str, int] = {}
    keep: list[int] = []
    for i in order.tolist():
        if seen.get(models[i], 0) < max_per_model:
            seen[models[i]] = seen.get(models[i], 0) + 1
            keep.append(i)
    keep.sort()
    return [models[i] for i in keep], [texts[i] for i in keep]


def recognisability(
    models: list[str],
    texts: list[str],
    *,
    folds: int = 5,
    alpha: float = 0.01,
    min_lift: float = 2.0,
    top_features: int = 6,
    random_state: int = 0,
) -> list[ModelRecognisability]:
    """Cross-validated identification accuracy per model (see the module docstring).

    Needs at least two models with ``folds`` responses each; raises ``ValueError`` otherwise.
    """
    from scipy.stats import binomtest
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import FeatureUnion
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportion_confint
    from threadpoolctl import threadpool_limits

    labels = np.array(models)
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2 or counts.min() < folds:
        raise ValueError(f"need at least 2 models with {folds} responses each")

    # The vectoriser sees every text once, without labels (vocabulary and idf are unsupervised);
    # only the classifier is cross-validated. One BLAS thread: the problem is small, and threads
    # only contend with the rest of the audit.
    features = FeatureUnion(
        [
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 4),
                    min_df=3,
                    max_features=8000,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
            (
                "word",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    min_df=3,
                    max_features=4000,
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b|[^\w\s]",
                    dtype=np.float32,
                ),
            ),
        ]
    )
    with threadpool_limits(1):
        x = features.fit_transform(texts)
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
        predicted = cross_val_predict(_classifier(random_state), x, labels, cv=cv)
        full = _classifier(random_state).fit(x, labels)
    names = features.get_feature_names_out()
    coef = full.coef_
    n_total = len(labels)
    rows: list[tuple[str, int, int, float, float, float, float, tuple[str, ...]]] = []
    for k, model in enumerate(classes.tolist()):
        mask = labels == model
        n = int(mask.sum())
        correct = int((predicted[mask] == model).sum())
        chance = n / n_total
        low, high = proportion_confint(correct, n, alpha=0.05, method="wilson")
        # Wilson bounds computed in floating point can miss 0 or 1 by one ulp
        low, high = min(float(low), correct / n), max(float(high), correct / n)
        p = float(binomtest(correct, n, chance, alternative="greater").pvalue)
        top = np.argsort(-coef[k])[:top_features]
        giveaways = tuple(_feature_label(str(names[j])) for j in top if coef[k, j] > 0)
        rows.append((model, n, correct, chance, float(low), float(high), p, giveaways))
    q_values = multipletests([r[6] for r in rows], alpha=alpha, method="fdr_bh")[1]
    out = []
    for (model, n, correct, chance, low, high, p, giveaways), q in zip(rows, q_values, strict=True):
        accuracy = correct / n
        out.append(
            ModelRecognisability(
                model=model,
                n=n,
                correct=correct,
                accuracy=accuracy,
                ci_low=low,
                ci_high=high,
                chance=chance,
                p_value=p,
                q_value=float(q),
                recognisable=bool(q < alpha and accuracy >= min_lift * chance),
                giveaways=giveaways,
            )
        )
    return out


def _classifier(random_state: int) -> Any:
    """Logistic regression (one-vs-rest, L2) fitted by stochastic gradient descent: five passes
    reach the accuracy of a converged L-BFGS fit here at a fraction of its cost."""
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss", alpha=1e-4, max_iter=5, tol=None, random_state=random_state
    )


def _feature_label(name: str) -> str:
    """``char__ ok`` → ``'␣ok'`` (characters) or ``word__hope this`` → ``"hope this"`` (words)."""
    kind, _, value = name.partition("__")
    shown = value.replace(" ", "␣") if kind == "char" else f'"{value}"'
    return shown


@register
class DeanonymisabilityDetector(Detector):
    """Reports how well each model can be recognised from its responses (info findings)."""

    name: ClassVar[str] = "deanonymisability"
    description: ClassVar[str] = "How recognisable each model is from its responses alone."
    reads: ClassVar[frozenset[str]] = frozenset(
        {"model_a", "model_b", "anony", "conversation_a", "conversation_b"}
    )
    reads_text: ClassVar[bool] = True  # a classifier over the whole table: not streamable
    order: ClassVar[int] = 70
    report_title: ClassVar[str | None] = "How recognisable each model is"
    report_template: ClassVar[str] = """\
{% if data.models %}
<p>Share of each model's held-out responses a cross-validated text classifier attributes to it, against chance. A recognisable model breaks anonymity without naming itself.</p>
<img alt="identification accuracy per model" src="{{ plot("recognisability_bars", data.models) }}">
<table id="deanonymisability-table">
<tr><th>model</th><th>responses</th><th>accuracy</th><th>95% CI</th><th>chance</th><th>q</th><th>recognisable</th><th>giveaways</th></tr>
{% for r in data.models %}
<tr><td>{{ r.model }}</td><td>{{ r.n | fmt }}</td><td>{{ r.accuracy | fmt(3) }}</td><td>{{ r.ci_low | fmt(3) }}–{{ r.ci_high | fmt(3) }}</td><td>{{ r.chance | fmt(3) }}</td><td>{{ "%.2g" | format(r.q_value) }}</td><td>{{ "yes" if r.recognisable else "no" }}</td><td>{{ r.giveaways[:4] | join(", ") }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>Not measured (no responses with text, or fewer than two models with enough of them).</p>
{% endif %}
"""
    report_markdown: ClassVar[str] = """\
{% if data.models %}
Share of each model's held-out responses a cross-validated text classifier attributes to it, against chance.

| model | responses | accuracy | 95% CI | chance | q | recognisable | giveaways |
|---|---|---|---|---|---|---|---|
{% for r in data.models %}| {{ r.model | md }} | {{ r.n | fmt }} | {{ r.accuracy | fmt(3) }} | {{ r.ci_low | fmt(3) }}–{{ r.ci_high | fmt(3) }} | {{ r.chance | fmt(3) }} | {{ "%.2g" | format(r.q_value) }} | {{ "yes" if r.recognisable else "no" }} | {{ r.giveaways[:4] | join(", ") | md }} |
{% endfor %}{% else %}
Not measured (no responses with text, or fewer than two models with enough of them).
{% endif %}"""

    @classmethod
    def report_data(cls, result: DetectorResult) -> dict[str, Any]:
        return {"models": list(result.summary.get("models", []))}

    @classmethod
    def summary_entries(cls, result: DetectorResult | None) -> dict[str, Any]:
        """``deanonymisability``: its whole summary (None when it was not run)."""
        return {"deanonymisability": None if result is None else dict(result.summary)}

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        _options(rules)

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        if not battles.has_text:
            return DetectorResult(
                self.name,
                summary={"ran": False},
                notes=("no conversation text: how recognisable the models are was not measured",),
            )
        opts = _options(rules)
        max_per_model = int(opts["max_per_model"])
        min_per_model = int(opts["min_per_model"])
        folds = int(opts["folds"])
        alpha = float(opts["alpha"])
        models, texts = model_responses(
            battles,
            max_per_model=max_per_model,
            max_chars=int(opts["max_chars"]),
            random_state=self.random_state,
        )
        counts: dict[str, int] = {}
        for m in models:
            counts[m] = counts.get(m, 0) + 1
        assessed = {m for m, n in counts.items() if n >= max(min_per_model, folds)}
        not_assessed = sorted(set(counts) - assessed)
        keep = [i for i, m in enumerate(models) if m in assessed]
        base = {
            "max_per_model": max_per_model,
            "folds": folds,
            "alpha": alpha,
            "classifier": "TF-IDF char 3-4 + word 1-2 n-grams, logistic regression, stratified CV",
            "not_assessed": not_assessed,
        }
        if len(assessed) < 2:
            return DetectorResult(
                self.name,
                summary={"ran": False, **base},
                notes=(
                    f"fewer than two models have {max(min_per_model, folds)} responses with text: "
                    "recognisability not measured",
                ),
            )
        results = recognisability(
            [models[i] for i in keep],
            [texts[i] for i in keep],
            folds=folds,
            alpha=alpha,
            min_lift=float(opts["min_lift"]),
            top_features=int(opts["top_features"]),
            random_state=self.random_state,
        )
        correct = sum(r.correct for r in results)
        total = sum(r.n for r in results)
        findings = [
            Finding(
                detector=self.name,
                rule="deanonymisability.recognisable",
                severity=Severity.INFO,
                subject=f"model:{r.model}",
                score=r.accuracy,
                p_value=r.p_value,
                message=(
                    f"{r.model} is recognised from its responses alone in {r.accuracy:.0%} of held-out "
                    f"cases (95% CI {r.ci_low:.0%}–{r.ci_high:.0%}; chance {r.chance:.0%}); "
                    f"giveaways: {', '.join(r.giveaways[:3]) or 'none listed'}"
                ),
                evidence=r.to_dict(),
            )
            for r in results
            if r.recognisable
        ]
        summary = {
            "ran": True,
            **base,
            "responses": total,
            "models_assessed": len(results),
            "overall_accuracy": round(correct / total, 4) if total else None,
            "chance": round(1 / len(results), 4),
            "recognisable_models": sum(r.recognisable for r in results),
            "models": [r.to_dict() for r in sorted(results, key=lambda r: -r.accuracy)],
        }
        return DetectorResult(self.name, tuple(findings), summary)


# Options of rules/deanonymisability.yaml with their defaults; (kind, lower bound) for each.
_OPTION_DEFAULTS: dict[str, tuple[float, type | tuple[type, ...], float]] = {
    "max_per_model": (150, int, 2),
    "min_per_model": (30, int, 2),
    "folds": (5, int, 2),
    "alpha": (0.01, (int, float), 0.0),
    "min_lift": (2.0, (int, float), 0.0),
    "top_features": (6, int, 0),
    "max_chars": (800, int, 1),
}


def _options(rules: RulePack) -> dict[str, float]:
    """The detector's options, each type- and range-checked (errors name the file and key)."""
    section = rules.section("deanonymisability", {})
    where = rules.where("deanonymisability")
    options: dict[str, float] = {}
    for key, (default, kind, lowest) in _OPTION_DEFAULTS.items():
        value = require(section, key, kind, where=where, default=default)
        if value < lowest or (key == "alpha" and not 0 < value < 1):
            raise RuleError(f"key {key!r} is out of range: {value!r}", path=where)
        options[key] = value
    return options
