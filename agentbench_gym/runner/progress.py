"""Live progress of a run: a bar per (agent, task) and one overall, with errors counted as they come."""

from __future__ import annotations

from typing import Any

from agentbench_gym.core import Outcome


class RunProgress:
    """Rich progress bars on stderr (does nothing when ``enabled`` is False)."""

    def __init__(self, enabled: bool = True, console: Any = None) -> None:
        """Create the display (started lazily with the first pair); ``console`` defaults to stderr."""
        self.enabled = enabled
        self._console = console
        self._progress: Any = None
        self._bars: dict[tuple[str, str], Any] = {}
        self._errors: dict[tuple[str, str], int] = {}
        self._overall: Any = None

    def _ensure(self) -> None:
        if self._progress is not None:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[errors]}"), TimeElapsedColumn(),
                                  console=self._console or Console(stderr=True), transient=False)
        self._overall = self._progress.add_task("[bold]overall", total=0, completed=0, errors="")
        self._progress.start()

    def add_pair(self, agent: str, task: str, total: int, done: int) -> None:
        """Add the bar of a pair with ``done`` of ``total`` samples already finished (resume)."""
        if not self.enabled:
            return
        self._ensure()
        self._bars[(agent, task)] = self._progress.add_task(f"{agent} · {task}", total=total, completed=done,
                                                            errors="")
        overall = self._progress.tasks[self._overall]
        self._progress.update(self._overall, total=(overall.total or 0) + total, completed=overall.completed + done)

    def episode(self, agent: str, task: str, outcome: str, final: bool) -> None:
        """An episode ended; ``final`` is False for an error sample that will be run again."""
        if not self.enabled:
            return
        key = (agent, task)
        if not Outcome(outcome).scored:
            self._errors[key] = self._errors.get(key, 0) + 1
            self._progress.update(self._bars[key], errors=f"[red]{self._errors[key]} errors")
            total_errors = sum(self._errors.values())
            self._progress.update(self._overall, errors=f"[red]{total_errors} errors")
        if final:
            self._progress.advance(self._bars[key])
            self._progress.advance(self._overall)

    def close(self) -> None:
        """Stop the live display."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
