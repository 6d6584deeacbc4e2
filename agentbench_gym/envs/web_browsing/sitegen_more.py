"""Built-in WB task families, part two: contact forms, catalog search and account pages."""

from __future__ import annotations

import numpy as np

from agentbench_gym.envs.web_browsing.sites import (
    FOOT,
    E,
    Step,
    button,
    checkbox,
    footer,
    header,
    link,
    page,
    pick,
    promo,
    sample,
    select,
    text_input,
)

PEOPLE = [("Maya Chen", "maya.chen"), ("Omar Haddad", "omar.h"), ("Lena Fischer", "lfischer"),
          ("Diego Ramos", "dramos"), ("Aiko Sato", "aiko.sato"), ("Sam Okafor", "sokafor"),
          ("Priya Nair", "pnair"), ("Jonas Berg", "jberg")]
DOMAINS = ["example.com", "mail.test", "inbox.example"]


def contact_form(rng: np.random.Generator) -> tuple[str, str, list[Step]]:
    """Fill and send a support form: name, email, topic, message, consent, send."""
    org = pick(rng, ["Greenleaf Bank", "Harbor City Library", "Brightside Energy", "Summit Dental"])
    topics = ["Billing question", "Technical problem", "Account access", "Feedback", "Other"]
    topic = pick(rng, topics)
    name, handle = pick(rng, PEOPLE)
    email = f"{handle}@{pick(rng, DOMAINS)}"
    message = pick(rng, ["Please call me back tomorrow", "My last invoice looks wrong",
                         "I cannot reset my password", "Thanks for the quick help"])
    task = (f"Send {org} a message on the topic {topic.lower()} through the contact form with name {name}, email "
            f"{email} and message '{message}', agreeing to the privacy policy")
    plan = [("name", "TYPE", name), ("email", "TYPE", email), ("topic", "SELECT", topic),
            ("message", "TYPE", message), ("consent", "CLICK", ""), ("send", "CLICK", "")]
    state: dict[str, str] = {}
    steps: list[Step] = []
    site = org.lower().replace(" ", "")
    for key, op, value in plan:
        consent = checkbox("I agree to the privacy policy", bool(state.get("consent")))
        els = {"name": text_input("Full name", state.get("name", "")),
               "email": text_input("Email address", state.get("email", ""), kind="email"),
               "topic": select("Topic", topics, state.get("topic", "")),
               "message": E("textarea", {"aria_label": "Your message", "input_value": state.get("message", "")}),
               "consent": consent.kids[0], "send": button("Send message", type="submit")}
        form = E("form", {"aria_label": "contact form"}, E("h1", {}, "Contact us"),
                 *[els[k] for k in ("name", "email", "topic", "message")], consent, els["send"],
                 button("Clear form", type="reset"))
        aside = E("aside", {}, E("h2", {}, "Other ways to reach us"), link("Call 1-800-555-0199"),
                  link("Live chat"), link("Find a branch"))
        root = page(site, header(org, ["Home", "Services", "About", "News", "Contact"]), E("main", {}, form, aside),
                    footer(org, FOOT))
        steps.append((root, els[key], op, value))  # type: ignore[arg-type]
        state[key] = value or "true"
    return site, task, steps


BOOKS = [("The Quiet Orchard", "Nora Lind"), ("Rivers of Glass", "Tomas Vega"), ("Small Hours", "Ada Moreno"),
         ("The Salt Road", "Ken Ito"), ("Paper Lanterns", "June Park"), ("North of Nowhere", "Eli Grant"),
         ("A Field of Stars", "Rosa Diaz"), ("Winter Harbor", "Paul Meyer")]
FORMATS = ["Books", "E-books", "Audiobooks", "DVDs", "Magazines"]
SORTS = ["Relevance", "Newest first", "Oldest first", "Title A-Z"]


def catalog_search(rng: np.random.Generator) -> tuple[str, str, list[Step]]:
    """Search a library catalog, filter by format, sort, open a title."""
    title, author = pick(rng, BOOKS)
    fmt, sort = pick(rng, FORMATS), pick(rng, SORTS[1:])
    task = f"Search the catalog for {author}, show only {fmt.lower()}, sort by {sort.lower()} and open {title}"
    steps: list[Step] = []
    nav = ["Catalog", "Events", "Kids", "Research", "My account"]
    for query in ("", author):
        box = text_input("Search the catalog", query, kind="search")
        go = button("Search", type="submit")
        root = page("harborlibrary", header("Harbor Library", nav, [E("form", {"role": "search"}, box, go)]),
                    E("main", {}, promo("New this month", "Fresh arrivals on every shelf.", "Browse new titles"),
                      promo("Library events", "Story time, talks and workshops.", "See calendar")),
                    footer("Harbor Library", FOOT))
        steps.append((root, box, "TYPE", author) if not query else (root, go, "CLICK", ""))
    checked, sorted_by = "", ""
    others = sample(rng, [b for b in BOOKS if b[0] != title], 4)
    for key in ("format", "sort", "open"):
        boxes = {f: checkbox(f, f == checked) for f in FORMATS}
        sorter = select("Sort results", SORTS, sorted_by)
        results = [E("li", {}, link(t), E("span", {}, f"by {author if t == title else a}"))
                   for t, a in [*others[:2], (title, author), *others[2:]]]
        target_link = results[2].kids[0]
        root = page("harborlibrary", header("Harbor Library", nav),
                    E("aside", {"aria_label": "refine results"}, E("h2", {}, "Format"),
                      *boxes.values()),
                    E("main", {}, E("h1", {}, f"Results for {author}"), sorter, E("ol", {}, *results)),
                    footer("Harbor Library", FOOT))
        if key == "format":
            steps.append((root, boxes[fmt].kids[0], "CLICK", ""))  # type: ignore[arg-type]
            checked = fmt
        elif key == "sort":
            steps.append((root, sorter, "SELECT", sort))
            sorted_by = sort
        else:
            steps.append((root, target_link, "CLICK", ""))  # type: ignore[arg-type]
    return "harborlibrary", task, steps


LANGUAGES = ["English", "Español", "Deutsch", "Français", "Italiano", "Português"]
ZONES = ["Pacific Time", "Mountain Time", "Central Time", "Eastern Time", "UTC"]


def account(rng: np.random.Generator) -> tuple[str, str, list[Step]]:
    """Sign in, open settings, change one preference, save."""
    site = pick(rng, ["tasknest", "photovault", "budgetly"])
    brand = site.title()
    _name, user = pick(rng, PEOPLE)
    password = f"{pick(rng, ['tulip', 'cobalt', 'maple', 'orbit'])}{int(rng.integers(10, 99))}"
    setting, choices = pick(rng, [("Language", LANGUAGES), ("Time zone", ZONES)])
    value = pick(rng, choices[1:])
    task = (f"Sign in to {brand} with username {user} and password {password}, then change the "
            f"{setting.lower()} in settings to {value}")
    nav = ["Features", "Pricing", "Blog", "Support"]
    steps: list[Step] = []
    head = header(brand, nav)
    sign_in = head.kids[-1].kids[0]  # type: ignore[union-attr]
    home = page(site, head, E("main", {}, promo(f"Meet {brand}", "Everything in one place.", "Start free trial"),
                              promo("Plans for teams", "Share with everyone.", "Compare plans")), footer(brand, FOOT))
    steps.append((home, sign_in, "CLICK", ""))  # type: ignore[arg-type]
    typed: dict[str, str] = {}
    for key, op, val in (("user", "TYPE", user), ("pass", "TYPE", password), ("login", "CLICK", "")):
        els = {"user": text_input("Username or email", typed.get("user", "")),
               "pass": text_input("Password", typed.get("pass", ""), kind="password"),
               "login": button("Log in", type="submit")}
        form = E("form", {"aria_label": "sign in"}, E("h1", {}, f"Sign in to {brand}"), els["user"], els["pass"],
                 checkbox("Keep me signed in"), els["login"], link("Forgot password?"), link("Create an account"))
        root = page(site, header(brand, nav), E("main", {}, form), footer(brand, FOOT))
        steps.append((root, els[key], op, val))
        typed[key] = val
    menu = [link(x) for x in ("Dashboard", "Projects", "Settings", "Billing", "Sign out")]
    dash = page(site, header(brand, nav), E("nav", {"aria_label": "account menu"}, *menu),
                E("main", {}, E("h1", {}, f"Welcome back, {user}"), link("View recent activity"),
                  button("New project")), footer(brand, FOOT))
    steps.append((dash, menu[2], "CLICK", ""))
    chosen = ""
    for key in ("choose", "save"):
        sel = select(setting, choices, chosen)
        other = select("Date format" if setting == "Language" else "Language",
                       ["MM/DD/YYYY", "DD/MM/YYYY", "YYYY-MM-DD"] if setting == "Language" else LANGUAGES)
        save = button("Save changes", type="submit")
        form = E("form", {"aria_label": "preferences"}, E("h1", {}, "Settings"), sel, other,
                 checkbox("Email notifications", True), save, button("Cancel"))
        root = page(site, header(brand, nav), E("nav", {"aria_label": "account menu"},
                                                *[link(x) for x in ("Dashboard", "Projects", "Settings")]),
                    E("main", {}, form), footer(brand, FOOT))
        steps.append((root, sel, "SELECT", value) if key == "choose" else (root, save, "CLICK", ""))
        chosen = value
    return site, task, steps
