"""Train the learned self-identification step and write auditkit/identity/data/self_id_scorer.npz.

Training data (never the corpus's test split):
* tests/data/identity/corpus.jsonl, split ``dev`` (written-by-auditkit cases and labelled real
  arena answers);
* tests/data/identity/handwritten.jsonl (the older hand-written dev set, all splits);
* tests/data/identity/cases_training.py (training-only cases written by auditkit);
* tests/data/identity/augment_templates.py (third session): claim kinds and hard negatives
  translated by hand into eleven non-CJK languages, rendered with names swapped across makers
  (``render(seed=0)``), so the scorer learns the sentence around a name, not the name; and its
  ``CJK_TEMPLATES`` (fourth session: a speaker's taste beside claims built alike, zh/ja/ko);
* the simulator's response bank: every leak template and hard negative of
  auditkit/simulate/responses.py, rendered for each identity (auditkit's own text).

Every name occurrence outside code in a response is a candidate (scorer.candidate_tokens);
candidates of a positive response are labelled 1, of a negative 0. A logistic regression
(scikit-learn, L2, balanced classes) is fit on the hashed features. The decision threshold is
chosen by 5-fold cross-validation over responses: the lowest threshold at which the combined
decision (rules, or any candidate scoring at least the threshold) keeps out-of-fold precision
>= --min-precision. Deterministic (fixed folds, liblinear).

    .venv/bin/python bench/train_identity_scorer.py
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditkit.identity.lexicon import load_identity_rules  # noqa: E402
from auditkit.identity.matcher import analyze_response, candidate_contexts, is_probe  # noqa: E402
from auditkit.identity.scorer import (  # noqa: E402
    DEFAULT_SCORER_PATH,
    N_BUCKETS,
    candidate_tokens,
    hash_tokens,
)
from auditkit.rules import load_rules  # noqa: E402
from auditkit.simulate import responses  # noqa: E402

DATA = REPO / "tests" / "data" / "identity"

# Training-only hard negatives written by auditkit: the speaker (or the user) is a *user* of a
# model, not the model ("I'm impressed by GPT-4", "저는 ChatGPT를 자주 써요").
USER_OF_A_MODEL = (
    "I'm impressed by GPT-4.",
    "I use ChatGPT every day for work.",
    "I asked Claude the same question yesterday and it disagreed.",
    "My favourite assistant is Gemini, but I also like Claude.",
    "I think Llama 3 is the best open model right now.",
    "I'd recommend trying Mistral for this.",
    "I switched from Google Docs to Notion last year.",
    "我觉得ChatGPT写代码更好。",
    "我经常用通义千问查资料。",
    "私はよくGeminiを使います。",
    "私はChatGPTの回答を参考にしました。",
    "저는 ChatGPT를 자주 써요.",
    "저는 구글 지도를 더 좋아해요.",
    "Я пользуюсь Claude для перевода.",
    "Me gusta usar Gemini para resumir.",
    "J'utilise Claude pour écrire.",
    "Ich nutze ChatGPT zum Lernen.",
    "मैं ChatGPT का इस्तेमाल करता हूँ।",
    "أنا أستخدم ChatGPT في عملي.",
    "Ben her gün ChatGPT kullanıyorum.",
    "Tôi thường dùng ChatGPT.",
    "Saya suka memakai Gemini.",
    "Soy fan de Microsoft desde niño.",
    "Soy cliente de Amazon hace años.",
    "Speaking as a Microsoft employee, I see it differently.",
    "As an OpenAI customer, I expected faster support.",
    "Это работает как Gemini, мне кажется.",
    "Он отвечает как Claude, я уверен.",
    "Je suis fan de Google Maps.",
    "Ich bin Kunde bei Amazon.",
)


def training_items() -> list[dict[str, Any]]:
    items = [
        json.loads(line)
        for line in (DATA / "corpus.jsonl").open(encoding="utf-8")
        if json.loads(line)["split"] == "dev"
    ]
    items += [json.loads(line) for line in (DATA / "handwritten.jsonl").open(encoding="utf-8")]
    sys.path.insert(0, str(DATA))
    from augment_templates import CJK_TEMPLATES
    from augment_templates import render as render_templates
    from cases_training import CASES as TRAINING_CASES

    items += [
        {"prompt": prompt, "response": response, "label": label, "model": model, "lang": lang}
        for lang, _kind, model, prompt, response, label, _why in TRAINING_CASES
    ]
    items += render_templates(seed=0, per_template=3)
    items += render_templates(seed=0, per_template=3, templates=CJK_TEMPLATES, group_prefix="cjk")
    rnd = random.Random(0)
    models = [prefix + "-x" for prefix, _ in responses.IDENTITIES]
    for lang, templates in sorted(responses.LEAK_TEMPLATES.items()):
        for template in templates:
            model = rnd.choice(models)
            ident = responses.identity_for(model)
            text = template.format(
                name=ident.name,
                maker=ident.maker_name,
                name_zh=ident.name_zh,
                maker_zh=ident.maker_zh,
            )
            items.append({"prompt": "", "response": text, "label": 1, "model": model, "lang": lang})
    for sentence in USER_OF_A_MODEL:
        items.append({"prompt": "", "response": sentence, "label": 0, "model": "x", "lang": ""})
    for lang, sentences in sorted(responses.HARD_NEGATIVES.items()):
        for sentence in sentences:
            items.append(
                {"prompt": "", "response": sentence, "label": 0, "model": "x", "lang": lang}
            )
    return items


def _print_by_language(
    items: list[dict[str, Any]], labels: np.ndarray, flags: np.ndarray, scored: np.ndarray
) -> None:
    """Out-of-fold precision and recall of rules + scorer per language (real and hand-written
    items; a language without ``lang`` counts as en)."""
    langs = np.array([str(i.get("lang") or "en") for i in items])
    parts = []
    for lang in sorted(set(langs[scored])):
        mask = scored & (langs == lang)
        tp = int((flags & mask & (labels == 1)).sum())
        fp = int((flags & mask & (labels == 0)).sum())
        pos = int((mask & (labels == 1)).sum())
        parts.append(f"{lang} P {tp / max(tp + fp, 1):.2f} R {tp / max(pos, 1):.2f} ({pos}+)")
    print("out-of-fold by language: " + "; ".join(parts))


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-precision", type=float, default=0.97)
    parser.add_argument("--C", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=DEFAULT_SCORER_PATH)
    args = parser.parse_args(argv)
    pack = load_rules(REPO / "rules")
    identity = replace(load_identity_rules(pack), scorer=None)
    items = training_items()
    rule_flags = np.array(
        [
            bool(
                analyze_response(
                    str(i["response"]),
                    identity,
                    probed=is_probe(str(i.get("prompt", "")), identity),
                    user_text=str(i.get("prompt", "")),
                )
            )
            for i in items
        ],
        dtype=bool,
    )
    labels = np.array([int(i["label"]) for i in items])
    rows: list[np.ndarray] = []
    owner: list[int] = []
    for k, item in enumerate(items):
        prompt = str(item.get("prompt", ""))
        probed = is_probe(prompt, identity)
        for ctx in candidate_contexts(
            str(item["response"]), identity, probed=probed, user_text=prompt
        ):
            rows.append(hash_tokens(candidate_tokens(ctx)))
            owner.append(k)
    owner_arr = np.array(owner)
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])])
    data = np.ones(int(indptr[-1]))
    x = sp.csr_matrix((data, np.concatenate(rows), indptr), shape=(len(rows), N_BUCKETS))
    x.sum_duplicates()
    y = labels[owner_arr]
    print(
        f"{len(items)} responses ({labels.sum()} positive), {len(rows)} candidates ({y.sum()} positive)"
    )

    def fit(mask: np.ndarray) -> Any:
        model = LogisticRegression(
            C=args.C, class_weight="balanced", solver="liblinear", max_iter=5000
        )
        return model.fit(x[mask], y[mask])

    # Folds by group: the renderings of one template (augment_templates.py) share a fold, so a
    # template never scores its own near-copies; every other item is its own group.
    groups = [str(i.get("group", f"item-{k}")) for k, i in enumerate(items)]
    unique_groups = list(dict.fromkeys(groups))
    fold_of_group = np.arange(len(unique_groups)) % 5
    rng = np.random.default_rng(0)
    rng.shuffle(fold_of_group)
    group_index = {g: n for n, g in enumerate(unique_groups)}
    fold_of_item = np.array([fold_of_group[group_index[g]] for g in groups])
    fold = fold_of_item[owner_arr]
    # The threshold is chosen on real and hand-written items only: rendered templates are easy
    # near-duplicates that would make out-of-fold precision look better than it is.
    scored = np.array([not i.get("augmented", False) for i in items])
    oof = np.zeros(len(rows))
    for f in range(5):
        oof[fold == f] = fit(fold != f).predict_proba(x[fold == f])[:, 1]
    best_item = np.zeros(len(items))
    np.maximum.at(best_item, owner_arr, oof)
    chosen = 1.0
    for t in np.round(np.arange(0.30, 0.99, 0.01), 2):
        flags = (rule_flags | (best_item >= t)) & scored
        tp = int((flags & (labels == 1)).sum())
        fp = int((flags & (labels == 0)).sum())
        if tp / max(tp + fp, 1) >= args.min_precision:
            chosen = float(t)
            break
    flags = (rule_flags | (best_item >= chosen)) & scored
    tp, fp = int((flags & (labels == 1)).sum()), int((flags & (labels == 0)).sum())
    rule_tp = int((rule_flags & scored & (labels == 1)).sum())
    n_pos = int((scored & (labels == 1)).sum())
    print(
        f"on the {int(scored.sum())} real and hand-written training items ({n_pos} positive): "
        f"rules alone recall {rule_tp / max(n_pos, 1):.3f}; rules + scorer, 5-fold out-of-fold "
        f"at threshold {chosen:.2f}: precision {tp / max(tp + fp, 1):.3f}, "
        f"recall {tp / max(n_pos, 1):.3f}"
    )
    _print_by_language(items, labels, flags, scored)
    model = fit(np.ones(len(rows), dtype=bool))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        weights=model.coef_[0].astype(np.float16),
        intercept=np.float64(model.intercept_[0]),
        threshold=np.float64(chosen),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
