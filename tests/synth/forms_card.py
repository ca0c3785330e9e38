"""A photocopy of both sides of a citizen identity card (CCCD), as filed with dossiers."""

from __future__ import annotations

from datetime import date

from .dates import add_years, random_date
from .forms_common import GENDER_VI, MOTTO, NATIONAL, Cast, Form, Style, official_name, person
from .layout import PX_PER_MM, Builder, Graphic
from .names import ascii_fold
from .people import TODAY, Citizen

CARD_MM = (85.6, 53.98)
AUTHORITY = "CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"
FEATURES = ("Nốt ruồi C:1cm dưới sau mép trái", "Sẹo chấm C:2cm trên trước đuôi mắt phải",
            "Nốt ruồi C:1,5cm trên trước cánh mũi phải", "Sẹo chấm C:1cm dưới trước cằm")


def _check(s: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1; '<' counts 0, letters 10-35)."""
    total = 0
    for i, ch in enumerate(s):
        val = int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
        total += val * (7, 3, 1)[i % 3]
    return str(total % 10)


def mrz(c: Citizen, expiry: date | None) -> list[str]:
    """The three 30-character lines of a TD1 machine-readable zone, Vietnamese card style."""
    doc = c.citizen_id[3:]
    line1 = f"IDVNM{doc}{_check(doc)}{c.citizen_id}<<"
    line1 += _check(line1)
    born = c.date_of_birth.strftime("%y%m%d")
    exp = expiry.strftime("%y%m%d") if expiry else "991231"
    line2 = f"{born}{_check(born)}{'M' if c.gender == 'male' else 'F'}{exp}{_check(exp)}VNM"
    line2 = (line2 + "<" * 30)[:29]
    line2 += _check(line1[5:30] + line2[:7] + line2[8:15] + line2[18:29])
    parts = ascii_fold(c.full_name).split()
    line3 = (parts[0] + "<<" + "<".join(parts[1:]) + "<" * 30)[:30]
    return [line1, line2, line3]


def _expiry(c: Citizen, issued: date) -> date | None:
    """Valid until the holder turns 25, 40 or 60; issued within two years of a milestone, the next one."""
    age = c.age(issued)
    for milestone in (25, 40, 60):
        if age < milestone - 2:
            return add_years(c.date_of_birth, milestone)
    return None


def id_card(cast: Cast, level: str) -> Form:
    rng = cast.rng
    holder = cast.pick(lambda c: c.age() >= 16) or cast.registry[0]
    holder = cast.maybe_outsider(holder)
    first = max(date(2016, 1, 1), add_years(holder.date_of_birth, 14))
    issued = random_date(rng, first, min(date(2024, 6, 30), TODAY))
    chip = issued.year >= 2021
    expiry = _expiry(holder, issued)
    style = Style.draw(rng, "new")
    style.title_names = style.old_tone = False
    scale = rng.uniform(1.0, 1.35)
    offset = rng.uniform(-15, 15) * PX_PER_MM
    origin = holder.origin.short()
    residence = f"{holder.home.hamlet}, {holder.home.short()}"
    feature = rng.choice(FEATURES)
    signer = official_name(rng)
    lines = mrz(holder, expiry)

    def draw(b: Builder) -> None:
        s = scale
        w, h = CARD_MM[0] * PX_PER_MM * s, CARD_MM[1] * PX_PER_MM * s
        cx = (b.width - w) / 2 + offset
        fs = {k: round(v * s * 300 / 72) for k, v in
              {"tiny": 5.2, "small": 6.0, "label": 6.6, "value": 7.6, "title": 9.5}.items()}
        # front
        cy = b.top + 12 * PX_PER_MM
        b.graphic("emblem", (cx + 28 * s, cy + 24 * s, cx + 138 * s, cy + 134 * s))
        if chip:
            b.graphic("qr", (cx + w - 150 * s, cy + 22 * s, cx + w - 28 * s, cy + 144 * s))
        with b.frame(cx + 150 * s, cx + w - 160 * s, y=cy + 12 * s):
            for text, st, size in ((NATIONAL, "bold", fs["small"]), (MOTTO, "bold", fs["small"]),
                                   ("SOCIALIST REPUBLIC OF VIET NAM", "regular", fs["tiny"]),
                                   ("Independence - Freedom - Happiness", "regular", fs["tiny"])):
                b.text(text, style=st, align="center", size=b.fit(text, st, b.x1 - b.x0, size), spacing=1.2)
            b.text("CĂN CƯỚC CÔNG DÂN", style="bold", align="center", size=fs["title"], spacing=1.15)
            b.text("Citizen Identity Card", align="center", size=fs["small"], spacing=1.3)
        photo = (cx + 30 * s, b.y + 10 * s, cx + 230 * s, b.y + 260 * s)
        b.graphic("photo", photo)
        with b.frame(cx + 255 * s, cx + w - 24 * s):
            lab, val = fs["label"], fs["value"]
            b.text([("Số / No.:", "regular"), (holder.citizen_id, "bold")], size=round(val * 1.15), spacing=1.3)
            b.text("Họ và tên / Full name:", size=lab, spacing=1.2)
            b.text(holder.full_name, style="bold", size=val, spacing=1.3)
            b.text([("Ngày sinh / Date of birth:", "regular"), (style.date(holder.date_of_birth), "bold")],
                   size=lab, spacing=1.3)
            b.row([[("Giới tính / Sex:", "regular"), (GENDER_VI[holder.gender], "bold")],
                   [("Quốc tịch / Nationality:", "regular"), (holder.nationality, "bold")]],
                  stops=(0, 0.42), size=lab)
            b.text("Quê quán / Place of origin:", size=lab, spacing=1.2)
            b.text(origin, style="bold", size=val, spacing=1.3)
            b.text([("Nơi thường trú / Place of residence:", "regular"), (residence, "bold")], size=lab,
                   hanging=0, spacing=1.25)
        b.y = max(b.y, photo[3] + 8 * s)
        with b.frame(cx + 24 * s, cx + w - 24 * s):
            exp = style.date(expiry) if expiry else "Không thời hạn"
            b.text([("Có giá trị đến / Date of expiry:", "regular"), (exp, "bold")], size=fs["tiny"], spacing=1.3)
        b.graphics.insert(0, _card(cx, cy, w, max(h, b.y - cy + 12 * s), s))
        # back
        cy = max(b.y, cy + h) + 18 * PX_PER_MM
        (fx0, fx1) = cx + w * 0.60, cx + w - 24 * s
        with b.frame(cx + 26 * s, cx + w * 0.57, y=cy + 22 * s):
            b.text([("Đặc điểm nhân dạng / Personal identification:", "regular"), (feature, "bold")],
                   size=fs["small"], spacing=1.25)
            b.text([("Ngày, tháng, năm / Date, month, year:", "regular"), (style.date(issued), "bold")],
                   size=fs["small"], spacing=1.3)
            b.text("CỤC TRƯỞNG " + AUTHORITY, style="bold", align="center", size=fs["small"], spacing=1.2)
            b.sign_here(height_mm=13 * s, seal_mm=17 * s)
            b.text(signer, style="bold", align="center", size=fs["value"])
        left_end = b.y
        with b.frame(fx0, fx1, y=cy + 22 * s):
            b.row([[("Ngón trỏ trái", "regular")], [("Ngón trỏ phải", "regular")]], stops=(0, 0.5), size=fs["tiny"])
            b.row([[("Left index finger", "regular")], [("Right index finger", "regular")]], stops=(0, 0.5),
                  size=fs["tiny"])
            half = (fx1 - fx0) / 2
            top = b.y + 4 * s
            for k in range(2):
                b.graphic("fingerprint", (fx0 + k * half + 4 * s, top, fx0 + (k + 1) * half - 10 * s, top + 190 * s))
        b.y = max(left_end, b.y + 200 * s)
        with b.frame(cx + 30 * s, cx + w - 30 * s):
            mono = b.fit(lines[0], "ocr", b.x1 - b.x0, fs["title"])
            for ln in lines:
                b.text(ln, style="ocr", size=mono, spacing=1.25)
        b.graphics.append(_card(cx, cy, w, max(h, b.y - cy + 10 * s), s))
        b.graphics.insert(0, b.graphics.pop())

    persons = [person("holder", holder, cast, full_name=holder.full_name,
                      date_of_birth=holder.date_of_birth.isoformat(), gender=holder.gender,
                      citizen_id=holder.citizen_id, nationality=holder.nationality, place_of_origin=origin,
                      permanent_address=residence)]
    fields = {"document_number": holder.citizen_id, "document_date": issued.isoformat(),
              "issuing_authority": AUTHORITY}
    # Cards are printed in a sans face whatever the archive's typewriters did.
    return Form("id_card", "new", [draw], fields, persons, ("BỘ CÔNG AN", AUTHORITY),
                variant="chip" if chip else "barcode", font_class="sans")


def _card(x: float, y: float, w: float, h: float, s: float) -> Graphic:
    return Graphic("card", (round(x), round(y), round(x + w), round(y + h)), {"radius": 40 * s, "ink": 26})
