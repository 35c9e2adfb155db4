#!/usr/bin/env python3
"""Scores groupings of the synthetic cohort.

Usage: python3 metrics.py LABEL=GROUPS.csv [LABEL=GROUPS.csv ...]
A groupings CSV needs columns `group` and `email` (aspire's `form --out` file and
run_groupeng.py's groupeng_groups.csv both have them). Reads cohort.csv, history.csv and
keep_apart.csv from this directory. Prints one markdown table, figures as rows, one column per
grouping, then keep-apart violations and a few extra figures.
"""
import csv
import itertools
import os
import sys
from collections import defaultdict

HERE = os.getcwd()  # files are written and read in the current directory
RANK = {c: r for r, c in enumerate(["student", "resident_fellow", "postdoc", "instructor",
                                     "assistant_professor", "associate_professor", "full_professor"])}
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def slots(text):
    """'Mon 09-11; Wed 14' -> {(0,9),(0,10),(2,14)} (end hour excluded)."""
    out = set()
    for entry in text.replace(",", ";").split(";"):
        entry = entry.strip()
        if not entry:
            continue
        day, hours = entry.split(None, 1)
        d = DAYS[day[:3].lower()]
        if "-" in hours:
            a, b = hours.split("-")
            a, b = int(a.split(":")[0]), int(b.split(":")[0])
        else:
            a = int(hours.split(":")[0])
            b = a + 1
        out.update((d, h) for h in range(a, b))
    return out


def read_csv(name):
    with open(os.path.join(HERE, name) if not os.path.isabs(name) else name, newline="") as f:
        return list(csv.DictReader(f))


def pairs_of(groups):
    return {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}


def score(path, people, earlier, apart):
    groups = defaultdict(list)
    for row in read_csv(path):
        groups[row["group"]].append(row["email"].strip().lower())
    groups = list(groups.values())
    placed = [e for g in groups for e in g]
    assert sorted(placed) == sorted(people), "%s: grouping does not place everyone exactly once" % path
    lone_w = sum(1 for g in groups if sum(people[e]["gender"] == "woman" for e in g) == 1)
    lone_u = sum(1 for g in groups if sum(people[e]["underrepresented"] == "yes" for e in g) == 1)
    no_hour = sum(1 for g in groups if not set.intersection(*(people[e]["slots"] for e in g)))
    depts = sum(len({people[e]["department"] for e in g}) / len(g) for g in groups) / len(groups)
    within = [tuple(p) for g in groups for p in itertools.combinations(g, 2)]
    repeats = sum(1 for p in within if frozenset(p) in earlier)
    jac = [len(people[a]["tags"] & people[b]["tags"]) / len(people[a]["tags"] | people[b]["tags"])
           for a, b in within]
    violations = sum(1 for p in within if frozenset(p) in apart)
    ranks = [max(people[e]["rank"] for e in g) - min(people[e]["rank"] for e in g) for g in groups]
    sizes = sorted({len(g) for g in groups})
    return {
        "lone": "%d / %d" % (lone_w, lone_u),
        "hour": "%d" % no_hour,
        "dept": "%.3f" % depts,
        "rep": "%d" % repeats,
        "jac": "%.3f" % (sum(jac) / len(jac)),
        "apart": "%d" % violations,
        "extra": "%d groups, sizes %s, mean career-rank range in a group %.2f (0-6 scale)"
                 % (len(groups), "-".join(map(str, sizes)), sum(ranks) / len(ranks)),
    }


def main(args):
    if not args:
        sys.exit(__doc__)
    people = {}
    for r in read_csv("cohort.csv"):
        people[r["email"].lower()] = {
            "gender": r["gender"], "underrepresented": r["underrepresented"],
            "department": r["department"], "slots": slots(r["availability"]),
            "tags": {t.strip().lower() for t in r["research interests"].split(";") if t.strip()},
            "rank": RANK[r["career stage"]],
        }
    hist = defaultdict(list)
    for r in read_csv("history.csv"):
        hist[r["group"]].append(r["email"].lower())
    earlier = pairs_of(hist.values())
    apart = {frozenset((r["a"].lower(), r["b"].lower())) for r in read_csv("keep_apart.csv")}

    labels, results = [], []
    for arg in args:
        label, _, path = arg.partition("=")
        labels.append(label)
        results.append(score(path, people, earlier, apart))
    rows = [
        ("groups with a lone woman / a lone underrepresented member", "lone"),
        ("groups without a common weekly hour", "hour"),
        ("distinct departments per member of a group (mean over groups)", "dept"),
        ("repeated pairs from the earlier round", "rep"),
        ("mean interest overlap of pairs (Jaccard, all within-group pairs)", "jac"),
        ("keep-apart pairs placed together (of %d)" % len(apart), "apart"),
    ]
    print("| figure | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    for title, key in rows:
        print("| %s | %s |" % (title, " | ".join(r[key] for r in results)))
    for label, r in zip(labels, results):
        print("%s: %s" % (label, r["extra"]))


if __name__ == "__main__":
    main(sys.argv[1:])
