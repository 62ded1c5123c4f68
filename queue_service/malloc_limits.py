"""glibc malloc settings for the long-running service, set once as it starts.

Two habits of glibc's allocator kept memory the service had finished with:

- Its mmap threshold adapts: after the first large block is freed (the 16 MiB that
  scrypt needs to check a staff password, made once at start for the dummy hash), blocks
  of that size come from the heap of the thread that asks instead of their own mapping.
  A sign-in checks its password in a worker thread of the web pages, so each sign-in
  thread's heap kept those 16 MiB for good (measured: +16.5 MB RSS at the first sign-in).
  A fixed threshold (its default, 128 KiB) gives every large block its own mapping,
  returned when freed, and keeps the heap trimmed at the same size.
- Each thread that allocates may get an arena of its own (up to 8 per core): the queue
  worker, the MQTT loop, the notification senders and the web pages' thread pool each
  keep the free memory of theirs. Two arenas are enough for a service whose threads
  mostly wait; the allocator's lock is not where its time goes (measured with the
  benchmark's memory steps: 3 MB less with the pages in use, 1 MB less without).

Set through mallopt(3) rather than MALLOC_* variables, so `python -m queue_service`
behaves the same however it is started. And after a passing peak (a report replays a day
of events into an engine of its own) `give_back()` returns the heap's free pages to the
system with malloc_trim(3): glibc trims only the top of a heap by itself. Elsewhere than
glibc, nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024
ARENA_MAX = 2


def _libc(function: str):
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c")), function)
    except (OSError, AttributeError, TypeError):
        return None


def limit_malloc() -> bool:
    """Fix the mmap threshold and the number of arenas; False where that cannot be done."""
    mallopt = _libc("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_ARENA_MAX, ARENA_MAX))


def give_back() -> None:
    """Return the free pages of every malloc arena to the system (glibc malloc_trim)."""
    trim = _libc("malloc_trim")
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        trim(0)
