"""Fitting the propensity scorecard: L2-regularised logistic regression by Newton's method (IRLS).

Pure Python on purpose: the model has about a dozen features, the training sets are tens of
thousands of rows, and the backend and the client must not grow numpy just for this. The
fit is deterministic (no random start, no shuffling), so retraining on the same outcomes
gives the same file. Also owns ``auc``, the measure the training report quotes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workstation.errors import WorkstationError
from workstation.queue.scorecard import Scorecard, sigmoid
from workstation.text import Text


class FitError(WorkstationError, ValueError):
    """The samples cannot be fitted (empty, one class only, or a degenerate system)."""

    summary = Text("The scorecard could not be fitted", "评分卡无法拟合")


@dataclass(frozen=True, slots=True)
class LogisticFit:
    intercept: float
    coefficients: tuple[float, ...]
    iterations: int
    converged: bool
    log_likelihood: float


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve ``matrix · x = vector`` by Gaussian elimination with partial pivoting."""
    size = len(vector)
    rows = [[*matrix[i], vector[i]] for i in range(size)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-300:
            raise FitError("the features are linearly dependent; add L2 regularisation")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / head[col]
            if factor:
                row = rows[r]
                for c in range(col, size + 1):
                    row[c] -= factor * head[c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        acc = rows[r][size] - sum(rows[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = acc / rows[r][r]
    return solution


def _penalised_log_likelihood(
    xs: Sequence[Sequence[float]], ys: Sequence[int], beta: Sequence[float], l2: float
) -> float:
    total = 0.0
    for x, y in zip(xs, ys, strict=True):
        z = beta[0] + sum(b * v for b, v in zip(beta[1:], x, strict=True))
        # log(1 + e^z) computed without overflow
        softplus = z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))
        total += y * z - softplus
    return total - 0.5 * l2 * sum(b * b for b in beta[1:])


def fit_logistic(
    xs: Sequence[Sequence[float]],
    ys: Sequence[int | bool],
    *,
    l2: float = 1.0,
    max_iterations: int = 50,
    tolerance: float = 1e-8,
) -> LogisticFit:
    """Maximise the L2-penalised log-likelihood (intercept not penalised) by Newton steps.

    Step-halving guards the rare step that overshoots, so the objective never decreases.
    """
    if not xs:
        raise FitError("no samples to fit")
    labels = [1 if y else 0 for y in ys]
    if len(labels) != len(xs):
        raise FitError("features and labels differ in length")
    positives = sum(labels)
    if positives in (0, len(labels)):
        raise FitError("the samples hold only one outcome; both payers and non-payers are needed")
    if l2 < 0:
        raise FitError("l2 must not be negative")
    width = len(xs[0]) + 1
    design = [[1.0, *map(float, x)] for x in xs]
    if any(len(row) != width for row in design):
        raise FitError("every sample must have the same number of features")

    beta = [0.0] * width
    prior = positives / len(labels)
    beta[0] = math.log(prior / (1 - prior))
    objective = _penalised_log_likelihood([r[1:] for r in design], labels, beta, l2)
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported after the loop
        gradient = [0.0] * width
        hessian = [[0.0] * width for _ in range(width)]
        for row, y in zip(design, labels, strict=True):
            p = sigmoid(sum(b * v for b, v in zip(beta, row, strict=True)))
            residual = y - p
            weight = p * (1.0 - p)
            for i in range(width):
                xi = row[i]
                gradient[i] += residual * xi
                wxi = weight * xi
                hrow = hessian[i]
                for j in range(i + 1):
                    hrow[j] += wxi * row[j]
        for i in range(1, width):
            gradient[i] -= l2 * beta[i]
            hessian[i][i] += l2
        for i in range(width):
            for j in range(i):
                hessian[j][i] = hessian[i][j]
        step = _solve(hessian, gradient)
        scale = 1.0
        while True:
            candidate = [b + scale * s for b, s in zip(beta, step, strict=True)]
            new_objective = _penalised_log_likelihood(
                [r[1:] for r in design], labels, candidate, l2
            )
            if new_objective >= objective - 1e-12 or scale < 1e-6:
                break
            scale /= 2
        beta, objective = candidate, new_objective
        if max(abs(scale * s) for s in step) < tolerance:
            converged = True
            break
    return LogisticFit(beta[0], tuple(beta[1:]), iteration, converged, objective)


def fit_scorecard(
    samples: Sequence[tuple[Mapping[str, float], bool | int]],
    template: Scorecard,
    *,
    version: str,
    l2: float = 1.0,
    trained_on: Mapping[str, Any] | None = None,
    max_iterations: int = 50,
    enforce_signs: bool = True,
) -> Scorecard:
    """Refit ``template``'s features on ``(features, paid)`` samples; texts are kept.

    With ``enforce_signs`` a feature whose fitted coefficient contradicts its
    ``expected_sign`` is dropped (coefficient 0) and the rest refitted; the names dropped
    are listed in ``trained_on["dropped_for_sign"]``.

    Each feature is standardised with the samples' mean and standard deviation (a feature
    missing from a sample counts as the mean of those that have it, i.e. neutral), so the
    L2 penalty treats features alike and the stored coefficients are comparable.
    """
    if not samples:
        raise FitError("no samples to fit")
    names = [f.name for f in template.features]
    means: dict[str, float] = {}
    scales: dict[str, float] = {}
    for name in names:
        present = [features[name] for features, _ in samples if name in features]
        mean = math.fsum(present) / len(present) if present else 0.0
        variance = math.fsum((v - mean) ** 2 for v in present) / len(present) if present else 0.0
        means[name] = mean
        # a constant feature carries no information; scale 1 keeps it harmless
        scales[name] = math.sqrt(variance) if variance > 1e-12 else 1.0
    columns = [
        [(features.get(name, means[name]) - means[name]) / scales[name] for name in names]
        for features, _ in samples
    ]
    ys = [1 if paid else 0 for _, paid in samples]
    signs = {f.name: f.expected_sign for f in template.features}
    # Sign-constrained backward elimination: refit without the feature whose coefficient
    # contradicts its expected sign most, until none does. A scorecard's reasons must
    # read the right way round; a collinear feature with a flipped sign would not.
    active = list(range(len(names)))
    dropped: list[str] = []
    while True:
        xs = [[row[i] for i in active] for row in columns]
        fit = fit_logistic(xs, ys, l2=l2, max_iterations=max_iterations)
        violations = [
            (abs(coefficient), position)
            for position, (i, coefficient) in enumerate(zip(active, fit.coefficients, strict=True))
            if signs[names[i]] * coefficient < 0
        ]
        if not violations or not enforce_signs:
            break
        _, position = max(violations)
        dropped.append(names[active.pop(position)])
    coefficients = dict.fromkeys(names, 0.0)
    for i, coefficient in zip(active, fit.coefficients, strict=True):
        coefficients[names[i]] = round(coefficient, 6)
    report = {
        "samples": len(samples),
        "positives": sum(ys),
        "l2": l2,
        "iterations": fit.iterations,
        "converged": fit.converged,
        "dropped_for_sign": dropped,
        **dict(trained_on or {}),
    }
    return template.with_coefficients(
        version=version,
        intercept=fit.intercept,
        coefficients=coefficients,
        means={n: round(v, 6) for n, v in means.items()},
        scales={n: round(v, 6) for n, v in scales.items()},
        trained_on=report,
    )


def auc(scores: Sequence[float], labels: Sequence[bool | int]) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half."""
    if len(scores) != len(labels):
        raise ValueError("scores and labels differ in length")
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise ValueError("AUC needs at least one positive and one negative label")
    order = sorted(range(len(scores)), key=scores.__getitem__)
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        average_rank = (i + j) / 2 + 1  # 1-based ranks, ties share their average
        rank_sum += average_rank * sum(1 for k in range(i, j + 1) if labels[order[k]])
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
