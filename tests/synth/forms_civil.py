"""Civil status records: birth, marriage and death, in current (TT 04/2020) and older layouts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import places
from .dates import date_in_words, long_date, random_date
from .forms_common import (
    GENDER_VI,
    Cast,
    Form,
    Style,
    commune_organ,
    header_row,
    issue_date,
    official_name,
    person,
    place_date,
    seal_for,
    signature_block,
)
from .layout import Builder
from .people import TODAY, Citizen

CAUSES = ("Già yếu", "Bệnh", "Bệnh tim mạch", "Tai nạn giao thông", "Bệnh hiểm nghèo", "Tuổi cao")


def _registration(rng: random.Random, event: date) -> tuple[date, str, str]:
    """Registration date, number and book: registered within weeks, in a yearly numbered book."""
    reg = min(event + timedelta(days=rng.randint(1, 60)), TODAY)
    number = str(rng.randint(1, 480))
    book = f"{rng.randint(1, 4):02d}/{reg.year}" if rng.random() < 0.7 else f"{rng.randint(1, 9):02d}"
    return reg, number, book


def _parents(cast: Cast, child: Citizen) -> tuple[Citizen | None, Citizen | None]:
    rng = cast.rng
    mother = cast.get(child.mother_id)
    father = cast.get(child.father_id)
    born = child.date_of_birth
    if mother is None:
        mother = cast.outsider("female", random_date(rng, date(born.year - 38, 1, 1), date(born.year - 19, 12, 31)),
                               home=child.home, ethnicity=child.ethnicity)
    if father is None and rng.random() < 0.9:
        father = cast.outsider("male", random_date(rng, date(born.year - 45, 1, 1), date(born.year - 21, 12, 31)),
                               family=child.family_name, home=child.home, ethnicity=child.ethnicity)
    return mother, father


def birth_certificate(cast: Cast, level: str) -> Form:
    rng = cast.rng
    child = cast.pick(lambda c: c.date_of_birth.year >= 1950) or cast.registry[0]
    child = cast.maybe_outsider(child)
    mother, father = _parents(cast, child)
    era = "new" if child.date_of_birth.year >= 2016 or rng.random() < 0.5 else "old"
    style = Style.draw(rng, era)
    # The ID's province digits are where the birth was registered, so register it in that province.
    loc = child.home if child.home.province_code == child.birth_province else places.random_locality(
        rng, child.birth_province)
    reg, number, book = _registration(rng, child.date_of_birth)
    copy = rng.random() < 0.45
    if era == "new":
        # Current forms (TT 04/2020) exist from 2016: an older birth appears as an extract issued since.
        title = "GIẤY KHAI SINH" if reg.year >= 2016 and rng.random() < 0.5 else "TRÍCH LỤC KHAI SINH"
        issued = reg if title == "GIẤY KHAI SINH" and not copy else issue_date(rng, max(reg, date(2016, 1, 1)))
    else:
        title = "GIẤY KHAI SINH"
        issued = issue_date(rng, reg) if copy else reg
    authority = loc.authority()
    organ = commune_organ(loc)
    signer = official_name(rng)
    words = date_in_words(child.date_of_birth, rng)
    show_id = era == "new"
    sname = style.name(child)
    v = style.vstyle
    parent_year_only = rng.random() < 0.8
    note_line = rng.random() < 0.5
    pad = rng.random() < 0.7

    def parent_block(b: Builder, p: Citizen | None, label: str) -> None:
        if p is None:
            b.blank_field(label)
            return
        b.field(label, style.name(p), leader=style.leaders)
        born = str(p.date_of_birth.year) if parent_year_only else style.date(p.date_of_birth)
        b.row([[("Năm sinh:" if parent_year_only else "Ngày, tháng, năm sinh:", "regular"), (born, v)],
               [("Dân tộc:", "regular"), (p.ethnicity, v)], [("Quốc tịch:", "regular"), (p.nationality, v)]],
              stops=(0, 0.42, 0.7))
        b.field("Nơi cư trú:" if era == "new" else "Nơi thường trú:", p.permanent_address, vstyle=v)

    def draw(b: Builder) -> None:
        header_row(b, organ, [f"Số: {number}", f"Quyển số: {book}"])
        b.text(title, style="bold", align="center", size=round(b.px * 1.35))
        if copy:
            b.text("(BẢN SAO)", style="bold", align="center")
        b.space(0.6)
        if era == "new":
            b.field("Họ, chữ đệm, tên:", sname, leader=style.leaders)
            b.field("Ngày, tháng, năm sinh:", style.date(child.date_of_birth), vstyle=v)
            b.field("ghi bằng chữ:", words, vstyle="regular", lstyle="italic", indent=b.pt(24))
            b.row([[("Giới tính:", "regular"), (GENDER_VI[child.gender], v)],
                   [("Dân tộc:", "regular"), (child.ethnicity, v)],
                   [("Quốc tịch:", "regular"), (child.nationality, v)]], stops=(0, 0.35, 0.65))
        else:
            b.field("Họ và tên:", sname, leader=style.leaders)
            b.field("Giới tính:", GENDER_VI[child.gender], vstyle=v)
            b.field("Ngày, tháng, năm sinh:", style.date(child.date_of_birth), vstyle=v)
            b.field("Ghi bằng chữ:", words, vstyle="regular")
            b.row([[("Dân tộc:", "regular"), (child.ethnicity, v)],
                   [("Quốc tịch:", "regular"), (child.nationality, v)]], stops=(0, 0.45))
        b.field("Nơi sinh:", child.place_of_birth, vstyle=v)
        b.field("Quê quán:", child.place_of_origin, vstyle=v)
        if show_id:
            b.field("Số định danh cá nhân:", child.citizen_id, vstyle="bold")
        b.space(0.4)
        if era == "new":
            parent_block(b, mother, "Họ, chữ đệm, tên người mẹ:")
            parent_block(b, father, "Họ, chữ đệm, tên người cha:")
        else:
            parent_block(b, father, "Họ và tên cha:")
            parent_block(b, mother, "Họ và tên mẹ:")
        b.space(0.4)
        b.field("Nơi đăng ký khai sinh:", authority, vstyle="regular")
        b.field("Ngày, tháng, năm đăng ký:", style.date(reg), vstyle="regular")
        if note_line:
            b.blank_field("Ghi chú:")
        b.space(0.6)
        titles = ["NGƯỜI KÝ TRÍCH LỤC"] if title.startswith("TRÍCH") else ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        signature_block(b, titles, signer, dated=place_date(loc, issued, pad=pad),
                        note="(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)" if era == "new" else None)

    persons = [person("subject", child, cast, full_name=style.truth_name(sname),
                      date_of_birth=child.date_of_birth.isoformat(), gender=child.gender,
                      citizen_id=child.citizen_id if show_id else None, ethnicity=child.ethnicity,
                      nationality=child.nationality, place_of_birth=child.place_of_birth,
                      place_of_origin=child.place_of_origin)]
    for role, p in (("mother", mother), ("father", father)):
        if p is not None:
            born = str(p.date_of_birth.year) if parent_year_only else p.date_of_birth.isoformat()
            persons.append(person(role, p, cast, full_name=style.truth_name(style.name(p)), date_of_birth=born,
                                  gender=p.gender, ethnicity=p.ethnicity, nationality=p.nationality,
                                  permanent_address=p.permanent_address))
    fields = {"registration_number": number, "book_number": book, "registration_date": reg.isoformat(),
              "issuing_authority": authority, "document_date": issued.isoformat()}
    return Form("birth_certificate", era, [draw], fields, persons, seal_for(organ, loc),
                variant=f"{era}:{title}{' (BẢN SAO)' if copy else ''}")


def _couple(cast: Cast) -> tuple[Citizen, Citizen]:
    rng = cast.rng
    husband = cast.pick(lambda c: c.gender == "male" and c.spouse_id is not None and c.age() >= 20)
    wife = cast.get(husband.spouse_id) if husband else None
    if husband is None or wife is None:
        husband = cast.outsider("male", random_date(rng, date(1950, 1, 1), date(2000, 1, 1)))
        wife = cast.outsider("female", husband.date_of_birth + timedelta(days=rng.randint(-700, 2900)),
                             home=husband.home)
    return cast.maybe_outsider(wife), cast.maybe_outsider(husband)


def marriage_certificate(cast: Cast, level: str) -> Form:
    rng = cast.rng
    wife, husband = _couple(cast)
    earliest = max(husband.date_of_birth.year + 20, wife.date_of_birth.year + 18)
    day = random_date(rng, date(earliest, 1, 1), min(date(earliest + 8, 12, 31), TODAY))
    era = "new" if day.year >= 2016 else "old"
    style = Style.draw(rng, era)
    _, number, book = _registration(rng, day)
    loc = wife.home if rng.random() < 0.5 else husband.home
    authority = loc.authority()
    organ = commune_organ(loc)
    signer = official_name(rng)
    v = style.vstyle
    ids = {}
    for p in (wife, husband):
        if day.year >= 2016 and rng.random() < 0.7:
            ids[p.citizen_id] = ("CCCD số", p.citizen_id)
        elif p.old_id_number and day.year >= 1980:
            ids[p.citizen_id] = ("CMND số", p.old_id_number)
    lab = "Họ, chữ đệm, tên" if era == "new" else "Họ và tên"

    def column(b: Builder, p: Citizen, who: str) -> None:
        b.text(f"{lab} {who}:")
        b.text(style.name(p), style="bold")
        b.field("Ngày, tháng, năm sinh:", style.date(p.date_of_birth), vstyle=v)
        b.field("Dân tộc:", p.ethnicity, vstyle=v)
        b.field("Quốc tịch:", p.nationality, vstyle=v)
        b.field("Nơi cư trú:", p.permanent_address, vstyle="regular")
        if p.citizen_id in ids:
            kind, num = ids[p.citizen_id]
            b.field("Giấy tờ tùy thân:", f"{kind} {num}", vstyle="regular")

    def draw(b: Builder) -> None:
        header_row(b, organ, [f"Số: {number}", f"Quyển số: {book}"])
        b.text("GIẤY CHỨNG NHẬN KẾT HÔN", style="bold", align="center", size=round(b.px * 1.35))
        b.space(0.8)
        (l0, l1), (r0, r1) = b.split(0.5, gutter_mm=8)
        top = b.y
        with b.frame(l0, l1, y=top):
            column(b, wife, "vợ")
        left_end = b.y
        with b.frame(r0, r1, y=top):
            column(b, husband, "chồng")
        b.y = max(left_end, b.y)
        b.space(0.6)
        b.field("Nơi đăng ký kết hôn:", authority, vstyle="regular")
        b.field("Ngày, tháng, năm đăng ký:", style.date(day), vstyle="regular")
        b.space(0.6)
        top = b.y
        for (x0, x1), who, p in (((l0, l1), "Vợ", wife), ((r0, r1), "Chồng", husband)):
            with b.frame(x0, x1, y=top):
                b.text(who, style="bold", align="center")
                b.text("(Ký, ghi rõ họ, chữ đệm, tên)" if era == "new" else "(Ký, ghi rõ họ tên)",
                       style="italic", align="center", size=round(b.px * 0.85))
                b.sign_here(height_mm=16, seal_mm=0)
                b.text(" ".join(w[:1] + w[1:].lower() for w in p.full_name.split()), align="center")
        b.space(0.6)
        signature_block(b, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], signer,
                        dated=place_date(loc, day), note="(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)")

    persons = []
    for role, p in (("wife", wife), ("husband", husband)):
        kind, num = ids.get(p.citizen_id, ("", None))
        persons.append(person(role, p, cast, full_name=style.truth_name(style.name(p)),
                              date_of_birth=p.date_of_birth.isoformat(), gender=p.gender,
                              ethnicity=p.ethnicity, nationality=p.nationality,
                              permanent_address=p.permanent_address,
                              citizen_id=num if kind == "CCCD số" else None,
                              old_id_number=num if kind == "CMND số" else None))
    fields = {"registration_number": number, "book_number": book, "registration_date": day.isoformat(),
              "issuing_authority": authority, "document_date": day.isoformat()}
    return Form("marriage_certificate", era, [draw], fields, persons, seal_for(organ, loc), variant=era)


def death_certificate(cast: Cast, level: str) -> Form:
    rng = cast.rng
    dead = cast.pick(lambda c: c.date_of_birth.year <= 1960) or cast.registry[0]
    dead = cast.maybe_outsider(dead)
    died = random_date(rng, max(date(1995, 1, 1), dead.date_of_birth + timedelta(days=365 * 45)), TODAY)
    reg, number, book = _registration(rng, died)
    era = "new" if reg.year >= 2016 else "old"
    style = Style.draw(rng, era)
    loc = dead.home
    authority = loc.authority()
    organ = commune_organ(loc)
    signer = official_name(rng)
    copy = rng.random() < 0.5
    issued = issue_date(rng, reg) if copy else reg
    v = style.vstyle
    show_id = era == "new"
    show_old = not show_id and dead.old_id_number is not None
    where = rng.choice((f"Tại nhà, {dead.permanent_address}", f"Bệnh viện Đa khoa "
                        f"{places.province_label(loc.province_code)}"))
    when = f"{rng.randint(0, 23):02d} giờ {rng.randrange(0, 60, 5):02d} phút, {long_date(died)}"
    notice = f"{rng.randint(1, 250)}/GBT"
    cause = rng.choice(CAUSES)
    name = style.name(dead)

    def draw(b: Builder) -> None:
        header_row(b, organ, [f"Số: {number}", f"Quyển số: {book}"])
        b.text("TRÍCH LỤC KHAI TỬ", style="bold", align="center", size=round(b.px * 1.35))
        if copy:
            b.text("(BẢN SAO)", style="bold", align="center")
        b.space(0.6)
        b.field("Họ, chữ đệm, tên người chết:" if era == "new" else "Họ và tên người chết:", name,
                leader=style.leaders)
        b.field("Ngày, tháng, năm sinh:", style.date(dead.date_of_birth), vstyle=v)
        b.row([[("Giới tính:", "regular"), (GENDER_VI[dead.gender], v)],
               [("Dân tộc:", "regular"), (dead.ethnicity, v)],
               [("Quốc tịch:", "regular"), (dead.nationality, v)]], stops=(0, 0.35, 0.65))
        if show_id:
            b.field("Số định danh cá nhân:", dead.citizen_id, vstyle="bold")
        elif show_old:
            b.field("Giấy tờ tùy thân:", f"CMND số {dead.old_id_number}", vstyle=v)
        b.field("Nơi cư trú cuối cùng:", dead.permanent_address, vstyle="regular")
        b.field("Đã chết vào lúc:", when, vstyle=v)
        b.field("Nơi chết:", where, vstyle="regular")
        b.field("Nguyên nhân chết:", cause, vstyle="regular", leader=style.leaders)
        b.field("Giấy báo tử số:", notice, vstyle="regular")
        b.space(0.4)
        b.field("Nơi đăng ký khai tử:", authority, vstyle="regular")
        b.field("Ngày, tháng, năm đăng ký:", style.date(reg), vstyle="regular")
        b.space(0.8)
        signature_block(b, ["NGƯỜI KÝ TRÍCH LỤC"], signer, dated=place_date(loc, issued),
                        note="(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)")

    persons = [person("deceased", dead, cast, full_name=style.truth_name(name),
                      date_of_birth=dead.date_of_birth.isoformat(), gender=dead.gender,
                      ethnicity=dead.ethnicity, nationality=dead.nationality,
                      citizen_id=dead.citizen_id if show_id else None,
                      old_id_number=dead.old_id_number if show_old else None,
                      permanent_address=dead.permanent_address)]
    fields = {"registration_number": number, "book_number": book, "registration_date": reg.isoformat(),
              "issuing_authority": authority, "document_date": issued.isoformat()}
    return Form("death_certificate", era, [draw], fields, persons, seal_for(organ, loc), variant=era)
