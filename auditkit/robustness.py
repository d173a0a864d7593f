"""The audit's "Is this ranking real?" sections: votes-to-flip on the cleaned votes, the self-test.

:func:`audit_robustness` is what :func:`auditkit.audit.run_audit` calls after the ratings stage; it
returns the ``summary.json`` keys ``fragility`` (always, unless the rating conventions do not allow
it) and ``selftest`` (with ``selftest=True``), writes the vote-ids files next to the report, and
never fails the audit: a section that cannot be computed becomes a note saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from auditkit.ratings.engine import RatingOptions, RatingResult
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable

__all__ = ["audit_robustness"]

log = logging.getLogger(__name__)


def audit_robustness(
    battles: BattleTable,
    keep: np.ndarray,
    rules: RulePack,
    out_dir: Path,
    *,
    options: RatingOptions,
    seed: int,
    selftest: bool,
    detectors: Sequence[str],
    notes: list[str],
    top: int = 10,
    fitted: RatingResult | None = None,
) -> dict[str, Any]:
    """``{"fragility": ..., "selftest": ...}`` for the summary; appends a note for what failed.

    ``fitted``: the ratings of the ``keep`` rows under ``options`` when the caller has them
    (the ratings stage's "after" fit): votes-to-flip rates the same models without a refit.
    """
    from auditkit.fragility import fragility

    out: dict[str, Any] = {}
    frag_options = RatingOptions(
        ci="none",
        anonymous_only=options.anonymous_only,
        l2=options.l2,
        ties=options.ties,
        style_control=options.style_control,
        reweight=options.reweight,
        weight_column=options.weight_column,
        min_battles=options.min_battles,
        disconnected=options.disconnected,
    )
    try:
        out["fragility"] = (
            # The kept votes by mask: the cleaned table without a copy of it (1.3 GiB at 10M).
            fragility(
                battles,
                top=top,
                options=frag_options,
                rows=np.asarray(keep, dtype=bool),
                fitted=fitted,
            )
            .write(out_dir, relative=True)
            .to_json()
        )
    except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
        # The section is information, not the audit: say why it is missing and go on.
        notes.append(f"votes-to-flip not computed: {exc}")
    if selftest:
        # Imported only when asked for: it brings the simulator (and its data) with it.
        from auditkit.selftest import selftest as run_selftest

        try:
            result = run_selftest(battles, rules, seed=seed, detectors=detectors, top=top)
            out["selftest"] = result.to_json()
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
            notes.append(f"self-test not run: {exc}")
    return out
