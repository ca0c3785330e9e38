"""Household books, land-use certificates and administrative decisions."""

from __future__ import annotations

from datetime import date, timedelta

from . import places
from .dates import add_years, number_words, random_date
from .forms_common import (
    GENDER_VI,
    Cast,
    Form,
    Style,
    district_organ,
    header_row,
    national_header,
    official_name,
    person,
    place_date,
    seal_for,
    signature_block,
)
from .layout import Builder
from .names import old_tone_style
from .people import TODAY, Citizen

JOBS = ("Làm ruộng", "Công nhân", "Giáo viên", "Buôn bán", "Nội trợ", "Lái xe", "Cán bộ", "Tự do", "Thợ may",
        "Bộ đội")
LAND_USE = ("Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng cây lâu năm", "Đất trồng lúa")
LAND_ORIGIN = ("Nhà nước giao đất có thu tiền sử dụng đất",
               "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
               "Nhận chuyển nhượng đất được Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
               "Nhà nước giao đất không thu tiền sử dụng đất")


def _relation(member: Citizen, head: Citizen) -> str:
    if member is head:
        return "Chủ hộ"
    return member.relation if member.relation != "Chủ hộ" else "Khác"


def household_registration(cast: Cast, level: str) -> Form:
    rng = cast.rng
    hid = rng.choice(sorted(h for h, m in cast.households.items() if len(m) >= 2) or sorted(cast.households))
    members = list(cast.households[hid])
    head = next((m for m in members if m.relation == "Chủ hộ"), members[0])
    members = [head] + [m for m in members if m is not head]
    members = [cast.maybe_outsider(m) if m is not head else m for m in members]
    style = Style.draw(rng, "old")
    loc = head.home
    police = f"CÔNG AN {loc.district_unit.upper()} {loc.district.upper()}"
    book_no = f"{rng.randint(10**8, 10**9 - 1)}"
    # Household books were issued to adults and lost legal force on 1 January 2023.
    issued = random_date(rng, max(date(1995, 1, 1), add_years(head.date_of_birth, 18)), date(2022, 6, 30))
    signer = official_name(rng)
    page2_signer = official_name(rng)
    # Only people already born when the book was issued are in it; a book page holds about four entries.
    members = [m for m in members if m.date_of_birth <= issued or m is head][:6]
    two = len(members) > 3 or (len(members) > 1 and rng.random() < 0.3)
    split = (1 if len(members) <= 3 else 2) if two else len(members)
    jobs = {m.citizen_id: ("Học sinh" if m.age(issued) < 18 else "Hưu trí" if m.age(issued) > 60
                           else rng.choice(JOBS)) for m in members}
    v = style.vstyle

    def member_block(b: Builder, m: Citizen) -> None:
        b.row([[("Họ và tên:", "regular"), (style.name(m), "bold")],
               [("Quan hệ với chủ hộ:", "regular"), (_relation(m, head), v)]], stops=(0, 0.6))
        b.row([[("Ngày, tháng, năm sinh:", "regular"), (style.date(m.date_of_birth), v)],
               [("Giới tính:", "regular"), (GENDER_VI[m.gender], v)]], stops=(0, 0.6))
        b.field("Nơi sinh:", m.place_of_birth, vstyle="regular")
        b.field("Nguyên quán:", m.place_of_origin, vstyle="regular")
        b.row([[("Dân tộc:", "regular"), (m.ethnicity, v)], [("Quốc tịch:", "regular"), (m.nationality, v)]],
              stops=(0, 0.6))
        if m.old_id_number and m.age(issued) >= 14:
            b.field("CMND số:", m.old_id_number, vstyle=v)
        else:
            b.blank_field("CMND số:")
        b.field("Nghề nghiệp, nơi làm việc:", jobs[m.citizen_id], vstyle="regular")
        b.rule(b.x1 - b.x0, thickness=2, drop=0.5)
        b.space(0.5)

    def page1(b: Builder) -> None:
        header_row(b, [f"CÔNG AN {places.province_label(loc.province_code).upper()}", police],
                   [f"Số: {book_no}"])
        b.text("SỔ HỘ KHẨU", style="bold", align="center", size=round(b.px * 1.5))
        b.space(0.5)
        b.field("Họ và tên chủ hộ:", style.name(head), leader=style.leaders)
        b.field("Chỗ ở hiện nay:", head.permanent_address, vstyle="regular")
        b.rule(b.x1 - b.x0, thickness=2, drop=0.5)
        b.space(0.5)
        for m in members[:split]:
            member_block(b, m)
        signature_block(b, ["TRƯỞNG CÔNG AN"], signer, dated=place_date(loc, issued, district=True),
                        note="(Ký, ghi rõ họ tên, đóng dấu)")

    def page2(b: Builder) -> None:
        b.text(f"Sổ hộ khẩu số: {book_no}", align="right", style="italic")
        b.space(0.5)
        for m in members[split:]:
            member_block(b, m)
        signature_block(b, ["CÁN BỘ ĐĂNG KÝ"], page2_signer, note="(Ký, ghi rõ họ tên)")

    persons = []
    for m in members:
        has_id = m.old_id_number is not None and m.age(issued) >= 14
        persons.append(person("head" if m is head else "member", m, cast,
                              full_name=style.truth_name(style.name(m)),
                              date_of_birth=m.date_of_birth.isoformat(), gender=m.gender,
                              place_of_birth=m.place_of_birth, place_of_origin=m.place_of_origin,
                              ethnicity=m.ethnicity, nationality=m.nationality,
                              old_id_number=m.old_id_number if has_id else None,
                              permanent_address=head.permanent_address if m is head else None))
        persons[-1]["relation"] = _relation(m, head)
    fields = {"registration_number": book_no, "issuing_authority": police, "document_date": issued.isoformat()}
    pages = [page1, page2] if two else [page1]
    return Form("household_registration", "old", pages, fields, persons, (police, places.province_label(
        loc.province_code).upper()), variant=f"{len(pages)} pages")


def _area_words(area: float) -> str:
    whole, frac = divmod(round(area * 10), 10)
    words = number_words(whole)
    if frac:
        words += f" phẩy {number_words(frac)}"
    return (words[0].upper() + words[1:]) + " mét vuông"


def land_use_certificate(cast: Cast, level: str) -> Form:
    rng = cast.rng
    owner = cast.pick(lambda c: c.age() >= 25 and c.relation == "Chủ hộ") or cast.registry[0]
    owner = cast.maybe_outsider(owner)
    spouse = cast.get(owner.spouse_id) if rng.random() < 0.6 else None
    loc = owner.home
    issued = random_date(rng, date(max(1995, owner.date_of_birth.year + 22), 1, 1), TODAY)
    # The combined land-and-house certificate replaced the "red book" at the end of 2009.
    era = "new" if issued >= date(2009, 12, 10) else "old"
    style = Style.draw(rng, era)
    card = issued.year >= 2016
    serial = f"{rng.choice(('A', 'B', 'C'))}{rng.choice('ABCDEGHK')} {rng.randint(0, 999999):06d}"
    book_entry = f"CH{rng.randint(1, 9999):05d}" if era == "new" else f"H{rng.randint(1, 9999):05d}"
    parcel, sheet = rng.randint(1, 600), rng.randint(1, 60)
    area = round(rng.uniform(60, 900) * (1 if rng.random() < 0.5 else 10)) / 10
    area_txt = f"{area:.1f}".replace(".", ",").replace(",0", "")
    organ = district_organ(loc)
    signer = official_name(rng)
    owners = [owner] + ([spouse] if spouse else [])
    shown = {p.citizen_id: ("CCCD", p.citizen_id) if card and rng.random() < 0.8 else ("CMND", p.old_id_number)
             for p in owners}
    v = style.vstyle

    def owner_lines(b: Builder, p: Citizen) -> None:
        title = ("Ông:" if p.gender == "male" else "Bà:") if era == "new" else "Ông (bà):"
        b.row([[(title, "regular"), (style.name(p), "bold")],
               [("Năm sinh:", "regular"), (str(p.date_of_birth.year), v)]], stops=(0, 0.62))
        kind, number = shown[p.citizen_id]
        if number:
            b.field(f"{kind} số:", number, vstyle=v)
        b.field("Địa chỉ thường trú:", p.permanent_address, vstyle="regular")

    def draw(b: Builder) -> None:
        national_header(b)
        b.space(1.0)
        big = round(b.px * 1.5)
        b.text("GIẤY CHỨNG NHẬN", style="bold", align="center", size=big)
        b.text("QUYỀN SỬ DỤNG ĐẤT", style="bold", align="center", size=big)
        if era == "new":
            sub = "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"
            b.text(sub, style="bold", align="center", size=b.fit(sub, "bold", b.x1 - b.x0, round(b.px * 1.1)))
        b.space(0.6)
        b.text("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", style="bold")
        for p in owners:
            owner_lines(b, p)
        b.space(0.4)
        b.text("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", style="bold")
        b.text("1. Thửa đất:", style="bold")
        b.row([[("a) Thửa đất số:", "regular"), (str(parcel), v)],
               [("Tờ bản đồ số:", "regular"), (str(sheet), v)]], stops=(0, 0.5))
        b.field("b) Địa chỉ:", loc.origin(), vstyle="regular")
        b.field("c) Diện tích:", f"{area_txt} m² (Bằng chữ: {_area_words(area)})", vstyle="regular")
        b.field("d) Hình thức sử dụng:", f"Sử dụng riêng: {area_txt} m²; Sử dụng chung: Không m²",
                vstyle="regular")
        b.field("đ) Mục đích sử dụng:", use, vstyle="regular")
        b.field("e) Thời hạn sử dụng:", "Lâu dài" if use.startswith("Đất ở") else f"Đến ngày {term}",
                vstyle="regular")
        b.field("g) Nguồn gốc sử dụng:", origin, vstyle="regular")
        b.text("2. Nhà ở: -/-")
        b.text("3. Ghi chú: -/-")
        b.space(0.6)
        signature_block(b, ["TM. ỦY BAN NHÂN DÂN", organ[1], "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], signer,
                        dated=place_date(loc, issued, district=True))
        b.space(0.4)
        b.row([[("Số vào sổ cấp GCN:", "regular"), (book_entry, "bold")],
               [("Số phát hành:", "regular"), (serial, "bold")]], stops=(0, 0.55))

    use = rng.choice(LAND_USE[1:2] if loc.urban else LAND_USE[:1] + LAND_USE[2:])
    origin = rng.choice(LAND_ORIGIN)
    term = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{issued.year + 50}"
    persons = []
    for p in owners:
        kind, number = shown[p.citizen_id]
        persons.append(person("land_user", p, cast, full_name=style.truth_name(style.name(p)),
                              date_of_birth=str(p.date_of_birth.year), gender=p.gender,
                              citizen_id=number if kind == "CCCD" else None,
                              old_id_number=number if kind == "CMND" else None,
                              permanent_address=p.permanent_address))
    fields = {"document_number": serial, "registration_number": book_entry,
              "issuing_authority": " ".join(organ), "document_date": issued.isoformat()}
    return Form("land_use_certificate", era, [draw], fields, persons, seal_for(organ, loc), variant=era)


DECISIONS = (
    ("Về việc hưởng trợ cấp xã hội hằng tháng đối với người cao tuổi",
     "Thực hiện chi trả trợ cấp xã hội hằng tháng đối với {title} {name}, sinh ngày {born}, thường trú tại "
     "{address}. Mức trợ cấp: {amount} đồng/tháng, kể từ ngày {start}.", 70),
    ("Về việc hỗ trợ kinh phí sửa chữa nhà ở cho hộ nghèo",
     "Hỗ trợ kinh phí sửa chữa nhà ở cho hộ {title} {name}, sinh ngày {born}, thường trú tại {address}. "
     "Số tiền hỗ trợ: {amount} đồng (bằng chữ: {amount_words} đồng).", 25),
    ("Về việc giao đất ở có thu tiền sử dụng đất",
     "Giao cho {title} {name}, sinh ngày {born}, thường trú tại {address}, được sử dụng thửa đất số {parcel}, "
     "tờ bản đồ số {sheet} để làm nhà ở, kể từ ngày {start}.", 25),
)


def decision(cast: Cast, level: str) -> Form:
    rng = cast.rng
    subject_title, body, min_age = rng.choice(DECISIONS)
    subj = cast.pick(lambda c: c.age() >= min_age) or cast.registry[0]
    subj = cast.maybe_outsider(subj)
    era = "new" if rng.random() < 0.7 else "old"
    style = Style.draw(rng, era)
    loc = subj.home
    organ = district_organ(loc)
    issued = random_date(rng, date(max(2008, subj.date_of_birth.year + min_age), 1, 1), TODAY)
    number = f"{rng.randint(12, 4800)}/QĐ-UBND"
    signer = official_name(rng)
    amount = rng.choice((360000, 480000, 540000, 20000000, 25000000, 40000000))
    amount_txt = f"{amount:,}".replace(",", ".")
    printed = " ".join(w[:1] + w[1:].lower() for w in subj.full_name.split())
    if style.old_tone:
        printed = old_tone_style(printed)
    title = "ông" if subj.gender == "male" else "bà"
    start = (issued.replace(day=1) + timedelta(days=32)).replace(day=1)
    article1 = "Điều 1. " + body.format(
        title=title, name=printed, born=style.date(subj.date_of_birth), address=subj.permanent_address,
        amount=amount_txt, amount_words=_money_words(amount), start=style.date(start),
        parcel=rng.randint(1, 600), sheet=rng.randint(1, 60))
    chair = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {organ[1]}"
    grounds = [
        _law(issued),
        _decree(issued),
        f"Xét đề nghị của Trưởng phòng Lao động - Thương binh và Xã hội {loc.district_unit} {loc.district}.",
    ]
    articles = [article1,
                "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                f"Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {loc.district_unit}, Chủ tịch "
                f"Ủy ban nhân dân {loc.commune_unit} {loc.commune}, các cơ quan, đơn vị có liên quan và "
                f"{title} {printed} chịu trách nhiệm thi hành Quyết định này."]

    def draw(b: Builder) -> None:
        header_row(b, organ, [f"Số: {number}"], place_date=place_date(loc, issued, district=True))
        b.text("QUYẾT ĐỊNH", style="bold", align="center", size=round(b.px * 1.3))
        b.text(subject_title, style="bold", align="center")
        b.rule(b.measure("QUYẾT ĐỊNH", "bold") * 0.9)
        b.space(0.5)
        b.text(chair, style="bold", align="center", size=b.fit(chair, "bold", b.x1 - b.x0))
        b.space(0.3)
        for g in grounds:
            b.text(g, style="italic", indent=b.pt(30), justify=True)
        b.space(0.3)
        b.text("QUYẾT ĐỊNH:", style="bold", align="center")
        b.space(0.3)
        for a in articles:
            b.text(a, indent=b.pt(30), justify=True)
        b.space(0.8)
        top = b.y
        with b.frame(b.left, b.left + (b.right - b.left) * 0.42, y=top):
            small = round(b.px * 0.85)
            b.text("Nơi nhận:", style="bolditalic", size=small)
            for r in ("- Như Điều 3;", "- Sở Lao động - TB&XH;", "- Lưu: VT."):
                b.text(r, size=small, spacing=1.25)
        left_end = b.y
        b.y = top
        signature_block(b, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], signer, fraction=0.48)
        b.y = max(b.y, left_end)

    persons = [person("subject", subj, cast, full_name=printed.upper(),
                      date_of_birth=subj.date_of_birth.isoformat(), gender=subj.gender,
                      permanent_address=subj.permanent_address)]
    fields = {"document_number": number, "document_date": issued.isoformat(), "issuing_authority": " ".join(organ)}
    return Form("decision", era, [draw], fields, persons, seal_for(organ, loc), variant=subject_title)


def _law(day: date) -> str:
    if day >= date(2016, 1, 1):
        return "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
    return "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân ngày 26 tháng 11 năm 2003;"


def _decree(day: date) -> str:
    """The social-assistance decree in force on that day."""
    if day >= date(2021, 7, 1):
        return ("Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định chính "
                "sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;")
    if day >= date(2014, 1, 1):
        return ("Căn cứ Nghị định số 136/2013/NĐ-CP ngày 21 tháng 10 năm 2013 của Chính phủ quy định chính "
                "sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;")
    return ("Căn cứ Nghị định số 67/2007/NĐ-CP ngày 13 tháng 4 năm 2007 của Chính phủ về chính sách trợ "
            "giúp các đối tượng bảo trợ xã hội;")


def _money_words(amount: int) -> str:
    millions, rest = divmod(amount, 1_000_000)
    thousands = rest // 1000
    parts = []
    if millions:
        parts.append(f"{number_words(millions)} triệu")
    if thousands:
        parts.append(f"{number_words(thousands)} nghìn")
    text = " ".join(parts) or "không"
    return text[0].upper() + text[1:]

