"""How far the WS reward's heuristic noun tagger is from spaCy's, on WebShop's own data.

Usage: AGENTBENCH_SPACY_MODEL=<pipeline> python benchmarks/compare_ws_taggers.py
       [--data-dir ../shared/data/webshop] [--goals 280] [--hits 10]

For the first ``--goals`` goals it searches the goal's instruction, and for each of the top
``--hits`` products computes the reward of buying it (no options) with spaCy's tags and with
the heuristic tags. Prints how often the type factor r_type differs and the reward gap, plus
the token-level agreement of the two taggers over every product title.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agentbench_gym.envs.web_shopping.catalog import Catalog
from agentbench_gym.envs.web_shopping.nouns import heuristic_nouns, noun_tagger, tagger_name
from agentbench_gym.envs.web_shopping.scoring import webshop_reward
from agentbench_gym.envs.web_shopping.upstream import load_upstream


def main() -> int:
    """Run the comparison and print one Markdown paragraph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
                        / "data" / "webshop")
    parser.add_argument("--goals", type=int, default=280)
    parser.add_argument("--hits", type=int, default=10)
    args = parser.parse_args()
    spacy_nouns = noun_tagger("spacy")  # MissingExtra without spaCy and a pipeline
    products, goals = load_upstream(args.data_dir)
    catalog = Catalog(products)
    both = either = 0
    for product in products:
        a, b = set(spacy_nouns(product.name)), set(heuristic_nouns(product.name))
        both, either = both + len(a & b), either + len(a | b)
    pairs = differ = 0
    gaps = []
    for goal in goals[:args.goals]:
        for product in catalog.search(goal.instruction, args.hits):
            with_spacy, parts_s = webshop_reward(product, goal, {}, "spacy")
            heuristic, parts_h = webshop_reward(product, goal, {}, "heuristic")
            pairs += 1
            differ += parts_s["r_type"] != parts_h["r_type"]
            gaps.append(abs(with_spacy - heuristic))
    print(f"Tagger comparison ({tagger_name('spacy')} vs heuristic) on {args.data_dir.name}: "
          f"{len(products)} titles, noun-set Jaccard {both / either:.3f}; {pairs} (goal, top-{args.hits} "
          f"product) purchases of the first {args.goals} goals: r_type differs in {differ} "
          f"({differ / pairs:.1%}), mean |reward difference| {sum(gaps) / pairs:.4f}, max {max(gaps):.3f}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
