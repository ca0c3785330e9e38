"""The citizen registry's table: the CSV's columns plus the keys matching blocks on."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema import Base


class CitizenRow(Base):
    __tablename__ = "citizens"

    citizen_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)  # normalized: NFC, upper case, single spaces
    date_of_birth: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO; NULL = year only
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gender: Mapped[str] = mapped_column(String(6))
    old_id_number: Mapped[str | None] = mapped_column(String(12), nullable=True)
    place_of_origin: Mapped[str | None] = mapped_column(Text, nullable=True)
    permanent_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    name_key: Mapped[str] = mapped_column(Text)  # extract.names.variant_key(full_name)
    province: Mapped[str] = mapped_column(String(3))  # the ID's first three digits: where the birth was registered


# The blocking indexes; import drops and rebuilds them around a bulk load into an empty table.
BLOCKING_INDEXES = (
    Index("ix_citizens_dob_gender", CitizenRow.date_of_birth, CitizenRow.gender),
    Index("ix_citizens_year_gender", CitizenRow.birth_year, CitizenRow.gender),
    Index("ix_citizens_name_key_year", CitizenRow.name_key, CitizenRow.birth_year),
    Index("ix_citizens_old_id", CitizenRow.old_id_number),
)
