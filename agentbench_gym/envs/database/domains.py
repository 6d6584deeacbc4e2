"""Table domains of the built-in split: schemas and seeded row generators (our own data)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIRST = ("Ada", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemal",
         "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tara", "Umar", "Vera",
         "Wen", "Ximena", "Yusuf", "Zofia")
LAST = ("Abbott", "Berg", "Castillo", "Dunn", "Eriksen", "Fischer", "Gallo", "Hughes", "Ivanova", "Jensen",
        "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka",
        "Ueda", "Varga", "Weber", "Young", "Zeller")
SYLLABLES = ("ar", "bel", "cor", "dun", "el", "fen", "gar", "hol", "is", "jor", "kel", "lin", "mor", "nor",
             "ost", "pra", "quel", "ros", "sil", "tor", "ul", "ven", "wyn", "zar")
COUNTRIES = ("Norway", "Chile", "Kenya", "Japan", "Canada", "Poland", "Brazil", "Egypt", "India", "Spain",
             "Vietnam", "Ireland")
CONTINENT = {"Norway": "Europe", "Chile": "South America", "Kenya": "Africa", "Japan": "Asia",
             "Canada": "North America", "Poland": "Europe", "Brazil": "South America", "Egypt": "Africa",
             "India": "Asia", "Spain": "Europe", "Vietnam": "Asia", "Ireland": "Europe"}


@dataclass(frozen=True)
class Domain:
    """A table theme: the main table's columns, its key column, category and number columns,
    and the lookup table it joins with on ``join_col``."""

    table: str
    noun: str  # what a row is, e.g. "employee"
    columns: tuple[tuple[str, str], ...]
    key: str  # unique text column naming a row
    categories: tuple[str, ...]  # text columns with repeated values (filters, GROUP BY)
    numbers: tuple[str, ...]  # INT columns
    join_col: str
    lookup: str  # the second table's name
    lookup_columns: tuple[tuple[str, str], ...]


DOMAINS = (
    Domain("Employees", "employee",
           (("Name", "TEXT"), ("Department", "TEXT"), ("City", "TEXT"), ("Salary", "INT"), ("Age", "INT"),
            ("Hire Year", "INT")),
           "Name", ("Department", "City"), ("Salary", "Age", "Hire Year"), "Department",
           "Departments", (("Department", "TEXT"), ("Floor", "INT"), ("Manager", "TEXT"))),
    Domain("Library Books", "book",
           (("Title", "TEXT"), ("Author", "TEXT"), ("Genre", "TEXT"), ("Pages", "INT"),
            ("Published Year", "INT"), ("Copies", "INT")),
           "Title", ("Genre", "Author"), ("Pages", "Published Year", "Copies"), "Author",
           "Authors", (("Author", "TEXT"), ("Nationality", "TEXT"), ("Birth Year", "INT"))),
    Domain("Store Products", "product",
           (("Product", "TEXT"), ("Category", "TEXT"), ("Brand", "TEXT"), ("Price", "INT"), ("Stock", "INT"),
            ("Rating", "INT")),
           "Product", ("Category", "Brand"), ("Price", "Stock", "Rating"), "Brand",
           "Brands", (("Brand", "TEXT"), ("Country", "TEXT"), ("Founded", "INT"))),
    Domain("Race Results", "runner",
           (("Runner", "TEXT"), ("Country", "TEXT"), ("Event", "TEXT"), ("Time Seconds", "INT"),
            ("Position", "INT"), ("Year", "INT")),
           "Runner", ("Event", "Country"), ("Time Seconds", "Position", "Year"), "Country",
           "Countries", (("Country", "TEXT"), ("Continent", "TEXT"), ("Capital Population", "INT"))),
    Domain("Film Catalogue", "film",
           (("Title", "TEXT"), ("Director", "TEXT"), ("Genre", "TEXT"), ("Year", "INT"),
            ("Runtime Minutes", "INT"), ("Box Office", "INT")),
           "Title", ("Genre", "Director"), ("Year", "Runtime Minutes", "Box Office"), "Director",
           "Directors", (("Director", "TEXT"), ("Nationality", "TEXT"), ("Debut Year", "INT"))),
)

GENRES = ("Mystery", "Fantasy", "History", "Science", "Poetry", "Travel")
FILM_GENRES = ("Drama", "Comedy", "Thriller", "Documentary", "Animation")
DEPARTMENTS = ("Sales", "Research", "Finance", "Support", "Legal", "Design")
CITIES = ("Lisbon", "Oslo", "Nairobi", "Osaka", "Quito", "Tallinn", "Perth")
CATEGORIES = ("Kitchen", "Garden", "Office", "Sports", "Toys")
EVENTS = ("5000m", "10000m", "Marathon", "Half Marathon")


def _person(rng: np.random.Generator) -> str:
    return f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"


def _word(rng: np.random.Generator, parts: int = 2) -> str:
    return "".join(SYLLABLES[rng.integers(len(SYLLABLES))] for _ in range(parts)).capitalize()


def _pick(rng: np.random.Generator, pool: tuple[str, ...]) -> str:
    return pool[int(rng.integers(len(pool)))]


def _unique(rng: np.random.Generator, make, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        value = make(rng)
        if value.lower() not in {v.lower() for v in out}:
            out.append(value)
    return out


def _int(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high + 1))


def make_row(domain: Domain, key: str, rng: np.random.Generator, join_values: list[str]) -> list:
    """One row of ``domain`` for the unique key value ``key``."""
    j = _pick(rng, tuple(join_values))
    if domain.table == "Employees":
        return [key, j, _pick(rng, CITIES), _int(rng, 30, 160) * 500, _int(rng, 21, 64), _int(rng, 1995, 2024)]
    if domain.table == "Library Books":
        return [key, j, _pick(rng, GENRES), _int(rng, 80, 900), _int(rng, 1900, 2024), _int(rng, 1, 12)]
    if domain.table == "Store Products":
        return [key, _pick(rng, CATEGORIES), j, _int(rng, 3, 400), _int(rng, 0, 250), _int(rng, 1, 5)]
    if domain.table == "Race Results":
        return [key, j, _pick(rng, EVENTS), _int(rng, 780, 9000), _int(rng, 1, 40), _int(rng, 2010, 2024)]
    return [key, j, _pick(rng, FILM_GENRES), _int(rng, 1950, 2024), _int(rng, 70, 200), _int(rng, 1, 900)]


def key_values(domain: Domain, rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct names for the key column."""
    if domain.key in ("Name", "Runner"):
        return _unique(rng, _person, n)
    if domain.key == "Product":
        return _unique(rng, lambda r: f"{_word(r)} {_pick(r, ('Lamp', 'Kettle', 'Chair', 'Ball', 'Pen'))}", n)
    return _unique(rng, lambda r: f"The {_word(r)} {_word(r, 1)}", n)


def join_values(domain: Domain, rng: np.random.Generator) -> list[str]:
    """The values of the join column (the lookup table's keys)."""
    if domain.join_col == "Department":
        return list(DEPARTMENTS)
    if domain.join_col == "Country":
        return [c for c in COUNTRIES if rng.random() < 0.7] or list(COUNTRIES[:3])
    if domain.join_col == "Brand":
        return _unique(rng, lambda r: _word(r, 2) + "co", 5)
    return _unique(rng, _person, 5)


def lookup_row(domain: Domain, value: str, rng: np.random.Generator) -> list:
    """The lookup table's row for join value ``value``."""
    if domain.lookup == "Departments":
        return [value, _int(rng, 1, 12), _person(rng)]
    if domain.lookup == "Countries":
        return [value, CONTINENT[value], _int(rng, 200, 9000) * 1000]
    if domain.lookup == "Brands":
        return [value, _pick(rng, COUNTRIES), _int(rng, 1890, 2015)]
    return [value, _pick(rng, COUNTRIES), _int(rng, 1960, 2015)]
