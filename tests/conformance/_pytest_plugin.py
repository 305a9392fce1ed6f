"""pytest plugin loaded into each conformance subprocess (see run_dgl_suite.py).

It gives every test a wall-clock limit (SIGALRM, ``GRAPHDL_CONF_TEST_TIMEOUT`` seconds) and
appends one JSON line per test to ``GRAPHDL_CONF_RESULTS`` as soon as the test ends, so a file
killed at its wall limit still reports the tests it finished.
"""
from __future__ import annotations

import json
import os
import signal
from typing import Any

import pytest

_TIMEOUT = float(os.environ.get("GRAPHDL_CONF_TEST_TIMEOUT", "0") or 0)
_OUT = os.environ.get("GRAPHDL_CONF_RESULTS")
_state: dict[str, dict[str, Any]] = {}


class TestTimeout(Exception):
    """A test ran past its limit."""


def _alarm(signum: int, frame: Any) -> None:
    raise TestTimeout(f"test ran past its {_TIMEOUT:g} s limit")


def _write(record: dict[str, Any]) -> None:
    if _OUT:
        with open(_OUT, "a") as f:
            f.write(json.dumps(record) + "\n")


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, message)
        text = str(longrepr[2])
        return text[len("Skipped: "):] if text.startswith("Skipped: ") else text
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        lines = [ln for ln in crash.message.strip().splitlines() if ln.strip()]
        return (lines[0] if lines else "").strip()[:300]
    # A collection error: the last "E   ..." line of the report names the cause.
    lines = [ln for ln in str(longrepr).splitlines() if ln.strip()]
    errs = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    return (errs[-1] if errs else (lines[-1] if lines else "")).strip()[:300]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Any):
    use_alarm = _TIMEOUT > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    rec = _state.pop(item.nodeid, None)
    if rec is not None:
        _write(rec)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    rec = _state.setdefault(report.nodeid, {"test": report.nodeid, "outcome": "passed",
                                            "reason": "", "seconds": 0.0})
    rec["seconds"] = round(rec["seconds"] + float(getattr(report, "duration", 0.0)), 3)
    if rec["outcome"] == "failed":
        return
    if hasattr(report, "wasxfail"):
        if report.skipped:
            rec.update(outcome="skipped", reason="xfail: " + str(report.wasxfail))
        return
    if report.failed:
        where = "" if report.when == "call" else f"[{report.when}] "
        rec.update(outcome="failed", reason=where + _reason(report))
    elif report.skipped and rec["outcome"] != "failed":
        rec.update(outcome="skipped", reason=_reason(report))


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _write({"test": report.nodeid or "<collection>", "outcome": "collection-error",
                "reason": _reason(report), "seconds": 0.0})
