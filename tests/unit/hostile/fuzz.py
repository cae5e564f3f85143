"""Run schemathesis in-process over WSGI against one app's OpenAPI document.

Each operation gets its own Hypothesis run (derandomised, no example database) so CI sees the
same requests every time; ``VMP_FUZZ_EXAMPLES`` sets how many requests per operation (valid
and invalid ones mixed): small in ``make test``, large in a soak. Failures are collected
across all operations and reported together, so one run shows every broken endpoint rather
than the first.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

EXAMPLES_VARIABLE = "VMP_FUZZ_EXAMPLES"
DEFAULT_EXAMPLES = 12
# status_code_conformance holds while every operation declares ``default`` (problem details,
# services/common/openapi.py); it is here to fail if one stops doing so.
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def examples_per_operation() -> int:
    return int(os.environ.get(EXAMPLES_VARIABLE, DEFAULT_EXAMPLES))


@dataclass(frozen=True)
class Target:
    """One app under test and what the generated requests may borrow from the world.

    ``identities`` are header sets (bearer tokens; ``{}`` for anonymous); ``real_ids`` map a
    path or query parameter's name to ids of seeded objects, so some requests reach real rows
    instead of only ever answering 404.
    """

    app: Flask
    identities: Mapping[str, Mapping[str, str]]
    real_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Generated requests to leave out; each use says why next to it.
    accept: Callable[[Case], bool] = lambda _case: True


@dataclass
class Report:
    failures: dict[str, str] = field(default_factory=dict)
    operations: int = 0
    # (operation label, status code) -> responses seen; shows the run reached real handlers.
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)

    def answered(self, status_class: int) -> set[str]:
        """Operations that answered at least once with a status in ``status_class``xx."""
        return {label for label, status in self.statuses if status // 100 == status_class}

    def summary(self) -> str:
        return "\n\n".join(f"== {label}\n{text}" for label, text in sorted(self.failures.items()))


def fuzz(target: Target, *, path: str = "/openapi.json") -> Report:
    schema = schemathesis.openapi.from_wsgi(path, target.app, config=schemathesis.Config())
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        try:
            _run(target, operation, report)
        # schemathesis raises its check failures as a BaseExceptionGroup; collect those and any
        # error so one run shows every broken operation.
        except (Exception, BaseExceptionGroup) as exc:
            report.failures[operation.label] = _describe(exc)
    return report


def _run(target: Target, operation: APIOperation, report: Report) -> None:
    cases = _cases(target, operation)
    identities = st.sampled_from(sorted(target.identities))

    @hypothesis.settings(
        max_examples=examples_per_operation(),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=cases, who=identities)
    def check(case: Case, who: str) -> None:
        headers = dict(target.identities[who])
        response = case.call(headers=headers)
        report.statuses[(operation.label, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


def _cases(target: Target, operation: APIOperation) -> st.SearchStrategy[Case]:
    strategies = []
    real = _real_parameters(target, operation)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if real is not None:
            strategies.append(
                real.flatmap(
                    lambda fixed, mode=mode: operation.as_strategy(generation_mode=mode, **fixed)
                )
            )
    return st.one_of(strategies).filter(target.accept)


def _real_parameters(
    target: Target, operation: APIOperation
) -> st.SearchStrategy[dict[str, dict[str, str]]] | None:
    """Seeded ids for every path parameter (if all have some) and for the query parameters
    that have some, as ``as_strategy`` keyword arguments."""
    path = [p.name for p in operation.path_parameters]
    query = [p.name for p in operation.query if p.name in target.real_ids]
    if not all(name in target.real_ids for name in path) or not (path or query):
        return None

    def pick(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
        return st.fixed_dictionaries({n: st.sampled_from(target.real_ids[n]) for n in names})

    return st.fixed_dictionaries({"path_parameters": pick(path), "query": pick(query)})


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or repr(exc)
    notes = "\n".join(getattr(exc, "__notes__", []))
    return f"{type(exc).__name__}: {text[:3000]}\n{notes[:1500]}"
