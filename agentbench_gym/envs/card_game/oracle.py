"""Scripted Aquawar solver: reads the env's engine and answers with well-formed JSON replies.

Guess: the lowest hidden living enemy fish, by its true identity (read from the engine), so every
guess is right and each deals 50 damage to the whole enemy team. Action: a one-move lookahead on a
copy of the board, scoring damage dealt, kills and the win against damage taken.
"""

from __future__ import annotations

import json
from typing import Any

from agentbench_gym.envs.card_game.engine import ACTIVE, FISH_NAMES, MAX_HP, Game, Move


def copy_game(game: Game) -> Game:
    """A copy of the board and phase (not the action records), for lookahead."""
    clone = Game()
    for team, source in zip(clone.teams, game.teams, strict=True):
        for fish, original in zip(team, source, strict=True):
            fish.hp, fish.atk, fish.wound = original.hp, original.atk, original.wound
            fish.dead, fish.revealed = original.dead, original.revealed
    clone.state, clone.to_move, clone.phase = game.state, game.to_move, game.phase
    clone.winner, clone.end_reason = game.winner, game.end_reason
    return clone


def evaluate(game: Game, me: int) -> float:
    """How good the board is for player ``me`` (higher is better)."""
    if game.winner is not None:
        return 1e6 if game.winner == me else -1e6
    score = 0.0
    for fish in game.teams[1 - me]:
        score += MAX_HP - max(fish.hp, 0) + (250 if fish.dead else 0)
    for fish in game.teams[me]:
        score -= 0.9 * (MAX_HP - max(fish.hp, 0)) + (250 if fish.dead else 0)
        if not fish.dead:
            score += 0.25 * (fish.atk - 200)
    return score


class CardGameOracle:
    """The scripted solver of ``CardGameEnv`` (reads the engine through ``env.unwrapped``)."""

    def __init__(self, env: Any) -> None:
        """Play ``env`` (any wrapper of a ``CardGameEnv``)."""
        self.env = env.unwrapped

    def reset(self) -> None:
        """Nothing to forget: every decision is read from the board."""

    def act(self, observation: str, info: Any) -> str:
        """The reply for the env's current decision."""
        env = self.env
        game, me = env.game, env.agent_slot
        if env.decision == "guess":
            enemy = game.teams[1 - me]
            hidden = [f for f in enemy if not f.dead and not f.revealed]
            target = hidden[0] if hidden else next(f for f in enemy if not f.dead)
            return json.dumps({"guess_type": FISH_NAMES[target.kind - 1], "target_position": target.pos})
        move = self.best_move(game, me, allow_deflector_skills=not env.upstream_bugs)
        return json.dumps({"pick_fish": FISH_NAMES[move.actor], "action": move.action,
                           "target_position": move.target})

    @staticmethod
    def best_move(game: Game, me: int, *, allow_deflector_skills: bool = True) -> Move:
        """The legal move with the best board after it (first one on ties)."""
        best, best_value = None, float("-inf")
        for move in game.legal_moves(me):
            if not allow_deflector_skills and move.action == ACTIVE and move.actor >= 2:
                continue
            trial = copy_game(game)
            trial.act(me, move)
            value = evaluate(trial, me)
            if value > best_value:
                best, best_value = move, value
        assert best is not None
        return best
