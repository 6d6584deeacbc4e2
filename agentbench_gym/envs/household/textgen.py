"""A faster evaluator for TextWorld's context-sensitive text grammar (same output, fewer copies).

TextWorld derives every sentence of a PDDL game (``ContextSensitiveGrammar.derive``) by
re-parsing the start string and every rule condition with its PEG parser and deep-copying the
derivation context at each symbol; that is most of the engine's step time. ``derive`` here walks
the same parsed rules in the same order with the same semantics (first applicable production;
``{expr | query}`` expands once per match of the query; ``[...]`` lists joined by the
grammar's ``list_separator`` / ``list_last_separator`` / ``list_empty``; ``{expr}`` evaluated
with the context's variables), but parses each string once per process and shares read-only
contexts instead of copying them. The equivalence tests compare it with TextWorld's own
``derive`` on every dev game.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

_PARSED: dict[str, list[Any]] = {}
_QUERIES: dict[str, Any] = {}
_CODE: dict[str, Any] = {}
_LOCK = threading.Lock()


def _symbols(text: str) -> list[Any]:
    """TextWorld's parse of a symbol string, cached (the parsed symbols are never mutated here)."""
    parsed = _PARSED.get(text)
    if parsed is None:
        from textworld.envs.pddl.textgen import _parse_and_convert

        with _LOCK:
            parsed = _PARSED[text] = _parse_and_convert(text, rule_name="symbols")
    return parsed


def _query(expression: str) -> Any:
    rule = _QUERIES.get(expression)
    if rule is None:
        from textworld.logic import Rule

        with _LOCK:
            rule = _QUERIES[expression] = Rule.parse_conjunctive_query(expression)
    return rule


def _evaluate(expression: str, variables: Mapping[str, Any]) -> Any:
    code = _CODE.get(expression)
    if code is None:
        code = _CODE[expression] = compile(expression, "<grammar>", "eval")
    return eval(code, {}, dict(variables))  # the grammar's own {expr} (TextWorld evals it too)


def derive(grammar: Any, start: str, state: Any, entity_infos: Mapping[str, Any],
           variables: Mapping[str, Any], mapping: Mapping[Any, Any]) -> str:
    """The text TextWorld's ``grammar.derive(start, context)`` gives for that context.

    Args:
        grammar: the game's ``ContextSensitiveGrammar`` (its parsed production rules are read).
        start: the start string, e.g. ``"#intro#"`` or an action's feedback rule.
        state: the game's ``PddlState`` (queried, never changed).
        entity_infos: PDDL id -> ``EntityInfo`` (names after demangling).
        variables: placeholder name -> ``EntityInfo`` of the derivation's start.
        mapping: placeholder -> variable of the derivation's start.
    """
    from textworld.envs.pddl.textgen import (
        ConditionalSymbol,
        EvalSymbol,
        ListSymbol,
        NonterminalSymbol,
        TerminalSymbol,
    )

    rules_by_name = grammar._rules
    context = (variables, mapping)
    stack = [(symbol, context) for symbol in reversed(_symbols(start))]
    out: list[str] = []

    def expand_conditional(symbol: Any, ctx: tuple) -> list[tuple]:
        if not symbol.given:
            return [(symbol.expression, ctx)]
        matches = []
        for match in state.all_assignments(_query(symbol.given), ctx[1]):
            new_vars = dict(ctx[0])
            new_vars.update({ph.name: entity_infos[var.name] for ph, var in match.items()})
            new_map = dict(ctx[1])
            new_map.update(match)
            matches.append((symbol.expression, (new_vars, new_map)))
        return matches

    while stack:
        symbol, ctx = stack.pop()
        kind = type(symbol)
        if kind is TerminalSymbol:
            out.append(str(symbol.symbol))
        elif kind is NonterminalSymbol:
            name = str(symbol)
            rules = rules_by_name.get(name)
            if not rules:
                raise KeyError(f"Can't find symbol '#{name}#' in the set of production rules.")
            chosen = next(rule for rule in rules
                          if not rule.condition or _any(state.all_assignments(_query(rule.condition), ctx[1])))
            stack.extend((child, ctx) for child in reversed(chosen.rhs))
        elif kind is ConditionalSymbol:
            stack.extend(reversed(expand_conditional(symbol, ctx)))
        elif kind is EvalSymbol:
            out_symbol = _evaluate(symbol.expression, ctx[0])
            stack.append((TerminalSymbol(out_symbol), ctx))
        elif kind is ListSymbol:
            inner = symbol.symbol
            if type(inner) is ConditionalSymbol:
                items = expand_conditional(inner, ctx)
            elif type(inner) is EvalSymbol:
                items = [(TerminalSymbol(_evaluate(inner.expression, ctx[0])), ctx)]
            else:
                raise NotImplementedError(f"list of {type(inner).__name__}")
            stack.extend(reversed(_display_list(items, ctx, NonterminalSymbol)))
        else:
            raise NotImplementedError(f"Unknown symbol: {kind}")
    return "".join(out)


def _any(iterable: Any) -> bool:
    for _ in iterable:
        return True
    return False


def _display_list(items: list[tuple], ctx: tuple, nonterminal: type) -> list[tuple]:
    """TextWorld's ``display_list``: separators between items, a special last one, or ``list_empty``."""
    if not items:
        return [(nonterminal("list_empty"), ctx)]
    if len(items) == 1:
        return items
    out = []
    for item in items[:-2]:
        out.extend([item, (nonterminal("list_separator"), ctx)])
    out.extend([items[-2], (nonterminal("list_last_separator"), ctx), items[-1]])
    return out
