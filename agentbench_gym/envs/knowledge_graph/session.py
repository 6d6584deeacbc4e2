"""One KG dialogue's turn logic, independent of Gymnasium: reply in, observation (or answer) out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from agentbench_gym.envs.knowledge_graph import prompts
from agentbench_gym.envs.knowledge_graph.parse import (
    ActionLine,
    FinalAnswer,
    parse_reply,
    strip_variable_word,
    variable_index,
)
from agentbench_gym.envs.knowledge_graph.tools import Arg, ToolBox
from agentbench_gym.errors import BackendUnavailable


@dataclass
class Step:
    """What one reply did.

    Attributes:
        observation: the user message sent back.
        prediction: the executed final answer, or None while the dialogue goes on.
        error: why the answer could not be executed (the prediction is then empty).
    """

    observation: str
    prediction: list[str] | None = None
    error: str | None = None


@dataclass
class KGSession:
    """Applies replies to a ``ToolBox`` exactly as AgentBench's ``start_sample`` loop does.

    Args:
        tools: the episode's tools.
        entities: name -> MID for this question (exact names only).
        stale_arguments: reproduce the upstream bug that words a failed call with the arguments
            of the last call parsed earlier in the sample (see ``KnowledgeGraphEnv``).
    """

    tools: ToolBox
    entities: Mapping[str, str]
    stale_arguments: bool = False
    actions: list[str] = field(default_factory=list)
    _last_arguments: list[str] | None = None

    def handle(self, reply: str) -> Step:
        """Apply one raw reply."""
        parsed = parse_reply(reply)
        if isinstance(parsed, FinalAnswer):
            variables = self.tools.variables
            if parsed.index is None or parsed.index >= len(variables):
                return Step(prompts.INVALID_VARIABLE)
            try:
                prediction = self.tools.final_answer(variables[parsed.index])
            except BackendUnavailable:
                raise
            except Exception as exc:  # an unexecutable program answers nothing (upstream: task error)
                return Step("", prediction=[], error=f"{type(exc).__name__}: {exc}")
            return Step("", prediction=prediction)
        if not isinstance(parsed, ActionLine):
            return Step(prompts.NO_FUNCTION)
        message = prompts.NOT_EXECUTED
        for call in parsed.calls:
            arguments = call.arguments
            if call.name not in self.tools.tools or arguments is None:
                # Upstream words this with the previous parse's arguments when there was one.
                if self.stale_arguments and self._last_arguments is not None:
                    message = prompts.cannot_execute(call.name, self._last_arguments)
                else:
                    message = prompts.syntax_error(call.name)
                continue
            self._last_arguments = list(arguments)
            try:
                observation = self.tools.call(call.name, [self._resolve(a) for a in arguments])
            except BackendUnavailable:
                raise
            except Exception:
                message = prompts.cannot_execute(call.name, list(arguments))
                continue
            self.actions.append(f"{call.name}({', '.join(arguments)})")
            return Step(observation)
        return Step(message)

    def _resolve(self, argument: str) -> Arg:
        argument = strip_variable_word(argument)
        if argument.startswith("#"):
            index = variable_index(argument)
            if index is None:
                raise ValueError(f"bad variable {argument!r}")
            return self.tools.variables[index]  # negative ids index from the end, as upstream
        return self.entities.get(argument, argument)
