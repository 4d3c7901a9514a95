"""Batch progress: a bar with done/failed counts and an ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys

__all__ = ["BatchProgress"]


class BatchProgress:
    """Callable progress sink for :func:`toolkit.batch.run.run_batch`."""

    def __init__(self, total: int, *, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self._bar = None
        if getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=self.stream, unit="report", dynamic_ncols=True)

    def __call__(self, outcome) -> None:
        self.done += 1
        self.failed += outcome.status != "ok"
        if self._bar is not None:
            self._bar.set_postfix(failed=self.failed, refresh=False)
            self._bar.update(1)
            if outcome.status != "ok":
                self._bar.write(f"{outcome.client_id}: FAILED: {outcome.error}", file=self.stream)
            return
        if outcome.status != "ok":
            state = f"FAILED: {outcome.error}"
        else:
            state = "unchanged, kept" if outcome.skipped else f"ok ({outcome.seconds:.1f} s)"
        print(f"[{self.done}/{self.total}] {outcome.client_id}: {state}", file=self.stream, flush=True)

    def __enter__(self) -> "BatchProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.close()
