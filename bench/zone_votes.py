"""Benchmark: how often a card zone's ID is taken, and taken wrong, from simulated readings of its lines.

    .venv/bin/python -m bench.zone_votes --cards 20000

Each card gets a random valid ID, birth date and sex, its zone printed as a Vietnamese card prints it, and 1-7
readings of the first line and 0-4 of the second, each character substituted by an OCR look-alike, dropped or
doubled at a rate drawn from 3-15%. Side by side on the same readings: ``extract.mrz.find_mrz`` (every reading
votes, structure and the composite check digit decide) and the rule it replaced (the first reading whose check
digit holds, with six of the document number's nine characters agreeing). A wrong ID is one taken that is not
the card's; the share of wrong among taken is what matters, since a missing ID only costs a search.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter

from config.reference import province_codes
from extract.layout import PageText, Row
from extract.mrz import _clean, check_digit, find_mrz
from extract.text import OCR_DIGITS
from ocr.hocr import Word

LOOK_ALIKES = {"0": "OD869Q", "1": "I7L4", "2": "Z7", "3": "8B5", "4": "1A9", "5": "S63", "6": "G850",
               "7": "1T2", "8": "B3609", "9": "G806Q"}
RATES = (0.03, 0.06, 0.1, 0.15)
_OLD_LINE1 = re.compile(r"V[NM][NM]([0-9A-Z]{9})([0-9])([0-9]{12})<")


def zone(cid: str, born: str, sex: str) -> tuple[str, str]:
    doc = cid[3:]
    line1 = f"IDVNM{doc}{check_digit(doc)}{cid}<<"
    line1 += check_digit(line1)
    line2 = f"{born}{check_digit(born)}{sex}991231{check_digit('991231')}VNM" + "<" * 11
    line2 += check_digit(line1[5:30] + line2[:7] + line2[8:15] + line2[18:29])
    return line1, line2


def misread(line: str, rate: float, rng: random.Random) -> str:
    out = []
    for ch in line:
        r = rng.random()
        if r < rate and ch in LOOK_ALIKES:
            out.append(rng.choice(LOOK_ALIKES[ch]))
        elif r < 1.15 * rate:
            continue  # dropped
        elif r < 1.3 * rate:
            out.append(ch + rng.choice("0123456789"))  # a speck read as a digit
        else:
            out.append(ch)
    return "".join(out)


def old_rule(rows: list[Row]) -> str | None:
    """The rule before the vote: the first reading whose check digit holds and whose document number agrees with
    the ID's last nine digits in six characters or more."""
    for row in rows:
        if m := _OLD_LINE1.search(_clean(row)):
            doc, chk, cid = m.groups()
            agree = sum(a == b or OCR_DIGITS.get(a) == b for a, b in zip(doc, cid[3:], strict=True))
            if check_digit(cid[3:]) == chk and agree >= 6:
                return cid
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    codes = sorted(province_codes())
    tally: Counter[tuple[str, float, str]] = Counter()
    for _ in range(args.cards):
        year, sex, rate = rng.randint(1930, 2008), rng.choice("MF"), rng.choice(RATES)
        century = (2 if year >= 2000 else 0) + (sex == "F")
        cid = f"{rng.choice(codes)}{century}{year % 100:02d}{rng.randrange(10**6):06d}"
        born = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        line1, line2 = zone(cid, born, sex)
        texts = [misread(line1, rate, rng) for _ in range(rng.randint(1, 7))]
        texts += [misread(line2, rate, rng) for _ in range(rng.randint(0, 4))]
        rows = [Row(1, (Word(t, (0, 0, 1, 1), 0.5, 0),)) for t in texts]
        found = find_mrz([PageText(1, 0, 0, tuple(rows))])
        for rule, got in (("vote", found.citizen_id if found else None), ("first holding", old_rule(rows))):
            tally[(rule, rate, "none" if got is None else "right" if got == cid else "wrong")] += 1
    print(f"{args.cards} simulated cards, seed {args.seed}")
    print("| rule | misread rate | IDs taken | right | wrong | wrong of taken |")
    print("|---|---|---|---|---|---|")
    for rule in ("first holding", "vote"):
        for rate in (*RATES, None):
            right = sum(n for (r, x, k), n in tally.items() if r == rule and k == "right" and rate in (None, x))
            wrong = sum(n for (r, x, k), n in tally.items() if r == rule and k == "wrong" and rate in (None, x))
            shown = "all" if rate is None else f"{rate:.0%}"
            print(f"| {rule} | {shown} | {right + wrong} | {right} | {wrong} | {wrong / max(1, right + wrong):.2%} |")


if __name__ == "__main__":
    main()
