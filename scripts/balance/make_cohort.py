#!/usr/bin/env python3
"""Synthetic 120-person mentoring cohort, deterministic (seed below).

Writes, in the current directory:
  cohort.csv              aspire roster + `gender`, `underrepresented` columns
  cohort_noidentity.csv   same roster without gender/underrepresented (aspire's current columns)
  criteria.toml           aspire criteria (with no_isolated rules)
  criteria_noidentity.toml  same without no_isolated
  history.csv             earlier round: group,email (20 random groups of 6)
  keep_apart.csv          5 supervisor/supervisee pairs: a,b
  random_groups.csv       a fresh random grouping (baseline for metrics.py)
  groupeng_class.csv      GroupEng class list (same people; see column notes below)
"""
import csv
import os
import random

SEED = 20240611
N = 120
HERE = os.getcwd()  # files are written and read in the current directory

DEPARTMENTS = [  # name, division, size (sums to 120)
    ("Medicine", "Clinical", 16), ("Pediatrics", "Clinical", 14), ("Surgery", "Clinical", 12),
    ("Psychiatry", "Clinical", 12), ("Neurology", "Clinical", 10), ("Radiology", "Clinical", 10),
    ("Epidemiology", "Population", 9), ("Biostatistics", "Population", 9), ("Health Policy", "Population", 8),
    ("Biochemistry", "Basic", 8), ("Genetics", "Basic", 6), ("Pharmacology", "Basic", 6),
]
STAGES = [  # aspire CareerStage codes, counts (sum 120)
    ("student", 20), ("resident_fellow", 15), ("postdoc", 25), ("instructor", 15),
    ("assistant_professor", 25), ("associate_professor", 12), ("full_professor", 8),
]
STAGE_RANK = {code: r for r, (code, _) in enumerate(STAGES)}
# 20 topics in 5 themes of 4; a person's tags lean to one theme (2 from it, 1 anywhere)
THEMES = [
    ["sepsis", "critical care", "acute kidney injury", "trauma"],
    ["autism", "adolescent health", "neonatology", "childhood obesity"],
    ["depression", "addiction", "sleep", "dementia"],
    ["clinical trials", "causal inference", "machine learning", "health equity"],
    ["gene regulation", "drug discovery", "immunology", "microbiome"],
]
TOPICS = [t for th in THEMES for t in th]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
HOURS = [9, 10, 13, 14]  # pool: 5 days x 4 hours = 20 one-hour slots
POOL = [(d, h) for d in DAYS for h in HOURS]
# slot popularity (some hours are widely free -> common hours exist but are not guaranteed)
POPULAR = {("Tue", 10): 3.0, ("Thu", 14): 3.0, ("Wed", 9): 2.0, ("Mon", 13): 2.0, ("Fri", 10): 1.5}


def availability_text(slots):
    """Canonical aspire form, contiguous hours merged: 'Mon 09-11; Wed 13-14'."""
    out = []
    for d in DAYS:
        hs = sorted(h for (dd, h) in slots if dd == d)
        i = 0
        while i < len(hs):
            j = i
            while j + 1 < len(hs) and hs[j + 1] == hs[j] + 1:
                j += 1
            out.append("%s %02d-%02d" % (d, hs[i], hs[j] + 1))
            i = j + 1
    return "; ".join(out)


def main():
    rng = random.Random(SEED)
    depts = [(n, div) for n, div, k in DEPARTMENTS for _ in range(k)]
    rng.shuffle(depts)
    stages = [c for c, k in STAGES for _ in range(k)]
    rng.shuffle(stages)
    genders = ["woman"] * 66 + ["man"] * 51 + ["nonbinary"] * 3  # 55% women
    rng.shuffle(genders)
    urm = ["yes"] * 18 + ["no"] * 102  # 15%
    rng.shuffle(urm)

    people = []
    for i in range(N):
        email = "p%03d@uni.example" % (i + 1)
        theme = THEMES[rng.randrange(len(THEMES))]
        tags = rng.sample(theme, 2)
        tags.append(rng.choice([t for t in TOPICS if t not in tags]))
        rng.shuffle(tags)
        # morning or afternoon person (correlates availability), 6-10 free hours
        am = rng.random() < 0.5
        weights = []
        for d, h in POOL:
            w = POPULAR.get((d, h), 1.0) * (2.0 if (h < 12) == am else 1.0)
            weights.append(w)
        k = rng.randint(6, 10)
        chosen, cand, wts = [], list(POOL), list(weights)
        for _ in range(k):  # weighted sampling without replacement
            x = rng.random() * sum(wts)
            for idx, w in enumerate(wts):
                x -= w
                if x <= 0:
                    break
            chosen.append(cand.pop(idx))
            wts.pop(idx)
        g = genders[i]
        people.append({
            "email": email,
            "name": "Person %03d" % (i + 1),
            "department": depts[i][0],
            "division": depts[i][1],
            "discipline": "",
            "career stage": stages[i],
            "research interests": "; ".join(tags),
            "availability": availability_text(chosen),
            "pronouns": {"woman": "she/her", "man": "he/him"}.get(g, "they/them"),
            "time zone": "America/New_York",
            "gender": g,
            "underrepresented": urm[i],
        })

    # 5 supervisor/supervisee pairs: a senior and a junior person of the same department
    senior = {"assistant_professor", "associate_professor", "full_professor"}
    junior = {"student", "resident_fellow", "postdoc"}
    keep_apart, used = [], set()
    order = list(range(N))
    rng.shuffle(order)
    for a in order:
        if len(keep_apart) == 5:
            break
        if a in used or people[a]["career stage"] not in senior:
            continue
        for b in order:
            if b not in used and b != a and people[b]["career stage"] in junior \
                    and people[b]["department"] == people[a]["department"]:
                keep_apart.append((people[a]["email"], people[b]["email"]))
                used.update((a, b))
                break

    # earlier round: random 20 groups of 6
    perm = [p["email"] for p in people]
    rng.shuffle(perm)
    history = [sorted(perm[6 * g:6 * g + 6]) for g in range(20)]

    cols = ["email", "name", "department", "division", "discipline", "career stage",
            "research interests", "availability", "pronouns", "time zone"]
    with open(os.path.join(HERE, "cohort.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols + ["gender", "underrepresented"])
        w.writeheader()
        w.writerows(people)
    with open(os.path.join(HERE, "cohort_noidentity.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(people)
    with open(os.path.join(HERE, "history.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group", "email"])
        for g, members in enumerate(history):
            for e in members:
                w.writerow(["Earlier %d" % (g + 1), e])
    with open(os.path.join(HERE, "keep_apart.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a", "b"])
        w.writerows(keep_apart)

    def criteria(identity):
        lines = [
            "# aspire criteria for the GroupEng comparison (generated by make_cohort.py)",
            'objective = "total"',
            "group_size = { min = 6, max = 6 }",
            "keep_apart = [",
        ]
        lines += ['  ["%s", "%s"],' % p for p in keep_apart]
        lines += ["]", ""]
        for name, mode, wt in [("department", "diverse", 2.0), ("interests", "similar", 1.5),
                               ("career_rank", "similar", 1.0)]:
            lines += ["[[attribute]]", 'name = "%s"' % name, 'mode = "%s"' % mode, "weight = %.1f" % wt, ""]
        if identity:
            lines += ["[[no_isolated]]", 'attribute = "gender"', 'values = ["woman"]', "",
                      "[[no_isolated]]", 'attribute = "underrepresented"', 'values = ["yes"]', ""]
        lines += ["[availability]", "min_common_slots = 1", "hard = true", "",
                  "[history]", 'repeat = "forbid"', "groups = ["]
        lines += ["  [%s]," % ", ".join('"%s"' % e for e in g) for g in history]
        lines += ["]", ""]
        return "\n".join(lines)

    with open(os.path.join(HERE, "criteria.toml"), "w") as f:
        f.write(criteria(True))
    with open(os.path.join(HERE, "criteria_noidentity.toml"), "w") as f:
        f.write(criteria(False))

    # GroupEng class list. GroupEng reads '' and '0' as missing and matches rule values with
    # Python `in` (substring) inside its cluster repair, so gender uses the letters of its own
    # sample (F/M/X: "man" would be a substring of "woman") and career rank starts at 1.
    # It has no multi-valued attributes: the first listed interest stands for the interests.
    with open(os.path.join(HERE, "groupeng_class.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["email", "gender", "underrepresented", "department", "career stage",
                    "career rank", "primary interest"])
        for p in people:
            w.writerow([p["email"], {"woman": "F", "man": "M"}.get(p["gender"], "X"),
                        p["underrepresented"], p["department"], p["career stage"],
                        STAGE_RANK[p["career stage"]] + 1, p["research interests"].split("; ")[0]])
    # a fresh random grouping (separate generator), as a baseline for the metrics
    base = [p["email"] for p in people]
    random.Random(SEED + 1).shuffle(base)
    with open(os.path.join(HERE, "random_groups.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group", "email"])
        for i, e in enumerate(base):
            w.writerow(["Random %d" % (i // 6 + 1), e])
    print("wrote cohort of %d, %d keep-apart pairs, %d earlier groups" % (N, len(keep_apart), len(history)))


if __name__ == "__main__":
    main()
