"""Linking a person found on a document to a citizen of the registry.

A wrong link hands one person's papers to another, a missing link only costs a manual search, so the rules
below prefer ``review`` whenever the evidence is thin or two citizens fit about equally well:

1. An ID printed on the document and found in the registry links when the registry's name agrees (a
   structurally invalid ID, likely misread, must agree more and be backed by the birth date; a card's own ID,
   which its zone proves, agrees with a name a letter off, marks aside, as the zone spells it). A registry
   entry with a clearly different name is not a link: the person goes to review. A person whose name the scan
   lost links on an ID or an old ID and the exact birth date, when no one else born that day could have given them.
2. Otherwise candidates are blocked on the date of birth (and gender), on the name key within the birth year
   (or years one misread digit away; one OCR confuses for a year printed alone), on a name a letter in five off
   among those born on dates a digit OCR confuses away (name and date both misread), on the other birth dates
   the page's readings gave, and on the old 9-digit ID, and scored by :func:`extract.evidence.assess`. The best
   links automatically only when its name is strong, the full birth date agrees (a year-only date, one a digit
   off, or another reading of the page must be backed by an ID, the address or the place of origin; a date in
   doubt, two digits OCR confuses off or read with little confidence, by an ID or old ID, or the address and
   the place of origin both), nothing contradicts it, the runner-up is at least ``MARGIN`` behind, and, for a
   name common in the registry, something beyond name and birth date ties them.
3. The persons of one document are family: one left for review is matched again with the registered addresses
   of the citizens the others were linked to as its address, where the page prints none that says otherwise
   (:func:`match_persons`), and links when that is what it lacked.

A name alone never links. This module knows nothing of the database: storage implements
:class:`extract.blocking.RegistryLookup`, and the candidates come from `extract.blocking.candidates`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from extract.blocking import RegistryLookup, born_that_day, candidates
from extract.evidence import (
    ADDRESS_STRONG,
    MISREAD_OLD_ID_DIGITS,
    NAME_CANDIDATE,
    Assessment,
    CitizenEntry,
    Evidence,
    assess,
    evidence_from_fields,
    home_key,
    misread_digits,
    origin_differs,
)
from extract.ids import mask_id
from extract.model import FieldValue, Match, Person
from extract.names import letters_off, variant_key, words_kept, words_within

__all__ = ["match_person", "match_persons"]

log = logging.getLogger(__name__)

# -- thresholds (tests/test_matching.py pins the behaviour; scores are extract.evidence.assess's) ----------
NAME_AUTO = 0.90  # a name this close (exact, tone placement, diacritics, family variant) may link on its own
NAME_WITH_ID = 0.80  # ... or this close when an ID, an old ID or the address and exact birth date back it up
NAME_DIFFERENT = 0.60  # below this the names are different people's: an ID owner so named is not a link
# The best candidate must lead the next by this much, or two people fit: review. Same-name-same-birthday
# pairs tie at 0.90; an address, old ID or ID on one side only moves one of them 0.06 or more ahead.
MARGIN = 0.05
BACKING = ("id_same", "id_near", "old_id_same", "old_id_near")  # what lets a letter-damaged name link
MAX_CANDIDATES = 5
# A name carried by this share of the registry (the synthetic NGUYỄN VĂN AN has 2.7%) is common enough that
# someone missing from the registry may well share it with a registered person born the same day: such a
# link needs an ID, the place of origin or the address besides name and birth date.
COMMON_NAME_SHARE = 0.005
NAME_IN_PART = "name read in part: the words read are the registered name's"
NO_NAME = "no name on the document"
OLD_ID_RIVAL = "a namesake's old ID is a misread or two away"
MISREAD_ID_DIGITS = 2  # an ID this many digits from the one read may be the one printed (as ``_ident``'s "id_near")
ZONE_PROOF_LINK = "the ID is the card's own: its machine-readable zone proves it"
NAMELESS_LINK = "name unread: the ID and the exact birth date are the registered citizen's"
NAMELESS_OLD_ID_LINK = "name unread: the old ID and the exact birth date are the registered citizen's"


def _corroborated(a: Assessment) -> bool:
    """Something beyond name, birth and gender ties the document to this citizen."""
    return (
        a.ident in BACKING
        or (a.address or 0.0) >= ADDRESS_STRONG
        or (a.origin or 0.0) >= ADDRESS_STRONG
    )


def _strongly_corroborated(a: Assessment) -> bool:
    """An ID or old ID ties them, or both the address and the place of origin do: what a birth date read in doubt
    needs, since a namesake of the same household may be born in a year one misread digit away."""
    return a.ident in BACKING or ((a.address or 0.0) >= ADDRESS_STRONG and (a.origin or 0.0) >= ADDRESS_STRONG)


def _auto_ok(a: Assessment, read_name: str = "") -> bool:
    if a.conflict:
        return False
    # An ID or old ID backs a name with damaged letters; the exact birth date with the same address or place of
    # origin backs one letter of one word (a household page: "RƯƠNG" for HƯƠNG), not another word (a twin's
    # "LAN ANH" for "NGỌC ANH").
    place = max(a.address or 0.0, a.origin or 0.0)
    backed = a.ident in BACKING or (a.birth == "exact" and place >= ADDRESS_STRONG
                                    and letters_off(read_name, a.entry.full_name) == 1)
    if a.name < (NAME_WITH_ID if backed else NAME_AUTO) and not _old_id_carries(a, read_name):
        return False
    if a.birth == "doubt":
        return _strongly_corroborated(a)
    if a.birth == "none":
        # An old ID the registry holds under the name as registered identifies the citizen as a valid ID does on
        # a page without a birth date (``_id_link_ok``); a name a letter off needs the birth date too.
        return a.ident == "old_id_same" and a.name >= NAME_AUTO
    return a.birth == "exact" or (a.birth in ("read", "near", "year") and _corroborated(a))


def _old_id_carries(a: Assessment, read_name: str) -> bool:
    """The old ID and the exact birth date identify the citizen as a valid ID does (rule 1), and so do the old ID,
    the birth year printed alone (a land certificate's "Năm sinh") and the address: a name with
    words lost to the scan, or one letter of one word misread ("LAM" for LAN), still links (``words_kept``); never
    one with a word replaced, since a household row's number may sit under a twin's name."""
    # Of the places only the address: a place of origin is a whole commune's, and old IDs went out in its batches.
    born = a.birth == "exact" or (a.birth == "year" and (a.address or 0.0) >= ADDRESS_STRONG)
    return a.ident == "old_id_same" and born and a.name >= NAME_DIFFERENT and words_kept(read_name, a.entry.full_name)


# -- the decision ------------------------------------------------------------------------------------------


def _as_match(status: str, best: Assessment | None, shown: list[Assessment], reasons: list[str]) -> Match:
    return Match(
        status=status,
        citizen_id=best.entry.citizen_id if status == "matched" and best else None,
        score=round(best.score, 4) if best else 0.0,
        reasons=reasons,
        candidates=[(a.entry.citizen_id, round(a.score, 4)) for a in shown[:MAX_CANDIDATES]],
    )


def match_person(
    fields: Mapping[str, FieldValue],
    lookup: RegistryLookup,
    *,
    role: str,
    id_valid: bool | None = None,
    birth_province: str | None = None,
    kin_homes: frozenset[str] = frozenset(),
) -> Match:
    """The ``match`` object of one person (contract: status, citizen_id, score, reasons, candidates).

    `id_valid` is the structural verdict on the printed ID when the caller has one (extract.ids); without
    it the ID's shape is checked here against the birth year and gender.
    """
    ev = evidence_from_fields(fields, role=role, id_valid=id_valid, birth_province=birth_province,
                              kin_homes=kin_homes)
    if not ev.name:
        return _nameless(ev, lookup)

    reasons: list[str] = []
    owner_conflict: Assessment | None = None
    old_ids_known = bool(ev.old_id) and lookup.has_old_ids()
    if ev.citizen_id and len(ev.citizen_id) == 12:
        entry = lookup.by_id(ev.citizen_id)
        if entry is None:
            reasons.append("ID not in registry" if ev.id_valid else "ID unreadable and not in registry")
        else:
            a = assess(ev, entry, old_ids_known)
            if a.name < NAME_DIFFERENT and not _id_carries(ev, a, lookup):
                owner_conflict = a
                reasons.append("ID belongs to a differently named citizen")
            elif _id_link_ok(ev, a):
                log.debug("person (%s) linked on ID %s", role, mask_id(entry.citizen_id))
                part = [NAME_IN_PART] if a.name < NAME_WITH_ID and _in_part(ev.name, entry.full_name) else []
                part += [ZONE_PROOF_LINK] if ev.id_proved else []
                return _as_match("matched", a, [a], [*part, *a.reasons])
            else:
                reasons.append("ID found but name or birth date disagree")
                return _as_match("review", a, [a], [*reasons, *a.reasons])

    pool = [assess(ev, e, old_ids_known) for e in candidates(ev, lookup)]
    if owner_conflict is not None:
        pool = [a for a in pool if a.entry.citizen_id != owner_conflict.entry.citizen_id]
    pool.sort(key=lambda a: (-a.score, -a.name, a.entry.citizen_id))
    plausible = [a for a in pool if a.name >= NAME_CANDIDATE and a.birth != "mismatch" and a.gender != "differ"]
    shown = plausible + ([owner_conflict] if owner_conflict else [])

    if not plausible:
        reasons.append("no registry candidate" if not pool else "no registry candidate with a similar name and birth")
        status = "review" if owner_conflict else "unmatched"
        return _as_match(status, owner_conflict, shown, reasons)

    best = plausible[0]
    # Only people with a similar name compete; someone else born that day is no rival.
    rivals = [a for a in pool if a is not best and a.name >= NAME_CANDIDATE]
    if rivals and best.score - rivals[0].score < MARGIN:
        close = 1 + sum(1 for a in rivals if best.score - a.score < MARGIN)
        reasons.append(f"{close} candidates within {MARGIN:.2f}")
        return _as_match("review", best, shown, [*reasons, *best.reasons])
    auto = owner_conflict is None and _auto_ok(best, ev.name)
    if auto and not _corroborated(best):
        share = lookup.name_share(best.entry.name_key or variant_key(best.entry.full_name))
        if share >= COMMON_NAME_SHARE:
            reasons.append("common name: needs an ID, address or place of origin too")
            return _as_match("review", best, shown, [*reasons, *best.reasons])
    if auto and best.birth == "none" and any(_old_id_near(ev, a) for a in rivals):
        # Only the old ID tells them apart: a namesake's a digit or two off may be the one printed.
        reasons.append(OLD_ID_RIVAL)
        return _as_match("review", best, shown, [*reasons, *best.reasons])
    if auto:
        log.debug("person (%s) linked to %s, score %.3f", role, mask_id(best.entry.citizen_id), best.score)
        return _as_match("matched", best, shown, [*reasons, *best.reasons])
    reasons.append(_why_not(best))
    return _as_match("review", best, shown, [*reasons, *best.reasons])


def _nameless(ev: Evidence, lookup: RegistryLookup) -> Match:
    """A person whose name the scan lost. A valid ID the registry holds, and the exact birth date the page prints
    and the registry gives its holder, identify the citizen as the ID and a consistent name do (rule 1), unless
    something else could have given the same: another of the household born that day (a household row's ID put
    under the wrong row, ``_housemate_born``), anyone born that day whose ID is a misread or two away (a twin
    registered elsewhere), a place of origin printed that is surely another. Without such an ID the old ID may do
    the same (``_nameless_old_id``). The name stays unread; a link on less is only proposed for review."""
    entry = lookup.by_id(ev.citizen_id) if ev.id_valid and ev.citizen_id and len(ev.citizen_id) == 12 else None
    if entry is None:
        return _nameless_old_id(ev, lookup)
    a = assess(replace(ev, name=""), entry)
    born = born_that_day(ev, lookup)
    alone = not _housemate_born(entry, born) and not _id_neighbour_born(ev, entry, born)
    if a.birth == "exact" and not a.conflict and alone and not origin_differs(ev.origin, entry.place_of_origin,
                                                                                  ev.origin_unsure):
        log.debug("person without a name linked on ID %s and birth date", mask_id(entry.citizen_id))
        return _as_match("matched", a, [a], [NAMELESS_LINK, *a.reasons])
    return _as_match("review", a, [a], [NO_NAME, *a.reasons])


def _nameless_old_id(ev: Evidence, lookup: RegistryLookup) -> Match:
    """A person whose name the scan lost and whose ID is unread or not registered, on a page with an old ID (a
    household row's "CMND số"). A CMND number is no key on its own (offices' ranges collide), but with the exact
    birth date, and no one else born that day whose old ID it could be misread from or who lives with them, it
    identifies the citizen as a valid ID does; otherwise the old ID's owners are proposed for review."""
    owners = [assess(replace(ev, name=""), e, True) for e in lookup.by_old_id(ev.old_id)] if ev.old_id else []
    if not owners:
        return Match(status="unmatched", reasons=[NO_NAME])
    owners.sort(key=lambda a: (-a.score, a.entry.citizen_id))
    fits = [a for a in owners if a.ident == "old_id_same" and a.birth == "exact" and not a.conflict]
    if len(fits) == 1:
        a = fits[0]
        born = born_that_day(ev, lookup)
        near = any(e.citizen_id != a.entry.citizen_id and e.old_id_number and _old_ids_near(ev.old_id or "",
                                                                                          e.old_id_number)
                   for e in born)
        if not near and not _housemate_born(a.entry, born) and not origin_differs(
                ev.origin, a.entry.place_of_origin, ev.origin_unsure):
            log.debug("person without a name linked on old ID %s and birth date", mask_id(ev.old_id or ""))
            return _as_match("matched", a, [a], [NAMELESS_OLD_ID_LINK, *a.reasons])
    return _as_match("review", owners[0], owners, [NO_NAME, *owners[0].reasons])


def _digits_apart(read: str, theirs: str) -> bool:
    """Whether a number read is ``MISREAD_ID_DIGITS`` digits or fewer from ``theirs``: a misread or two away."""
    return Levenshtein.distance(theirs, read, score_cutoff=MISREAD_ID_DIGITS) <= MISREAD_ID_DIGITS


def _old_ids_near(read: str, theirs: str) -> bool:
    """Whether an old ID read may be ``theirs`` misread: two digits or fewer off, or digits OCR confuses."""
    return _digits_apart(read, theirs) or misread_digits(read, theirs, MISREAD_OLD_ID_DIGITS)


def _old_id_near(ev: Evidence, a: Assessment) -> bool:
    """Whether candidate ``a``'s old ID is two digits or fewer from the one read."""
    theirs = a.entry.old_id_number
    return bool(ev.old_id and theirs) and _digits_apart(ev.old_id or "", theirs or "")


def _id_neighbour_born(ev: Evidence, entry: CitizenEntry, born: Sequence[CitizenEntry]) -> bool:
    """Whether anyone else ``born`` on the page's birth date has an ID two digits or fewer from the one read."""
    return any(e.citizen_id != entry.citizen_id and _digits_apart(ev.citizen_id or "", e.citizen_id) for e in born)


def _housemate_born(entry: CitizenEntry, born: Sequence[CitizenEntry], name: str | None = None) -> bool:
    """Whether someone else of ``entry``'s household (anyone, where the registry keeps no addresses) is among those
    ``born`` on the page's birth date, with a name ``name`` fits as well when one is given."""
    home = home_key(entry.permanent_address or "")

    def housemate(e: CitizenEntry) -> bool:
        return not home or not e.permanent_address or home_key(e.permanent_address) == home

    return any(e.citizen_id != entry.citizen_id and housemate(e) and (name is None or words_within(name, e.full_name))
               for e in born)


def _id_link_ok(ev: Evidence, a: Assessment) -> bool:
    if a.gender == "differ" or a.birth == "mismatch":
        return False
    if ev.id_valid:
        # A card's own ID, proved by its zone, is no one else's: its name is consistent with the registry's at a
        # letter off, marks aside, which the zone does not spell ("NGUYEN NINH HUNG" for NGUYỄN MINH HÙNG).
        if ev.id_proved and (off := letters_off(ev.name, a.entry.full_name)) is not None and off <= 1:
            return True
        # Without a birth date "valid" is the ID's pattern alone: a sister's ID under a name a letter off (a household
        # row misread, HƯƠNG for PHƯƠNG) would pass NAME_WITH_ID. The name must then link as if on its own.
        alone = a.birth == "none" and not ev.id_proved
        return a.name >= (NAME_AUTO if alone else NAME_WITH_ID) or a.birth == "exact"
    # A misread ID that happens to exist must be carried by the name and the birth date, not the digits.
    return a.name >= NAME_AUTO and a.birth in ("exact", "read", "near", "year")


def _id_carries(ev: Evidence, a: Assessment, lookup: RegistryLookup) -> bool:
    """A valid ID and the exact birth date identify the citizen (rule 1); a name the scan cut short ("NGUYỄN" of
    NGUYỄN THỊ PHƯƠNG, ``words_within``) is consistent with them, never one with a word replaced; and only when no
    one else of the household born that day has a name it fits as well (a twin NGUYỄN VĂN BÌNH whose ID a
    household row put under "NGUYỄN VĂN"). Where the registry keeps no addresses, anyone born that day counts."""
    if not (ev.id_valid and ev.dob and a.birth == "exact" and a.gender != "differ"
            and words_within(ev.name, a.entry.full_name)):
        return False
    return not _housemate_born(a.entry, born_that_day(ev, lookup), ev.name)


def _in_part(read: str, registered: str) -> bool:
    """The name read is fewer words of the registered one, none replaced: what the record's reason says."""
    return len(read.split()) < len(registered.split()) and words_within(read, registered)


def _why_not(a: Assessment) -> str:
    if a.conflict:
        return "evidence conflicts"
    if a.name < NAME_AUTO:
        return "name not close enough"
    if a.birth == "none":
        return "thin evidence: no date of birth"
    if a.birth == "near":
        return "thin evidence: date of birth a digit off, nothing else ties them"
    if a.birth == "doubt":
        return "thin evidence: date of birth in doubt, needs an ID, or the address and place of origin both"
    if a.birth == "read":
        return "thin evidence: date of birth is another reading of the page, nothing else ties them"
    return "thin evidence: birth year only, nothing else ties them"


def _home(m: Match, lookup: RegistryLookup) -> str | None:
    """The registered address of the citizen a match links; none for a person not linked on its own evidence (a
    candidate in review may be someone else, and two such must not vouch for each other)."""
    entry = lookup.by_id(m.citizen_id) if m.status == "matched" and m.citizen_id else None
    return home_key(entry.permanent_address) if entry is not None and entry.permanent_address else None


def match_persons(persons: Sequence[Person], lookup: RegistryLookup) -> list[Person]:
    """Every person of one document matched; one citizen linked twice sends both to review.

    The persons of one civil record are family: a person left for review is matched again with the registered
    addresses of the citizens the others were linked to as evidence of where it lives (``Evidence.kin_homes``,
    where the page prints no address of its own that says otherwise): a father printed with his birth year alone
    whose only namesake of that year lives where his linked child does."""
    out = [replace(p, match=match_person(p.fields, lookup, role=p.role)) for p in persons]
    homes = [_home(p.match, lookup) for p in out]
    for k, p in enumerate(out):
        kin = frozenset(h for j, h in enumerate(homes) if j != k and h is not None)
        if p.match.status != "matched" and kin:
            again = match_person(p.fields, lookup, role=p.role, kin_homes=kin)
            if again.status == "matched":
                out[k] = replace(p, match=again)
    seen: dict[str, int] = {}
    for p in out:
        if p.match.status == "matched" and p.match.citizen_id:
            seen[p.match.citizen_id] = seen.get(p.match.citizen_id, 0) + 1
    twice = {cid for cid, n in seen.items() if n > 1}
    if not twice:
        return out
    return [
        replace(
            p,
            match=replace(
                p.match,
                status="review",
                citizen_id=None,
                reasons=[*p.match.reasons, "same citizen linked to two persons of this document"],
            ),
        )
        if p.match.citizen_id in twice
        else p
        for p in out
    ]
