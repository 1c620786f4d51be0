"""Every request in a fresh, roomy chunk of Python's data stack: a workaround for a CPython
performance bug (python/cpython#142183, "Calls across stack chunks perform badly"; fixed on
CPython's main branch in March 2026 and backported to 3.13).

Since 3.11, CPython keeps Python frames on a per-thread stack made of chunks of 16 KiB. A call
that does not fit in what is left of the current chunk maps a new chunk (mmap), and the chunk is
unmapped (munmap) as soon as the frame at its base returns. A loop that calls a function lying
just across a chunk boundary therefore maps, faults in and unmaps 16 KiB on every call. Django
renders templates through deep call chains, and such boundaries fall inside hot loops: under
gunicorn on Python 3.11 the worklist spent 6 ms of system time per request on it, nearly a third
of its CPU, and the team's overdue list 3 ms (measured request by request against one gunicorn
worker; `make bench-load` prints user and system time per request). Where the boundaries fall
depends on how deep the server calls the application, so the test client saw less of it.

`roomy_stack`, the outermost middleware, calls the rest of the request through `_in_own_chunk`,
whose frame reserves RESERVED_SLOTS slots of evaluation stack that it never uses. That frame
never fits in the remainder of a 16 KiB chunk, so every request starts a new chunk of 256 KiB
and its frames run in the ~120 KiB behind the reservation, where no boundary is crossed. The
price is one mapping per request (about 0.1 ms of system time). Only the pages the request's
frames reach are ever touched; the reservation itself is address space.

Harmless on a CPython with the fix. `DATA_STACK_RESERVE=false` switches it off (to compare).
"""

from __future__ import annotations

# More slots than a 16 KiB chunk holds (2,048 of 8 bytes): the frame always starts a new chunk.
RESERVED_SLOTS = 16 * 1024


def _in_own_chunk(call, argument):
    return call(argument)


_in_own_chunk.__code__ = _in_own_chunk.__code__.replace(
    co_stacksize=_in_own_chunk.__code__.co_stacksize + RESERVED_SLOTS
)


def roomy_stack(get_response):
    def middleware(request):
        return _in_own_chunk(get_response, request)

    return middleware
