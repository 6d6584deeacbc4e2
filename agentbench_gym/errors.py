"""The project's exception hierarchy: configuration mistakes raise, agent mistakes never do."""

from __future__ import annotations


class AgentBenchError(Exception):
    """Base class of every error raised by agentbench_gym."""


class MissingExtra(AgentBenchError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, extra: str, what: str, cause: BaseException | None = None):
        """Build the message ``pip install 'agentbench-gym[<extra>]'`` for ``what``."""
        detail = f" ({cause})" if cause else ""
        super().__init__(f"{what} needs the optional extra '{extra}'{detail}: "
                         f"pip install 'agentbench-gym[{extra}]'")
        self.extra = extra


class BackendUnavailable(AgentBenchError, RuntimeError):
    """A backend cannot run on this machine (service down, engine missing, ...)."""


class DataFormatError(AgentBenchError, ValueError):
    """A data file is not in the expected format; the message names the file and record."""


class ResetNeeded(AgentBenchError, RuntimeError):
    """``step`` was called before ``reset`` or after the episode ended."""


class AgentError(AgentBenchError, RuntimeError):
    """A policy failed for good (e.g. an HTTP error after every retry)."""


class ContextLimitExceeded(AgentBenchError, RuntimeError):
    """The conversation no longer fits the agent's context (the episode ends as ``context_limit``)."""
