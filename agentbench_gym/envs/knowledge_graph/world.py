"""The project's own knowledge graph: a fictional, consistent world generated from a fixed seed.

People, cities and countries, universities, studios, publishers and other employers, films and
books, with Freebase-style typed relations (each stored in both directions, as Freebase
materialises reverse properties) and numeric attributes for argmax/argmin. Everything is drawn
from one ``numpy`` Generator, so ``build_world(seed)`` always gives the same graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# (domain, relation, range, inverse relation): every edge is stored both ways.
RELATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("people.person", "people.person.place_of_birth", "location.citytown", "location.location.people_born_here"),
    ("people.person", "people.person.nationality", "location.country", "location.country.nationals"),
    ("people.person", "people.person.profession", "people.profession", "people.profession.people_with_this_profession"),
    ("people.person", "people.person.education", "education.university", "education.educational_institution.alumni"),
    ("people.person", "people.person.employment_history", "business.employer", "business.employer.employees"),
    ("people.person", "people.person.spouse_s", "people.person", "people.person.spouse_s"),
    ("people.person", "people.person.parents", "people.person", "people.person.children"),
    ("location.citytown", "location.location.containedby", "location.country", "location.location.contains"),
    ("location.country", "location.country.capital", "location.citytown", "location.citytown.capital_of"),
    ("organization.organization", "organization.organization.headquarters", "location.citytown",
     "location.location.organizations_based_here"),
    ("organization.organization", "organization.organization.founders", "people.person",
     "people.person.organizations_founded"),
    ("film.film", "film.film.directed_by", "people.person", "film.director.film"),
    ("film.film", "film.film.starring", "people.person", "film.actor.film"),
    ("film.film", "film.film.genre", "film.film_genre", "film.film_genre.films_in_this_genre"),
    ("film.film", "film.film.country", "location.country", "location.country.films_produced_here"),
    ("film.film", "film.film.production_companies", "film.production_company", "film.production_company.films"),
    ("book.book", "book.written_work.author", "people.person", "book.author.works_written"),
    ("book.book", "book.book.genre", "book.book_genre", "book.book_genre.books"),
    ("book.book", "book.book.publisher", "book.publishing_company", "book.publishing_company.books_published"),
)

# Ranges of the reverse properties (domain of the forward one, except where a subtype reads better).
INVERSE_RANGES = {
    "location.location.contains": "location.citytown",
    "location.location.organizations_based_here": "organization.organization",
    "people.person.organizations_founded": "organization.organization",
}

ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    ("people.person", "people.person.birth_year", "type.int"),
    ("people.person", "people.person.height_meters", "type.float"),
    ("location.location", "location.statistical_region.population", "type.int"),
    ("location.location", "location.location.area_km2", "type.float"),
    ("location.citytown", "location.location.elevation_meters", "type.int"),
    ("location.country", "location.country.founding_year", "type.int"),
    ("organization.organization", "organization.organization.founding_year", "type.int"),
    ("business.employer", "business.employer.number_of_employees", "type.int"),
    ("education.university", "education.university.number_of_students", "type.int"),
    ("film.film", "film.film.runtime_minutes", "type.int"),
    ("film.film", "film.film.release_year", "type.int"),
    ("film.film", "film.film.budget_million_usd", "type.float"),
    ("book.book", "book.book.publication_year", "type.int"),
    ("book.book", "book.book.number_of_pages", "type.int"),
)

FILM_GENRES = ("Drama", "Comedy", "Thriller", "Western", "Musical", "Documentary", "Science Fiction",
               "Romance", "Horror", "Animation")
BOOK_GENRES = ("Mystery Novel", "Poetry", "Biography", "Historical Novel", "Travel Writing",
               "Fantasy Novel", "Essay Collection", "Children's Literature")
PROFESSIONS = ("Actor", "Film Director", "Writer", "Physicist", "Engineer", "Painter", "Composer",
               "Politician", "Economist", "Architect", "Journalist", "Teacher")

_ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "t",
           "th", "v", "w", "z", "st", "kl", "j")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "y")
_CODAS = ("", "", "n", "r", "l", "s", "m", "th", "rd", "x", "nd")
_TITLE_ADJ = ("Silent", "Crimson", "Last", "Hidden", "Broken", "Golden", "Distant", "Quiet", "Wild",
              "Northern", "Secret", "Burning", "Paper", "Glass", "Iron", "Winter", "Velvet", "Hollow")
_TITLE_NOUN = ("Harbor", "River", "Lantern", "Garden", "Mirror", "Empire", "Summer", "Orchard", "Bridge",
               "Signal", "Tide", "Voyage", "Frontier", "Letter", "Compass", "Canyon", "Festival", "Tower")
_MID_ALPHABET = "0123456789bcdfghjklmnpqrstvwxyz_"


@dataclass
class World:
    """The generated graph: entities by kind, names, edges, attributes and the schema."""

    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, list[str]] = field(default_factory=dict)
    triples: list[tuple[str, str, str]] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)

    def schema_lines(self) -> list[str]:
        """``domain relation range`` lines (AgentBench's ``fb_roles`` layout)."""
        lines = []
        for domain, relation, range_, inverse in RELATIONS:
            lines.append(f"{domain} {relation} {range_}")
            if inverse != relation:
                lines.append(f"{range_} {inverse} {INVERSE_RANGES.get(inverse, domain)}")
        lines.extend(f"{d} {a} {r}" for d, a, r in ATTRIBUTES)
        return lines


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.world = World()
        self._mids: set[str] = set()
        self._used_names: set[str] = set()
        self._inverse = {r: inv for _, r, _, inv in RELATIONS}

    def pick(self, seq, size=None, p=None):
        index = self.rng.choice(len(seq), size=size, replace=False, p=p) if size is not None \
            else int(self.rng.choice(len(seq), p=p))
        return [seq[i] for i in index] if size is not None else seq[index]

    def word(self, syllables: int) -> str:
        parts = [self.pick(_ONSETS) + self.pick(_VOWELS) for _ in range(syllables)]
        return ("".join(parts) + self.pick(_CODAS)).capitalize()

    def unique(self, make) -> str:
        for _ in range(1000):
            name = make()
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        raise RuntimeError("name space exhausted")

    def entity(self, kind: str, name: str, types: list[str]) -> str:
        while True:
            mid = "m.0" + "".join(self.pick(_MID_ALPHABET) for _ in range(5))
            if mid not in self._mids:
                break
        self._mids.add(mid)
        self.world.names[mid] = name
        self.world.kinds.setdefault(kind, []).append(mid)
        self.world.types[mid] = types
        return mid

    def link(self, subject: str, relation: str, obj: str) -> None:
        self.world.triples.append((subject, relation, obj))
        self.world.triples.append((obj, self._inverse[relation], subject))

    def attr(self, mid: str, attribute: str, value: float | int, missing: float = 0.05) -> None:
        if self.rng.random() >= missing:
            text = str(int(value)) if isinstance(value, (int, np.integer)) else repr(round(float(value), 2))
            self.world.attributes.append((mid, attribute, text))

    def zipf_weights(self, n: int, a: float = 1.1) -> np.ndarray:
        w = 1.0 / np.arange(1, n + 1) ** a
        w = w[self.rng.permutation(n)]
        return w / w.sum()


def build_world(seed: int = 20231005) -> World:
    """Generate the world (deterministic in ``seed``)."""
    b = _Builder(seed)
    rng = b.rng
    w = b.world
    countries = [b.entity("country", b.unique(lambda: b.word(2) + b.pick(("ia", "land", "ora", "istan", "mark"))),
                          ["location.country", "location.location"]) for _ in range(12)]
    cities: list[str] = []
    for country in countries:
        own = [b.entity("city", b.unique(lambda: b.word(int(rng.integers(2, 4)))),
                        ["location.citytown", "location.location"]) for _ in range(6)]
        cities.extend(own)
        populations = []
        for city in own:
            b.link(city, "location.location.containedby", country)
            population = int(rng.lognormal(11.5, 1.1))
            populations.append(population)
            b.attr(city, "location.statistical_region.population", population)
            b.attr(city, "location.location.area_km2", rng.uniform(20, 1500))
            b.attr(city, "location.location.elevation_meters", int(rng.integers(0, 2400)))
        b.link(country, "location.country.capital", own[int(np.argmax(populations))])
        b.attr(country, "location.statistical_region.population", sum(populations) * int(rng.integers(3, 9)))
        b.attr(country, "location.location.area_km2", rng.uniform(5e3, 9e5))
        b.attr(country, "location.country.founding_year", int(rng.integers(1200, 1990)))
    city_country = {c: countries[i // 6] for i, c in enumerate(cities)}
    city_weights = b.zipf_weights(len(cities), 0.8)

    professions = [b.entity("profession", b.unique(lambda p=p: p), ["people.profession"]) for p in PROFESSIONS]
    film_genres = [b.entity("film_genre", b.unique(lambda g=g: g), ["film.film_genre"]) for g in FILM_GENRES]
    book_genres = [b.entity("book_genre", b.unique(lambda g=g: g), ["book.book_genre"]) for g in BOOK_GENRES]

    def org(kind: str, suffixes: tuple[str, ...], types: list[str]) -> str:
        mid = b.entity(kind, b.unique(lambda: b.word(2) + " " + b.pick(suffixes)), types)
        b.link(mid, "organization.organization.headquarters", b.pick(cities, p=city_weights))
        b.attr(mid, "organization.organization.founding_year", int(rng.integers(1820, 2015)))
        b.attr(mid, "business.employer.number_of_employees", int(rng.lognormal(6.5, 1.3)))
        return mid

    base = ["organization.organization", "business.employer"]
    universities = [org("university", ("University", "Institute of Technology", "College"),
                        [*base, "education.university"]) for _ in range(30)]
    for u in universities:
        b.attr(u, "education.university.number_of_students", int(rng.integers(800, 60000)))
    studios = [org("studio", ("Pictures", "Films", "Studios"), [*base, "film.production_company"])
               for _ in range(20)]
    publishers = [org("publisher", ("Press", "Books", "Publishing"), [*base, "book.publishing_company"])
                  for _ in range(12)]
    companies = [org("company", ("Works", "Industries", "Labs", "Holdings"), base) for _ in range(16)]
    employers = universities + studios + publishers + companies

    first_names = [b.word(int(rng.integers(1, 3))) for _ in range(160)]
    last_names = [b.word(int(rng.integers(2, 4))) for _ in range(320)]
    people: list[str] = []
    for _ in range(720):
        name = b.unique(lambda: f"{b.pick(first_names)} {b.pick(last_names)}")
        person = b.entity("person", name, ["people.person"])
        people.append(person)
        city = b.pick(cities, p=city_weights)
        b.link(person, "people.person.place_of_birth", city)
        home = city_country[city] if rng.random() < 0.9 else b.pick(countries)
        b.link(person, "people.person.nationality", home)
        b.attr(person, "people.person.birth_year", int(rng.integers(1900, 2004)))
        b.attr(person, "people.person.height_meters", rng.normal(1.74, 0.09))
        for u in b.pick(universities, size=int(rng.choice([0, 1, 1, 2]))):
            b.link(person, "people.person.education", u)
        if rng.random() < 0.6:
            b.link(person, "people.person.employment_history", b.pick(employers))
    directors, actors, writers = people[:90], people[60:340], people[340:480]
    role_of = {"Film Director": directors, "Actor": actors, "Writer": writers}
    for p_mid, p_name in zip(professions, PROFESSIONS, strict=True):
        for person in role_of.get(p_name, []):
            b.link(person, "people.person.profession", p_mid)
    others = people[480:] + [p for p in people if rng.random() < 0.1]
    other_professions = [p for p, n in zip(professions, PROFESSIONS, strict=True) if n not in role_of]
    for person in dict.fromkeys(others):
        for prof in b.pick(other_professions, size=int(rng.integers(1, 3))):
            b.link(person, "people.person.profession", prof)
    shuffled = [people[i] for i in rng.permutation(len(people))]
    for a, c in zip(shuffled[:200:2], shuffled[1:200:2], strict=True):
        b.link(a, "people.person.spouse_s", c)
    for child in shuffled[200:320]:
        b.link(child, "people.person.parents", b.pick(shuffled[320:]))
    for company in b.pick(employers, size=40):
        for founder in b.pick(people, size=int(rng.integers(1, 3))):
            b.link(company, "organization.organization.founders", founder)

    director_w, actor_w, writer_w = (b.zipf_weights(len(x)) for x in (directors, actors, writers))
    for _ in range(360):
        film = b.entity("film", b.unique(lambda: f"The {b.pick(_TITLE_ADJ)} {b.pick(_TITLE_NOUN)}"
                                      if rng.random() < 0.5 else f"{b.pick(_TITLE_NOUN)} of {b.word(2)}"),
                        ["film.film"])
        b.link(film, "film.film.directed_by", b.pick(directors, p=director_w))
        for actor in b.pick(actors, size=int(rng.integers(2, 6)), p=actor_w):
            b.link(film, "film.film.starring", actor)
        for genre in b.pick(film_genres, size=int(rng.integers(1, 3))):
            b.link(film, "film.film.genre", genre)
        b.link(film, "film.film.country", b.pick(countries))
        b.link(film, "film.film.production_companies", b.pick(studios))
        b.attr(film, "film.film.runtime_minutes", int(rng.integers(72, 195)))
        b.attr(film, "film.film.release_year", int(rng.integers(1950, 2024)))
        b.attr(film, "film.film.budget_million_usd", rng.lognormal(2.5, 1.0))
    for _ in range(360):
        book = b.entity("book", b.unique(lambda: f"{b.pick(_TITLE_NOUN)} of the {b.pick(_TITLE_ADJ)} {b.word(2)}"
                                      if rng.random() < 0.5 else f"A {b.pick(_TITLE_ADJ)} {b.word(2)}"),
                        ["book.book"])
        b.link(book, "book.written_work.author", b.pick(writers, p=writer_w))
        for genre in b.pick(book_genres, size=int(rng.integers(1, 3))):
            b.link(book, "book.book.genre", genre)
        b.link(book, "book.book.publisher", b.pick(publishers))
        b.attr(book, "book.book.publication_year", int(rng.integers(1880, 2024)))
        b.attr(book, "book.book.number_of_pages", int(rng.integers(60, 1100)))
    w.triples = sorted(set(w.triples))
    return w
