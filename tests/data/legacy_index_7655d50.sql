-- An index written by sohoa at commit 7655d50, before migrations (Base.metadata.create_all + the FTS5 table):
-- `sqlite3 .dump` of a database holding one document, FTS5 internals replaced by the CREATE that made them.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE batches (
	name VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO batches VALUES('samples','2026-12-03 23:53:45.123484');
CREATE TABLE documents (
	doc_id VARCHAR(40) NOT NULL, 
	batch VARCHAR(200) NOT NULL, 
	source_name TEXT NOT NULL, 
	source_sha256 VARCHAR(64) NOT NULL, 
	media_type VARCHAR(100) NOT NULL, 
	page_count INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	error_code VARCHAR(60), 
	duplicate_of VARCHAR(40), 
	doc_type VARCHAR(40) NOT NULL, 
	mean_confidence FLOAT, 
	pipeline_version VARCHAR(20) NOT NULL, 
	processed_at DATETIME NOT NULL, 
	record JSON NOT NULL, 
	PRIMARY KEY (doc_id), 
	FOREIGN KEY(batch) REFERENCES batches (name)
);
INSERT INTO documents VALUES('legacy0001','samples','giay-khai-sinh.png','eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee','image/png',1,'done',NULL,NULL,'birth_certificate',0.9000000000000000222,'0.1.0','2026-11-20 10:00:00.000000','{"schema": "sohoa.document/1", "doc_id": "legacy0001", "batch": "samples", "source": {"name": "giay-khai-sinh.png", "sha256": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "media_type": "image/png", "pages": 1}, "status": "done", "error": null, "doc_type": "birth_certificate", "fields": {}, "persons": [], "text": "GI\u1ea4Y KHAI SINH\nH\u1ecd v\u00e0 t\u00ean: \u0110\u1ed6 TH\u1eca H\u01af\u01a0NG", "ocr": {"engine": "tesseract 5.3.0", "language": "vie", "mean_confidence": 0.9}, "objects": {"original": "originals/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "pdf": "documents/legacy0001/document.pdf", "metadata": "documents/legacy0001/metadata.json"}, "pipeline_version": "0.1.0", "processed_at": "2026-11-20T10:00:00+00:00", "pages": [{"number": 1, "width": 1654, "height": 2339, "dpi": 200.0, "dpi_source": "file"}]}');
CREATE TABLE pages (
	doc_id VARCHAR(40) NOT NULL, 
	number INTEGER NOT NULL, 
	width INTEGER NOT NULL, 
	height INTEGER NOT NULL, 
	dpi FLOAT NOT NULL, 
	dpi_source VARCHAR(20) NOT NULL, 
	rotation INTEGER NOT NULL, 
	skew_deg FLOAT NOT NULL, 
	binarization VARCHAR(40), 
	text_layer BOOLEAN NOT NULL, 
	mean_confidence FLOAT, 
	word_count INTEGER NOT NULL, 
	hocr_key TEXT, 
	PRIMARY KEY (doc_id, number), 
	FOREIGN KEY(doc_id) REFERENCES documents (doc_id) ON DELETE CASCADE
);
INSERT INTO pages VALUES('legacy0001',1,1654,2339,200.0,'file',0,0.0,NULL,0,NULL,0,NULL);
CREATE TABLE persons (
	id INTEGER NOT NULL, 
	doc_id VARCHAR(40) NOT NULL, 
	idx INTEGER NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	full_name TEXT, 
	match_status VARCHAR(20) NOT NULL, 
	citizen_id VARCHAR(12), 
	score FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(doc_id) REFERENCES documents (doc_id) ON DELETE CASCADE
);
CREATE TABLE fields (
	id INTEGER NOT NULL, 
	doc_id VARCHAR(40) NOT NULL, 
	person_idx INTEGER, 
	name VARCHAR(40) NOT NULL, 
	value TEXT NOT NULL, 
	confidence FLOAT NOT NULL, 
	page INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(doc_id) REFERENCES documents (doc_id) ON DELETE CASCADE
);
CREATE TABLE matches (
	id INTEGER NOT NULL, 
	person_id INTEGER NOT NULL, 
	citizen_id VARCHAR(12) NOT NULL, 
	score FLOAT NOT NULL, 
	rank INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(person_id) REFERENCES persons (id) ON DELETE CASCADE
);
CREATE INDEX ix_documents_status ON documents (status);
CREATE INDEX ix_documents_source_sha256 ON documents (source_sha256);
CREATE INDEX ix_documents_processed_at ON documents (processed_at);
CREATE INDEX ix_documents_doc_type ON documents (doc_type);
CREATE INDEX ix_documents_batch ON documents (batch);
CREATE INDEX ix_persons_match_status ON persons (match_status);
CREATE INDEX ix_persons_doc_id ON persons (doc_id);
CREATE INDEX ix_persons_citizen_id ON persons (citizen_id);
CREATE INDEX ix_fields_doc_id ON fields (doc_id);
CREATE INDEX ix_fields_name_value ON fields (name, value);
CREATE INDEX ix_matches_person_id ON matches (person_id);
CREATE INDEX ix_matches_citizen_id ON matches (citizen_id);
CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2');
INSERT INTO documents_fts(doc_id, body) VALUES('legacy0001', 'giay khai sinh' || char(10) || 'ho va ten: do thi huong');
COMMIT;
