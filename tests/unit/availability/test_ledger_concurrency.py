"""The ledger under load: 1,000 random transfers at once, from threads in three OS processes
sharing one SQLite file, many of them refused by limits. Afterwards the books balance, no
account passed a limit, and replaying every event changes nothing. And the database itself
refuses to edit history."""

from __future__ import annotations

import json
import multiprocessing
import random
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from services.availability.bootstrap import bootstrap
from services.availability.domain.errors import Conflict
from services.availability.domain.ledger import Limits
from services.availability.service_layer import ledger
from services.availability.service_layer.ledger_consumer import ledger_spec
from services.common.config import Config
from services.common.envelope import Event, decode, new_envelope
from services.common.eventlog.port import OutMessage
from services.common.runtime import ServiceRuntime
from tests.unit.availability.conftest import Orgs

VOLUNTEERS = [f"vol-{n:02d}" for n in range(50)]
TRANSFERS, CHILDREN, THREADS = 1000, 2, 4
Plan = list[tuple[str, str, str, int]]  # source, payer, payee, amount


def _transfer(runtime: ServiceRuntime, item: tuple[str, str, str, int]) -> str:
    source, payer, payee, amount = item
    try:
        ledger.transfer(runtime, payer, payee, amount, source=source)
    except Conflict as refused:
        return f"refused-{refused.extra['limit']}"
    return "succeeded"


def _run(runtime: ServiceRuntime, plan: Plan) -> Counter[str]:
    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(pool.map(lambda item: _transfer(runtime, item), plan))


def _child(config: Config, plan: Plan, start: Any, results: Any) -> None:
    """One OS process: its own runtime and engine on the same database file."""
    try:
        runtime = bootstrap(config)
        start.wait()
        results.put(dict(_run(runtime, plan)))
        runtime.close()
    except BaseException as exc:  # the parent must hear of it rather than wait forever
        results.put({"error": repr(exc)})
        raise


def _hours(runtime: ServiceRuntime, orgs: Sequence[str], rng: random.Random) -> None:
    """Every volunteer earns twice, from approved hours, through the ledger's consumer."""
    messages = []
    for account in VOLUNTEERS:
        for _ in range(2):
            hours_id = str(uuid.uuid4())
            data = {
                "hours_id": hours_id, "account_id": account, "organisation_id": rng.choice(orgs),
                "source": "task", "minutes": rng.randint(15, 240), "worked_on": "2026-11-20",
                "at": "2026-11-23T09:00:00Z",
            }  # fmt: skip
            envelope = new_envelope(
                event_type="HoursApproved", version=1, producer="availability",
                key=hours_id, data=data,
            )  # fmt: skip
            messages.append(
                OutMessage("micro-volunteering", hours_id, json.dumps(envelope).encode())
            )
    runtime.event_log.publish(messages)
    consumer = runtime.consumer(ledger_spec(runtime))
    while consumer.run_once(0.5):
        pass


def _cap_some(runtime: ServiceRuntime) -> None:
    """Ten members get an upper limit a little above their balance: payees get refused too."""
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, balance FROM ledger_accounts WHERE owner_kind = 'volunteer'"
                    " ORDER BY owner_id LIMIT 10")
        ).all()  # fmt: skip
    for account_id, balance in rows:
        ledger.set_limits(runtime, "admin", True, account_id, Limits(0, balance + 300))


def _plan(rng: random.Random) -> Plan:
    plan = []
    for _ in range(TRANSFERS):
        payer, payee = rng.sample(VOLUNTEERS, 2)
        plan.append((f"test-transfer:{uuid.uuid4()}", payer, payee, rng.randint(1, 1000)))
    return plan


def _run_everywhere(runtime: ServiceRuntime, plan: Plan) -> Counter[str]:
    """A share of the plan in each child process and the rest here, all started at once."""
    context = multiprocessing.get_context("spawn")  # a forked SQLite connection is unsafe
    share = len(plan) // (CHILDREN + 2)
    start, results = context.Barrier(CHILDREN + 1, timeout=120), context.Queue()
    children = [
        context.Process(
            target=_child,
            args=(runtime.config, plan[n * share : (n + 1) * share], start, results),
        )
        for n in range(CHILDREN)
    ]
    for child in children:
        child.start()
    start.wait()
    started = time.perf_counter()
    outcomes = _run(runtime, plan[CHILDREN * share :])
    for _ in children:
        found = results.get(timeout=300)
        assert "error" not in found, found["error"]
        outcomes.update(found)
    elapsed = time.perf_counter() - started
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    print(f"\n{len(plan)} transfers in {elapsed:.1f}s: {dict(outcomes)}")
    return outcomes


def _books(runtime: ServiceRuntime) -> dict[str, Any]:
    with runtime.engine.connect() as conn:
        q = conn.execute
        return {
            "balances": {
                (r.owner_kind, r.owner_id): r.balance
                for r in q(sa.text("SELECT owner_kind, owner_id, balance FROM ledger_accounts"))
            },
            "entries": q(sa.text("SELECT COUNT(*) FROM ledger_entries")).scalar(),
            "transactions": q(sa.text("SELECT COUNT(*) FROM ledger_transactions")).scalar(),
            "outbox": q(sa.text("SELECT COUNT(*) FROM outbox")).scalar(),
        }


def _check_invariants(runtime: ServiceRuntime) -> None:
    with runtime.engine.connect() as conn:
        q = conn.execute
        assert q(sa.text("SELECT SUM(balance) FROM ledger_accounts")).scalar() == 0
        drift = q(sa.text(
            "SELECT a.id FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id"
            " GROUP BY a.id, a.balance HAVING COALESCE(SUM(e.amount), 0) != a.balance"
        )).all()  # fmt: skip
        assert drift == []
        outside = q(sa.text(
            "SELECT id FROM ledger_accounts WHERE balance < lower_limit OR balance > upper_limit"
        )).all()  # fmt: skip
        assert outside == []
        # Every entry, not only the final balances: a limit passed for a moment and then
        # made good by a later payment is still a limit passed.
        passed = q(sa.text(
            "SELECT e.id FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id"
            " WHERE e.balance_after < a.lower_limit OR e.balance_after > a.upper_limit"
        )).all()  # fmt: skip
        assert passed == []
        unbalanced = q(sa.text(
            "SELECT transaction_id FROM ledger_entries GROUP BY transaction_id"
            " HAVING SUM(amount) != 0 OR COUNT(*) < 2"
        )).all()  # fmt: skip
        assert unbalanced == []
        _check_running_balances(conn)


def _check_running_balances(conn: sa.Connection) -> None:
    """Each entry's balance_after is the sum of its account's entries so far (no lost update)."""
    running: Counter[str] = Counter()
    rows = conn.execute(
        sa.text("SELECT account_id, amount, balance_after FROM ledger_entries ORDER BY id")
    )
    for account_id, amount, balance_after in rows:
        running[account_id] += amount
        assert running[account_id] == balance_after


def _replay_all(runtime: ServiceRuntime, topics: Sequence[str]) -> int:
    """Every event in the log through the ledger's handlers, skipping the runner's dedup."""
    spec, replayed = ledger_spec(runtime), 0
    for topic in topics:
        for record in runtime.event_log.read_all(topic):
            event = Event.from_envelope(topic, decode(record.value))
            handler = spec.handlers[topic].get(event.event_type)
            if handler is None:
                continue
            with runtime.session_factory() as session, session.begin():
                handler(session, event)
            replayed += 1
    return replayed


def test_concurrent_transfers_keep_the_books_and_a_replay_changes_nothing(
    runtime: ServiceRuntime, orgs: Orgs
) -> None:
    rng = random.Random(20261123)
    organisations = [orgs.create("owner-1"), orgs.create("owner-2", "Hilltop Helpers")]
    ledger.set_rate(runtime, "owner-2", False, organisations[1], 125)
    _hours(runtime, organisations, rng)
    _cap_some(runtime)
    seeded = _books(runtime)["transactions"]
    assert seeded == 2 * len(VOLUNTEERS)

    outcomes = _run_everywhere(runtime, _plan(rng))

    refused = outcomes["refused-lower"] + outcomes["refused-upper"]
    assert outcomes["succeeded"] + refused == TRANSFERS
    assert outcomes["succeeded"] > 100 and outcomes["refused-lower"] > 100
    assert outcomes["refused-upper"] > 0
    _check_invariants(runtime)
    before = _books(runtime)
    assert before["transactions"] == seeded + outcomes["succeeded"]

    while runtime.relay().publish_pending():
        pass
    replayed = _replay_all(runtime, ["micro-volunteering", "time-credits"])
    assert replayed == 2 * len(VOLUNTEERS) + before["transactions"]
    assert _books(runtime) == before  # no balance, entry or event more
    _check_invariants(runtime)


def test_the_log_alone_rebuilds_the_same_balances(
    runtime: ServiceRuntime, orgs: Orgs, tmp_path: Any
) -> None:
    """A database restored empty catches up from ``TransactionPosted`` events."""
    rng = random.Random(7)
    _hours(runtime, [orgs.create("owner-1")], rng)
    ledger.reverse(runtime, "admin", True, _any_transaction(runtime))  # before any spending
    _run(runtime, _plan(rng)[:100])
    while runtime.relay().publish_pending():
        pass
    original = _books(runtime)

    config = Config(
        **{**vars(runtime.config), "database_url": f"sqlite:///{tmp_path / 'fresh.db'}"}
    )
    rebuilt = bootstrap(config, runtime.event_log)
    try:
        assert _replay_all(rebuilt, ["time-credits"]) == original["transactions"]
        copy = _books(rebuilt)
        assert copy["balances"] == original["balances"]
        assert (copy["entries"], copy["transactions"]) == (
            original["entries"],
            original["transactions"],
        )
        assert copy["outbox"] == 0  # a replay announces nothing
        _check_invariants(rebuilt)
    finally:
        rebuilt.engine.dispose()


def _any_transaction(runtime: ServiceRuntime) -> str:
    with runtime.engine.connect() as conn:
        found: str = conn.execute(
            sa.text("SELECT id FROM ledger_transactions LIMIT 1")
        ).scalar_one()
    return found


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET amount = amount + 1",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_transactions SET kind = 'earn'",
        "DELETE FROM ledger_transactions",
    ],
)
def test_the_database_refuses_to_edit_history(
    runtime: ServiceRuntime, orgs: Orgs, statement: str
) -> None:
    _hours(runtime, [orgs.create("owner-1")], random.Random(1))
    with pytest.raises(sa.exc.DBAPIError, match="immutable"), runtime.engine.begin() as conn:
        conn.execute(sa.text(statement))
    _check_invariants(runtime)
    assert _books(runtime)["entries"] == 4 * len(VOLUNTEERS)
