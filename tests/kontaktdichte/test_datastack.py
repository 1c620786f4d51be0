"""Each request runs in a data-stack chunk of its own (kontaktdichte/datastack.py): a loop that
calls across a chunk boundary no longer maps and unmaps memory on every call."""

import resource
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kontaktdichte.datastack import roomy_stack

from .settings_env import run_settings

CALLS = 100


def _faults() -> int:
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt


def _leaf():
    return None


def _loop() -> int:
    before = _faults()
    for _ in range(CALLS):
        _leaf()
    return _faults() - before


def _nudge(steps):
    one_more_slot = None  # noqa: F841  (this frame is one slot bigger than _descend's)
    return _nudge(steps - 1) if steps else _loop()


def _descend(depth, steps):
    return _descend(depth - 1, steps) if depth else _nudge(steps)


def _worst_loop(_=None) -> int:
    """The most page faults of CALLS calls, over call depths that step one slot at a time
    through more than a 16 KiB chunk: at some depth the callee lies across a boundary."""
    return max(_descend(depth, steps) for depth in range(120) for steps in range(16))


@pytest.mark.skipif(not hasattr(resource, "RUSAGE_THREAD"), reason="counts page faults per thread (Linux)")
@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's data stack")
def test_calls_across_a_chunk_boundary_stop_faulting_in_memory_in_an_own_chunk():
    plain = _worst_loop()
    if plain < CALLS // 2:
        pytest.skip(f"this CPython keeps a freed chunk ({plain} faults in {CALLS} calls): nothing to work around")
    assert roomy_stack(_worst_loop)(None) < 10


def test_the_middleware_hands_the_request_on_and_the_response_back():
    request = RequestFactory().get("/")
    seen = []

    def view(got):
        seen.append(got)
        return HttpResponse("ok")

    response = roomy_stack(view)(request)
    assert seen == [request] and response.content == b"ok"


def test_an_exception_leaves_the_middleware_unchanged():
    def view(request):
        raise LookupError("kein Fall")

    with pytest.raises(LookupError, match="kein Fall"):
        roomy_stack(view)(RequestFactory().get("/"))


def test_it_is_the_outermost_middleware_unless_switched_off(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    assert run_settings(monkeypatch)["MIDDLEWARE"][0] == "kontaktdichte.datastack.roomy_stack"
    off = run_settings(monkeypatch, DATA_STACK_RESERVE="false")["MIDDLEWARE"]
    assert "kontaktdichte.datastack.roomy_stack" not in off
