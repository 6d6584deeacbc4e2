"""Generate the built-in household games: our own rooms, receptacles, objects and goals.

Usage: ``python -m agentbench_gym.envs.household.generate [--check]`` rewrites (or, with
``--check``, re-derives and compares) ``data/dev.jsonl`` (20 games) and ``data/test.jsonl``
(50 games), each with AgentBench's per-type counts.

Each game is a PDDL problem for ALFWorld's domain, written from the tables below (room
layouts, what each receptacle type can hold, which objects can be cleaned/heated/cooled), and
a goal of one of the six ALFWorld task types with an ALFWorld-style goal sentence. Walkthroughs
are computed by the Fast Downward planner that ships with the engine, then replayed on the
engine to check that they win and that the goal does not hold at the start.

How they differ from ALFWorld's (ALFRED-derived) games: scenes are sampled from these tables,
not taken from AI2-THOR rooms, so they are smaller (9-19 receptacles and 11-23 objects
against 13-27 and 22-72 in AgentBench's games), have no positions beyond one location per receptacle, and no
sliced, movable or nested receptacle objects; only the object types and receptacle types the
domain needs are declared. Goal sentences follow ALFWorld's two templates per task type.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from agentbench_gym.envs.household.games import assemble

ROOMS: dict[str, dict[str, tuple[int, int]]] = {
    "kitchen": {"CounterTop": (1, 3), "Cabinet": (2, 5), "Drawer": (1, 3), "Fridge": (1, 1), "Microwave": (1, 1),
                "SinkBasin": (1, 1), "StoveBurner": (1, 2), "GarbageCan": (1, 1), "DiningTable": (0, 1),
                "Shelf": (0, 2), "CoffeeMachine": (0, 1)},
    "bathroom": {"CounterTop": (1, 1), "Cabinet": (2, 4), "Drawer": (0, 2), "SinkBasin": (1, 2), "Toilet": (1, 1),
                 "TowelHolder": (1, 1), "HandTowelHolder": (0, 2), "ToiletPaperHanger": (1, 1), "GarbageCan": (1, 1),
                 "BathtubBasin": (0, 1), "Shelf": (0, 2)},
    "bedroom": {"Bed": (1, 1), "Desk": (0, 2), "Dresser": (0, 1), "SideTable": (1, 2), "Drawer": (2, 5),
                "Shelf": (1, 4), "GarbageCan": (1, 1), "Safe": (0, 1), "LaundryHamper": (0, 1), "ArmChair": (0, 1)},
    "livingroom": {"Sofa": (1, 1), "ArmChair": (0, 2), "CoffeeTable": (1, 1), "SideTable": (1, 2), "TVStand": (0, 1),
                   "Drawer": (1, 4), "Cabinet": (0, 3), "Shelf": (0, 3), "GarbageCan": (1, 1), "Safe": (0, 1)},
}
"""Room -> receptacle type -> (min, max) count."""

OBJECTS: dict[str, tuple[str, ...]] = {
    "kitchen": ("Apple", "Tomato", "Potato", "Egg", "Lettuce", "Bread", "Mug", "Cup", "Bowl", "Plate", "Pan", "Pot",
                "Fork", "Spoon", "Knife", "Spatula", "Ladle", "SaltShaker", "PepperShaker", "Kettle", "DishSponge"),
    "bathroom": ("SoapBar", "SoapBottle", "ToiletPaper", "SprayBottle", "Candle", "Cloth", "HandTowel", "Towel",
                 "ScrubBrush", "TissueBox"),
    "bedroom": ("AlarmClock", "Book", "CD", "CellPhone", "CreditCard", "KeyChain", "Pen", "Pencil", "Pillow",
                "Laptop", "Watch", "Mug", "Bowl", "TennisRacket"),
    "livingroom": ("RemoteControl", "Newspaper", "Statue", "Vase", "KeyChain", "CreditCard", "Pillow", "Box",
                   "Watch", "Laptop", "Plate", "Book"),
}
"""Room -> object types found there (all can be picked up)."""

CLEANABLE = {"Apple", "Tomato", "Potato", "Egg", "Lettuce", "Mug", "Cup", "Bowl", "Plate", "Pan", "Pot", "Fork",
             "Spoon", "Knife", "Spatula", "Ladle", "Kettle", "DishSponge", "SoapBar", "Cloth"}
HEATABLE = {"Apple", "Tomato", "Potato", "Egg", "Bread", "Mug", "Cup", "Plate"}
COOLABLE = {"Apple", "Tomato", "Potato", "Egg", "Lettuce", "Bread", "Mug", "Cup", "Plate", "Pan", "Pot"}
OPENABLE = {"Cabinet", "Drawer", "Fridge", "Microwave", "Safe"}
_SOFT = ("Pillow", "Laptop", "Book", "CellPhone", "RemoteControl", "KeyChain", "CreditCard", "Newspaper", "Box")
_SMALL = ("SaltShaker", "PepperShaker", "Fork", "Spoon", "Knife", "Spatula", "Ladle", "DishSponge", "SoapBar",
          "SoapBottle", "ToiletPaper", "SprayBottle", "Candle", "Cloth", "HandTowel", "TissueBox", "CD", "CellPhone",
          "CreditCard", "KeyChain", "Pen", "Pencil", "Watch", "RemoteControl", "AlarmClock", "Book", "Statue",
          "Vase", "Newspaper", "Box", "Mug", "Cup", "Bowl", "Plate")
_FOOD = ("Apple", "Tomato", "Potato", "Egg", "Lettuce", "Bread")
ACCEPTS: dict[str, tuple[str, ...] | None] = {
    "CounterTop": None, "DiningTable": None, "Shelf": None, "Desk": None, "Dresser": None, "SideTable": None,
    "CoffeeTable": None, "TVStand": None,  # None: anything of the room
    "Cabinet": (*_SMALL, "Pan", "Pot", "Kettle"),
    "Drawer": _SMALL,
    "Safe": ("CD", "CellPhone", "CreditCard", "KeyChain", "Watch", "Statue", "Vase"),
    "Fridge": (*_FOOD, "Mug", "Cup", "Bowl", "Plate", "Pan", "Pot"),
    "Microwave": (*_FOOD, "Mug", "Cup", "Bowl", "Plate"),
    "SinkBasin": (*_FOOD, "Mug", "Cup", "Bowl", "Plate", "Pan", "Pot", "Fork", "Spoon", "Knife", "Spatula", "Ladle",
                  "Kettle", "DishSponge", "SoapBar", "Cloth"),
    "StoveBurner": ("Pan", "Pot", "Kettle"),
    "GarbageCan": (*_FOOD, "ToiletPaper", "SoapBar", "SoapBottle", "SprayBottle", "Cloth", "CD", "Newspaper", "Pen",
                   "Pencil", "DishSponge", "TissueBox"),
    "CoffeeMachine": ("Mug", "Cup"),
    "Toilet": ("SoapBar", "SoapBottle", "SprayBottle", "ToiletPaper", "Candle", "Cloth"),
    "TowelHolder": ("Towel",), "HandTowelHolder": ("HandTowel",), "ToiletPaperHanger": ("ToiletPaper",),
    "BathtubBasin": ("SoapBar", "Cloth", "HandTowel", "SoapBottle"), "Bed": _SOFT, "Sofa": _SOFT, "ArmChair": _SOFT,
    "LaundryHamper": ("Cloth", "Towel", "Pillow"),
}
"""Receptacle type -> object types it can hold (our table, not ALFRED's)."""

LAMP_PLACES = ("Desk", "SideTable", "Dresser")
TASKS = {  # task type -> (rooms, object property needed, goal sentence templates)
    "pick_and_place_simple": (("kitchen", "bathroom", "bedroom", "livingroom"), None,
                              ("put a {o} in {r}.", "put some {o} on {r}.")),
    "pick_clean_then_place_in_recep": (("kitchen", "bathroom"), CLEANABLE,
                                       ("clean some {o} and put it in {r}.", "put a clean {o} in {r}.")),
    "pick_heat_then_place_in_recep": (("kitchen",), HEATABLE,
                                      ("heat some {o} and put it in {r}.", "put a hot {o} in {r}.")),
    "pick_cool_then_place_in_recep": (("kitchen",), COOLABLE,
                                      ("cool some {o} and put it in {r}.", "put a cool {o} in {r}.")),
    "look_at_obj_in_light": (("bedroom", "livingroom"), None,
                             ("examine the {o} with the desklamp.", "look at {o} under the desklamp.")),
    "pick_two_obj_and_place": (("kitchen", "bathroom", "bedroom", "livingroom"), None,
                               ("put two {o} in {r}.", "find two {o} and put them in {r}.")),
}
COUNTS = {"dev": (4, 4, 3, 3, 3, 3), "test": (9, 9, 8, 8, 8, 8)}
"""Games per task type (in ``TASKS`` order): AgentBench's dev and std counts."""
SEEDS = {"dev": 8_2024, "test": 8_2025}
_CONDITION = {"pick_clean_then_place_in_recep": ("cleanable", "isClean"),
              "pick_heat_then_place_in_recep": ("heatable", "isHot"),
              "pick_cool_then_place_in_recep": ("coolable", "isCool")}


def _coordinate(rng: np.random.Generator) -> str:
    parts = []
    for _ in range(3):
        value = float(rng.uniform(-3, 3))
        sign = "_minus_" if value < 0 else "_plus_"
        whole, frac = divmod(round(abs(value) * 100), 100)
        parts.append(f"{sign}{whole:02d}_dot_{frac:02d}")
    return "_bar_".join(parts)


def _receptacle_id(kind: str, rng: np.random.Generator) -> str:
    base = {"SinkBasin": "Sink", "BathtubBasin": "Bathtub"}.get(kind)
    return f"{base}_bar_{_coordinate(rng)}_bar_{kind}" if base else f"{kind}_bar_{_coordinate(rng)}"


def _goal(task_type: str, obj: str, recep: str) -> str:
    if task_type == "look_at_obj_in_light":
        return (f"(and (exists (?ot - object ?r - receptacle ?a - agent ?l - location) "
                f"(and (objectType ?ot DeskLampType) "
                f"(toggleable ?ot) (isToggled ?ot) (receptacleAtLocation ?r ?l) (atLocation ?a ?l) "
                f"(inReceptacle ?ot ?r))) "
                f"(exists (?o - object ?a - agent) (and (objectType ?o {obj}Type) (holds ?a ?o))))")
    if task_type == "pick_two_obj_and_place":
        return (f"(exists (?r - receptacle) (exists (?o1 - object) (and (objectType ?o1 {obj}Type) "
                f"(receptacleType ?r {recep}Type) (inReceptacle ?o1 ?r) (exists (?o2 - object) (and (not (= ?o1 ?o2)) "
                f"(objectType ?o2 {obj}Type) (receptacleType ?r {recep}Type) (inReceptacle ?o2 ?r))))))")
    extra = ""
    if task_type in _CONDITION:
        extra = f" ({_CONDITION[task_type][0]} ?o) ({_CONDITION[task_type][1]} ?o)"
    return (f"(exists (?r - receptacle) (exists (?o - object) (and (inReceptacle ?o ?r) (objectType ?o {obj}Type) "
            f"(receptacleType ?r {recep}Type){extra})))")


def make_game(task_type: str, rng: np.random.Generator) -> dict:
    """One random game of ``task_type`` (a built-in record without walkthrough)."""
    rooms, needed, templates = TASKS[task_type]
    room = str(rng.choice(rooms))
    kinds = [k for k, (lo, hi) in ROOMS[room].items() for _ in range(int(rng.integers(lo, hi + 1)))]
    if task_type == "look_at_obj_in_light" and not any(k in LAMP_PLACES for k in kinds):
        kinds.append("SideTable")
    receptacles = [(kind, _receptacle_id(kind, rng)) for kind in kinds]
    pool = [o for o in OBJECTS[room] if needed is None or o in needed]
    target = str(rng.choice(pool))
    appliance = {"pick_clean_then_place_in_recep": "SinkBasin", "pick_heat_then_place_in_recep": "Microwave",
                 "pick_cool_then_place_in_recep": "Fridge"}.get(task_type)
    holders = sorted({kind for kind, _ in receptacles
                      if (ACCEPTS[kind] is None or target in ACCEPTS[kind]) and kind != appliance})
    destination = str(rng.choice(holders)) if holders else "CounterTop"
    objects = [target] * (2 if task_type == "pick_two_obj_and_place" else 1) + [target] * int(rng.integers(0, 2))
    objects += [str(o) for o in rng.choice(OBJECTS[room], size=int(rng.integers(9, 19)))]
    facts, placed = [], []
    for obj in objects:
        spots = [r for r in receptacles if (ACCEPTS[r[0]] is None or obj in ACCEPTS[r[0]])
                 and not (obj == target and r[0] == destination)]  # the goal must not hold at the start
        if not spots:
            continue
        kind, rid = spots[int(rng.integers(len(spots)))]
        placed.append((obj, f"{obj}_bar_{_coordinate(rng)}", rid))
    if task_type == "look_at_obj_in_light":
        kind, rid = next(r for r in receptacles if r[0] in LAMP_PLACES)
        placed.append(("DeskLamp", f"DeskLamp_bar_{_coordinate(rng)}", rid))
    if sum(o == target for o, _, _ in placed) < (2 if task_type == "pick_two_obj_and_place" else 1):
        raise ValueError("target not placeable")
    locations = {}
    for i, (_, rid) in enumerate(receptacles):
        x, rotation, horizon = int(rng.integers(-9, 10)), int(rng.integers(0, 4)), int(rng.choice([0, 30, 45, 60]))
        locations[rid] = f"loc_bar_{i}_bar_{x}_bar_{rotation}_bar_{horizon}".replace("_-", "__minus_")
    start = "loc_bar_99_bar_0_bar_0_bar_30"
    otypes = sorted({o for o, _, _ in placed} | {"DeskLamp", "Knife", "ButterKnife"})
    rtypes = sorted({k for k, _ in receptacles} | {"SinkBasin", "Microwave", "Fridge", "Sink"})
    facts.append(f"(atLocation agent1 {start})")
    for kind, rid in receptacles:
        facts += [f"(receptacleType {rid} {kind}Type)", f"(receptacleAtLocation {rid} {locations[rid]})"]
        facts += [f"(openable {rid})"] if kind in OPENABLE else []
        facts += [f"(canContain {kind}Type {o}Type)" for o in otypes
                  if o != "DeskLamp" and (ACCEPTS[kind] is None or o in ACCEPTS[kind])]
    for obj, oid, rid in placed:
        facts += [f"(objectType {oid} {obj}Type)", f"(inReceptacle {oid} {rid})",
                  f"(objectAtLocation {oid} {locations[rid]})"]
        facts += [f"(pickupable {oid})"] if obj != "DeskLamp" else [f"(toggleable {oid})"]
        facts += [f"({flag} {oid})" for flag, group in (("cleanable", CLEANABLE), ("heatable", HEATABLE),
                                                        ("coolable", COOLABLE)) if obj in group]
    objects_decl = (["agent1 - agent"] + [f"{t}Type - otype" for t in otypes] + [f"{t}Type - rtype" for t in rtypes]
                    + [f"{oid} - object" for _, oid, _ in placed] + [f"{rid} - receptacle" for _, rid in receptacles]
                    + [f"{loc} - location" for loc in [start, *locations.values()]])
    problem = ("(define (problem household)\n(:domain alfred)\n(:objects\n" + "\n".join(objects_decl)
               + "\n)\n(:init\n" + "\n".join(dict.fromkeys(facts))
               + "\n)\n(:goal\n" + _goal(task_type, target, destination) + "\n)\n)\n")
    goal = str(rng.choice(templates)).format(o=target.lower(), r=destination.lower())
    return {"task_type": task_type, "room": room, "goal": goal, "problem": problem,
            "target": target, "destination": destination}


def solve(record: dict) -> list[str]:
    """A planner walkthrough that wins the game on the engine (raises when there is none)."""
    from agentbench_gym.envs.household.backends import WarmEngine

    game = assemble(record, "agentbench")
    engine = WarmEngine()
    try:
        first = engine.start("generate:" + record["problem"], game)
        if first.won:
            raise ValueError("goal holds at the start")
        plan = engine.plan()
        engine.start("generate:" + record["problem"], game)
        step = first
        for command in plan:
            if command not in step.admissible:
                raise ValueError(f"planner command {command!r} not admissible")
            step = engine.step(command)
        if not plan or not step.won:
            raise ValueError("no winning plan")
        return plan
    finally:
        engine.close()


def generate(split: str) -> list[dict]:
    """All games of a built-in split (deterministic)."""
    rng = np.random.default_rng(SEEDS[split])
    records = []
    for task_type, count in zip(TASKS, COUNTS[split], strict=True):
        made = 0
        while made < count:
            try:
                record = make_game(task_type, rng)
                record["walkthrough"] = solve(record)
            except ValueError as exc:
                print(f"  skipped a {task_type} game: {exc}", file=sys.stderr)
                continue
            target, destination = record.pop("target"), record.pop("destination")
            record["id"] = f"{split}-{len(records):03d}-{task_type}-{target}-{destination}-{record['room']}"
            records.append({k: record[k] for k in ("id", "task_type", "room", "goal", "walkthrough", "problem")})
            made += 1
            print(f"{record['id']}: {len(record['walkthrough'])} steps", file=sys.stderr)
    return records


def main(argv: list[str] | None = None) -> int:
    """Write (or check) data/dev.jsonl and data/test.jsonl."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    parser.add_argument("--split", choices=sorted(COUNTS), action="append")
    args = parser.parse_args(argv)
    ok = True
    for split in args.split or sorted(COUNTS):
        path = Path(__file__).parent / "data" / f"{split}.jsonl"
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in generate(split))
        if args.check:
            same = path.is_file() and path.read_text(encoding="utf-8") == text
            print(f"{path}: {'same' if same else 'DIFFERS'}")
            ok &= same
        else:
            path.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
