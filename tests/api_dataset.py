"""A small archive for the API tests: four documents made by the pipeline's record functions (one with a
person waiting for review between two namesakes, one failed), and an API key per kind of caller."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from config.settings import Settings
from ingest.source import Source
from storage import apikeys, audit
from tests.api_support import person, store_document
from workers.context import Context
from workers.pipeline import write_record
from workers.record import failed_record, make_doc_id

AN, QUY, LAN, LAN_NAMESAKE, PHONG = "001085000001", "001060000002", "001165000003", "001165000004", "001030000005"
ALL_IDS = (AN, QUY, LAN, LAN_NAMESAKE, PHONG)
PURPOSE = {"X-Purpose": "000.00.15.H29-261125-0001", "X-User-Id": "can.bo.mot-cua"}
BIRTH_TEXT = "GIẤY KHAI SINH\nHọ, chữ đệm, tên: NGUYỄN VĂN AN\nDân tộc: Kinh\nQuốc tịch: Việt Nam\nNơi sinh: Hà Nội"
DEATH_TEXT = "TRÍCH LỤC KHAI TỬ\nHọ và tên người chết: PHẠM VĂN PHONG\nNguyên nhân chết: bệnh tim\nNơi chết: Hà Nội"


class Api:
    """The app, its data and a client that remembers every error body (to check none leaks an ID)."""

    def __init__(self, tmp_path, storage_url: str | None = None, database_url: str | None = None) -> None:
        self.settings = Settings(
            home=tmp_path / "home", api_rate_limit=1000, api_rate_burst=1000, api_key_cache_seconds=0.3,
            storage_url=storage_url,
            database_url=database_url,
        )
        self.ctx = Context(self.settings)
        self.app = create_app(self.settings)
        self.client = TestClient(self.app)
        self.errors: list[str] = []
        self.docs = self._documents(tmp_path)
        self.keys = {
            name: apikeys.create_key(self.ctx.index, name, scopes, created_by="test")[1]
            for name, scopes in {
                "intake": ["intake"],
                "intake_sensitive": ["intake", "sensitive"],
                "staff": ["staff"],
                "admin": ["admin", "staff", "sensitive"],
            }.items()
        }

    def _documents(self, tmp) -> dict[str, dict]:
        birth = store_document(
            self.ctx,
            "birth.png",
            "birth_certificate",
            [
                person("subject", "NGUYỄN VĂN AN", "matched", AN, ethnicity="Kinh", date_of_birth="1985-03-05"),
                person("father", "NGUYỄN VĂN QUÝ", "matched", QUY, ethnicity="Kinh"),
                person("mother", "LÊ THỊ LAN", "review", None, [(LAN, 0.9), (LAN_NAMESAKE, 0.9)], ethnicity="Kinh"),
            ],
            text=BIRTH_TEXT,
            fields={
                "registration_number": "123",
                "book_number": "01/2019",
                "registration_date": "2019-05-06",
                "issuing_authority": "UBND PHƯỜNG HÀNG BẠC",
            },
            tmp=tmp,
        )
        marriage = store_document(
            self.ctx,
            "marriage.png",
            "marriage_certificate",
            [
                person("wife", "LÊ THỊ LAN", "matched", LAN),
                person("husband", "NGUYỄN VĂN QUÝ", "matched", QUY),
            ],
            text="GIẤY CHỨNG NHẬN KẾT HÔN\nLÊ THỊ LAN\nNGUYỄN VĂN QUÝ",
            fields={"registration_date": "1984-01-20", "issuing_authority": "UBND XÃ AN KHÁNH"},
            tmp=tmp,
        )
        death = store_document(
            self.ctx,
            "death.png",
            "death_certificate",
            [person("deceased", "PHẠM VĂN PHONG", "matched", PHONG)],
            text=DEATH_TEXT,
            fields={"cause_of_death": "bệnh tim", "registration_date": "2020"},
            tmp=tmp,
        )
        source_name = "torn.png"
        failed = failed_record(
            make_doc_id("f" * 64, "api", source_name),
            "api",
            _source(tmp, source_name),
            {"code": "truncated_image", "message": "the image stops early"},
        )
        write_record(self.ctx.store, self.ctx.index, failed)
        return {"birth": birth, "marriage": marriage, "death": death, "failed": failed}

    def call(self, method: str, url: str, key: str | None = None, headers=None, **kwargs):
        headers = dict(headers or {})
        if key:
            headers["Authorization"] = f"Bearer {self.keys.get(key, key)}"
        response = self.client.request(method, url, headers=headers, **kwargs)
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json"), response.text
            body = response.json()
            assert body["status"] == response.status_code and body["detail"] and body["code"]
            self.errors.append(response.text)
        return response

    def audit_rows(self, **filters) -> list[audit.AuditEntry]:
        return list(audit.entries(self.ctx.index, **filters))


def _source(tmp, name):
    return Source(str(tmp / name), name, 10, "f" * 64, "image/png")
