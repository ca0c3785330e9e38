"""Document templates: what each type of civil record prints, as data (``config/templates/*.json``).

A records office adds a document type by dropping one JSON file into a folder named by ``SOHOA_TEMPLATES_DIR``
(several folders separated by ``os.pathsep``), or into ``config/templates``; a file whose ``doc_type`` is already
known replaces that template. Nothing in the code names a document type.

One file::

    {
      "doc_type": "birth_certificate",
      "titles": ["GIẤY KHAI SINH", ...],             # printed titles, any case and accents
      "evidence": ["Nơi đăng ký khai sinh", ...],     # more phrases only this type prints (its labels count too)
      "default_role": "subject",                      # whom person fields belong to before any anchor
      "roles": {"mother": {"implies": {"gender": "female"}}, "member": {"multiple": true}},
      "labels": [{"field": "full_name", "kind": "name", "aliases": ["Họ và tên"], "role": "mother"}, ...],
      "sources": [{"field": "document_date", "source": "place_date"}, ...],
      "columns": {"start": ["Họ và tên vợ"], "end": ["Nơi đăng ký kết hôn"],  # a two-column zone, from..to
                  "roles": ["wife", "husband"]},              # whose fields each column holds (optional)
      "mrz": "holder",                                # whose fields a card's machine-readable zone backs up
      "shared": ["permanent_address"]                 # person fields printed once that hold for everyone on it
    }

Sources (document fields no label introduces): ``place_date`` ("Long Hậu, ngày 12 tháng 4 năm 2005"),
``header_organ`` (the issuing organ top left; ``lines``: "all" or "last"), ``signature_organ`` ("TM. ỦY BAN NHÂN
DÂN" / "HUYỆN …" over the signature), ``phrase`` (one of ``phrases``, found fuzzily), ``person`` (``copy`` the
first of "role.field" found).

Label keys: ``field`` (a contract field name, or null for a label that only ends the value before it), ``kind``
(how the value is read: see ``KINDS``), ``aliases``, ``role`` (a section anchor: the label switches the current
person to that role), ``new_person`` (every occurrence starts another person), ``fallback`` (read only when no
other label gave the field), ``implies`` (fields the label itself says, "Bà:" → female), ``sets_role`` (value →
role of the current person, "Quan hệ với chủ hộ: Chủ hộ" → head; key "*" for any other value), ``flow`` (the
value runs on over line breaks, for running text), ``stops`` (characters ending the value), ``pattern`` (a
regular expression the value must contain; the match is the value), ``zone`` ("header": only above the title,
"body": only below it; person fields are always read below it).

Unknown keys are ignored with a warning (a newer file on an older release still loads); anything else wrong is
a ``TemplateError`` naming the file and the key.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).parent / "templates"
ENV_DIR = "SOHOA_TEMPLATES_DIR"

PERSON_FIELDS = ("full_name", "date_of_birth", "gender", "citizen_id", "old_id_number", "place_of_birth",
                 "place_of_origin", "permanent_address", "ethnicity", "nationality")
DOCUMENT_FIELDS = ("registration_number", "book_number", "registration_date", "issuing_authority",
                   "document_number", "document_date")
CONTRACT_ROLES = ("subject", "father", "mother", "wife", "husband", "deceased", "head", "member", "holder",
                  "land_user")
# name: upper case as printed; date: YYYY-MM-DD or YYYY; gender: male/female; citizen_id: 12 digits; old_id: 9
# digits; person_id: either, by the printed kind ("CCCD số", "CMND số") or the number of digits; text: a short
# value up to the next label or gap; place: text that may wrap onto following lines; code: the first token.
KINDS = ("name", "date", "gender", "citizen_id", "old_id", "person_id", "text", "place", "code")
SOURCES = ("place_date", "header_organ", "signature_organ", "phrase", "person")

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"doc_type", "titles", "evidence", "default_role", "roles", "labels", "sources", "columns", "mrz", "shared",
             "description"}
_LABEL_KEYS = {"field", "kind", "aliases", "role", "new_person", "fallback", "implies", "sets_role", "flow",
               "stops", "pattern", "zone", "note"}
ZONES = ("any", "header", "body")
_ROLE_KEYS = {"multiple", "implies", "parent_of", "adult_on", "same_family_name_as", "note"}
_SOURCE_KEYS = {"field", "source", "lines", "phrases", "copy", "note"}
_COLUMN_KEYS = {"start", "end", "roles", "note"}


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class LabelSpec:
    field: str | None
    kind: str
    aliases: tuple[str, ...]
    role: str | None = None
    new_person: bool = False
    fallback: bool = False
    implies: tuple[tuple[str, str], ...] = ()
    sets_role: tuple[tuple[str, str], ...] = ()
    flow: bool = False
    stops: str = ""
    pattern: str | None = None
    zone: str = "any"  # header: only above the title (a record's "Số:"); body: only below it

    @property
    def is_document_field(self) -> bool:
        return self.field in DOCUMENT_FIELDS


@dataclass(frozen=True)
class RoleSpec:
    name: str
    multiple: bool = False  # several people can hold it (household members, co-owners of land)
    implies: tuple[tuple[str, str], ...] = ()
    # For checking birth years against one another (extract.lifespan): the role whose parent this one is, and
    # the document date on which this person was an adult (a wedding's registration_date).
    parent_of: str | None = None
    adult_on: str | None = None
    # The role whose family name this one bears (extract.family_names): a birth certificate's father, the child's.
    same_family_name_as: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    field: str
    source: str
    lines: str = "all"  # header_organ: "all" lines of the issuing organ, or the "last" one
    phrases: tuple[str, ...] = ()  # phrase: the values that can be printed, found fuzzily
    copy: tuple[str, ...] = ()  # person: "role.field" to copy, the first one found


@dataclass(frozen=True)
class ColumnSpec:
    start: tuple[str, ...]
    end: tuple[str, ...]
    roles: tuple[str, ...] = ()  # the person each column's fields belong to, left then right; () when not fixed


@dataclass(frozen=True)
class Template:
    doc_type: str
    path: str
    titles: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    default_role: str | None = None
    roles: tuple[RoleSpec, ...] = ()
    labels: tuple[LabelSpec, ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    columns: ColumnSpec | None = None
    mrz: str | None = None
    shared: tuple[str, ...] = ()  # person fields the document prints once for everyone on it

    def role(self, name: str) -> RoleSpec:
        for r in self.roles:
            if r.name == name:
                return r
        return RoleSpec(name)


def load_templates(directory: str | Path | None = None) -> list[Template]:
    """Built-in templates, then those of ``SOHOA_TEMPLATES_DIR``, then of ``directory``; later ones replace.

    Cached on the files' names and modification times: a file dropped into a folder (or edited) is picked up
    by the next call, even in a worker that has been running for days.
    """
    dirs = [BUILTIN_DIR]
    dirs += [Path(p) for p in os.environ.get(ENV_DIR, "").split(os.pathsep) if p.strip()]
    if directory is not None:
        dirs.append(Path(directory))
    files: list[tuple[str, int]] = []
    for d in dirs:
        if not d.is_dir():
            raise TemplateError(f"{d}: template folder does not exist")
        files += [(str(p), p.stat().st_mtime_ns) for p in sorted(d.glob("*.json"))]
    return list(_load(tuple(files)))


@lru_cache(maxsize=16)
def _load(files: tuple[tuple[str, int], ...]) -> tuple[Template, ...]:
    by_type: dict[str, Template] = {}
    for path, _ in files:
        t = load_template_file(path)
        if t.doc_type in by_type:
            log.info("template %s replaces %s for %s", path, by_type[t.doc_type].path, t.doc_type)
        by_type[t.doc_type] = t
    return tuple(by_type[k] for k in sorted(by_type))


def load_template_file(path: str | Path) -> Template:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read template: {exc}") from exc
    return _Reader(str(path)).template(data)


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, why: str) -> TemplateError:
        return TemplateError(f"{self.path}: {where}: {why}")

    def unknown(self, obj: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(obj) - allowed):
            log.warning("%s: %s%s: unknown key ignored", self.path, f"{where}." if where else "", key)

    def obj(self, value: object, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, got {type(value).__name__}")
        return value

    def strings(self, value: object, where: str, *, empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            raise self.fail(where, "expected a list of non-empty strings")
        if not value and not empty:
            raise self.fail(where, "must not be empty")
        return tuple(s.strip() for s in value)

    def flag(self, obj: dict, key: str, where: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "expected true or false")
        return value

    def choice(self, value: object, allowed: tuple[str, ...] | set[str], where: str) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(where, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def implies(self, value: object, where: str) -> tuple[tuple[str, str], ...]:
        pairs = self.obj(value, where)
        for k, v in pairs.items():
            self.choice(k, PERSON_FIELDS, f"{where}.{k}")
            if not isinstance(v, str) or not v:
                raise self.fail(f"{where}.{k}", "expected a non-empty string")
        return tuple(sorted(pairs.items()))

    def template(self, data: object) -> Template:
        data = self.obj(data, "top level")
        self.unknown(data, _TOP_KEYS, "")
        doc_type = data.get("doc_type")
        if not isinstance(doc_type, str) or not _SLUG.match(doc_type):
            raise self.fail("doc_type", f"{doc_type!r} is not a lower-case name like 'birth_certificate'")
        titles = self.strings(data.get("titles"), "titles")
        evidence = self.strings(data.get("evidence", []), "evidence", empty=True)
        roles = self.roles(data.get("roles", {}))
        names = {r.name for r in roles}
        default_role = data.get("default_role")
        if default_role is not None:
            self.choice(default_role, names, "default_role")
        labels = tuple(self.label(item, f"labels[{i}]", names) for i, item in enumerate(self.seq(data, "labels")))
        sources = tuple(self.source(item, f"sources[{i}]", names)
                        for i, item in enumerate(self.seq(data, "sources", required=False)))
        columns = None
        if data.get("columns") is not None:
            col = self.obj(data["columns"], "columns")
            self.unknown(col, _COLUMN_KEYS, "columns")
            column_roles = self.strings(col.get("roles", []), "columns.roles", empty=True)
            if column_roles and (len(column_roles) != 2 or len(set(column_roles)) != 2):
                raise self.fail("columns.roles", "two different roles: the left column's, then the right column's")
            for i, role in enumerate(column_roles):
                self.choice(role, names, f"columns.roles[{i}]")
            columns = ColumnSpec(self.strings(col.get("start"), "columns.start"),
                                 self.strings(col.get("end"), "columns.end"), column_roles)
        mrz = data.get("mrz")
        if mrz is not None:
            self.choice(mrz, names, "mrz")
        shared = self.strings(data.get("shared", []), "shared", empty=True)
        for i, name in enumerate(shared):
            self.choice(name, PERSON_FIELDS, f"shared[{i}]")
        return Template(doc_type, self.path, titles, evidence, default_role, roles, labels, sources, columns, mrz,
                        shared)

    def seq(self, data: dict, key: str, *, required: bool = True) -> list:
        value = data.get(key, None if required else [])
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return value

    def roles(self, value: object) -> tuple[RoleSpec, ...]:
        out = []
        for name, spec in self.obj(value, "roles").items():
            where = f"roles.{name}"
            if not _SLUG.match(name):
                raise self.fail(where, "a role is a lower-case name like 'mother'")
            if name not in CONTRACT_ROLES:
                log.warning("%s: %s: role not in the document record contract", self.path, where)
            spec = self.obj(spec, where)
            self.unknown(spec, _ROLE_KEYS, where)
            adult_on = spec.get("adult_on")
            if adult_on is not None:
                self.choice(adult_on, tuple(f for f in DOCUMENT_FIELDS if f.endswith("_date")), f"{where}.adult_on")
            out.append(RoleSpec(name, self.flag(spec, "multiple", where),
                                self.implies(spec.get("implies", {}), f"{where}.implies"),
                                spec.get("parent_of"), adult_on, spec.get("same_family_name_as")))
        names = {r.name for r in out}
        for r in out:
            for key in ("parent_of", "same_family_name_as"):
                if getattr(r, key) is not None:
                    self.choice(getattr(r, key), names - {r.name}, f"roles.{r.name}.{key}")
        return tuple(out)

    def label(self, item: object, where: str, roles: set[str]) -> LabelSpec:
        item = self.obj(item, where)
        self.unknown(item, _LABEL_KEYS, where)
        field = item.get("field")
        if field is not None:
            self.choice(field, PERSON_FIELDS + DOCUMENT_FIELDS, f"{where}.field")
            kind = self.choice(item.get("kind"), KINDS, f"{where}.kind")
        else:
            kind = self.choice(item.get("kind", "text"), KINDS, f"{where}.kind")
        aliases = self.strings(item.get("aliases"), f"{where}.aliases")
        role = item.get("role")
        if role is not None:
            self.choice(role, roles, f"{where}.role")
        sets_role: tuple[tuple[str, str], ...] = ()
        if "sets_role" in item:
            mapping = self.obj(item["sets_role"], f"{where}.sets_role")
            for k, v in mapping.items():
                self.choice(v, roles, f"{where}.sets_role.{k}")
            sets_role = tuple(mapping.items())
        pattern = item.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise self.fail(f"{where}.pattern", f"not a regular expression: {exc}") from exc
        stops = item.get("stops", "")
        if not isinstance(stops, str):
            raise self.fail(f"{where}.stops", "expected a string of characters")
        new_person = self.flag(item, "new_person", where)
        if field is not None and field in DOCUMENT_FIELDS and (role or new_person):
            raise self.fail(where, "a document field cannot start or switch a person")
        zone = self.choice(item.get("zone", "any"), ZONES, f"{where}.zone")
        return LabelSpec(field, kind, aliases, role, new_person, self.flag(item, "fallback", where),
                         self.implies(item.get("implies", {}), f"{where}.implies"), sets_role,
                         self.flag(item, "flow", where), stops, pattern, zone)

    def source(self, item: object, where: str, roles: set[str]) -> SourceSpec:
        item = self.obj(item, where)
        self.unknown(item, _SOURCE_KEYS, where)
        field = self.choice(item.get("field"), DOCUMENT_FIELDS, f"{where}.field")
        source = self.choice(item.get("source"), SOURCES, f"{where}.source")
        lines = self.choice(item.get("lines", "all"), ("all", "last"), f"{where}.lines")
        phrases = self.strings(item.get("phrases", []), f"{where}.phrases", empty=source != "phrase")
        copy = self.strings(item.get("copy", []), f"{where}.copy", empty=source != "person")
        for i, ref in enumerate(copy):
            role, _, fld = ref.partition(".")
            self.choice(role, roles, f"{where}.copy[{i}] role")
            self.choice(fld, PERSON_FIELDS, f"{where}.copy[{i}] field")
        return SourceSpec(field, source, lines, phrases, copy)
