"""``sohoa watch`` on a real folder with real scans: files written slowly are only taken once complete, bad
files end in .failed with their reason, good ones in .done with their document in the index; it stops
cleanly on SIGTERM and on a Ctrl-C sent to its whole process group."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SOHOA, json_lines, run_sohoa
from tests.synth import make_document
from workers.watch import DEFAULT_IGNORE, Watcher, WatchOptions, free_name


def _png(seed: int, doc_type: str) -> bytes:
    doc = make_document(seed, doc_type, "mild")
    buf = io.BytesIO()
    doc.pages[0].convert("RGB").save(buf, "PNG", dpi=(doc.dpi, doc.dpi))
    return buf.getvalue()


def _start(home: Path, folder: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_JOBS": "1"}
    env.pop("SOHOA_STORAGE_URL", None)
    env.pop("SOHOA_DATABASE_URL", None)
    # A session of its own, like a terminal's job: a Ctrl-C can then be sent to the whole group.
    return subprocess.Popen([SOHOA, "watch", str(folder), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"watch exited {proc.returncode}: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout} s")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen, sig: int, *, group: bool = False) -> tuple[int, str]:
    (os.killpg if group else os.kill)(proc.pid, sig)
    try:
        _, stderr = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    return proc.returncode, stderr


@pytest.fixture(scope="module")
def scans():
    return {"birth": _png(71, "birth_certificate"), "death": _png(72, "death_certificate")}


def test_watch_takes_complete_files_only_and_sorts_them(tmp_path, scans):
    folder, home = tmp_path / "may-quet", tmp_path / "home"
    (folder / "hộp 2").mkdir(parents=True)
    (folder / "scan-0007.pdf.part").write_bytes(b"%PDF-1.7 still being written")  # a scanner's temp name
    day = date.today().isoformat()
    proc = _start(home, folder, "--batch-per-day", "--settle", "2.5")
    try:
        # Written in pieces with pauses shorter than the settle time: never taken half-written.
        slow = folder / "hộp 2" / "khai-sinh.png"
        data = scans["birth"]
        with slow.open("wb") as f:
            for i in range(6):
                f.write(data[i * len(data) // 6:(i + 1) * len(data) // 6])
                f.flush()
                os.fsync(f.fileno())
                time.sleep(1.2)
                assert slow.exists(), "taken while it was still being written"
        (folder / "hỏng.png").write_bytes(scans["death"][:3000])  # cut short for good
        _wait_for(folder / ".done" / "hộp 2" / "khai-sinh.png", proc)
        _wait_for(folder / ".failed" / "hỏng.png", proc)
        # The same scan dropped again under the same name: moved beside the first, no second document.
        (folder / "hộp 2" / "khai-sinh.png").write_bytes(data)
        _wait_for(folder / ".done" / "hộp 2" / "khai-sinh (2).png", proc)
    finally:
        code, stderr = _stop(proc, signal.SIGTERM)
    assert code == 0, stderr
    assert "stopped" in stderr

    reason = (folder / ".failed" / "hỏng.png.reason.txt").read_text(encoding="utf-8")
    assert "error: truncated_image" in reason and "message: " in reason
    assert (folder / "scan-0007.pdf.part").exists()  # never touched
    assert not any(p.is_file() for p in folder.glob("*.png")) and not (folder / "hộp 2" / "khai-sinh.png").exists()
    assert (folder / ".done" / "hộp 2" / "khai-sinh.png").read_bytes() == data  # moved, not changed or deleted

    batch = f"watch-{day}"
    records = {r["source"]["name"]: r for r in json_lines(
        run_sohoa(home, "docs", "list", "--batch", batch, "--json", check=True).stdout)}
    assert set(records) == {"khai-sinh.png", "hỏng.png"}
    done = records["khai-sinh.png"]
    assert done["status"] in ("done", "review") and done["doc_type"] == "birth_certificate"
    assert done["source"]["sha256"] == hashlib.sha256(data).hexdigest()  # the whole file, not a piece of it
    assert records["hỏng.png"]["status"] == "failed"
    assert records["hỏng.png"]["error"]["code"] == "truncated_image"
    assert (home / "objects" / records["hỏng.png"]["objects"]["original"]).is_file()  # the original is kept


def test_ctrl_c_to_the_process_group_finishes_the_file_in_hand(tmp_path, scans):
    folder, home = tmp_path / "scans", tmp_path / "home"
    folder.mkdir()
    proc = _start(home, folder, "--settle", "1")
    try:
        (folder / "giay-bao-tu.png").write_bytes(scans["death"])
        deadline = time.monotonic() + 60
        line = ""
        while "taking" not in line:  # processing has started
            assert time.monotonic() < deadline, "the file was not taken"
            line = proc.stderr.readline()
        time.sleep(1.0)
    finally:
        code, stderr = _stop(proc, signal.SIGINT, group=True)
    # The pool worker and its Tesseract ignore the terminal's Ctrl-C; the watch finishes the file, then stops.
    assert code == 0, stderr
    assert (folder / ".done" / "giay-bao-tu.png").is_file(), stderr
    [record] = json_lines(run_sohoa(home, "docs", "list", "--batch", "scans", "--json", check=True).stdout)
    assert record["status"] in ("done", "review")


# -- the pieces, without a pipeline ------------------------------------------------------------------------


class Clock:
    t = 0.0

    def __call__(self) -> float:
        return self.t


class NoFeeder:
    def feed(self, taken):
        raise AssertionError(f"nothing should be taken: {taken}")

    def poll(self, taken):
        return [None] * len(taken)


def test_a_file_is_ready_only_once_it_stopped_changing(tmp_path):
    clock = Clock()
    watcher = Watcher(tmp_path, NoFeeder(), WatchOptions(settle_seconds=5), clock=clock)
    growing = tmp_path / "scan.tif"
    for i in range(10):
        growing.write_bytes(b"II*\0" + b"x" * i)
        watcher.step()  # NoFeeder fails the test if anything is taken
        clock.t += 3.0  # changes every 3 s, settle is 5 s
    empty = tmp_path / "empty.png"
    empty.touch()
    assert watcher._ready() == []  # first sight of both in their present state
    clock.t += 5.0
    assert watcher._ready() == [growing]  # unchanged for 5 s now
    clock.t += 24.0
    assert watcher._ready() == [growing]  # an empty file waits longer: usually a scan just created
    clock.t += 1.0
    assert sorted(watcher._ready()) == [empty, growing]


def test_names_scanners_use_for_files_in_progress_are_ignored(tmp_path):
    watcher = Watcher(tmp_path, NoFeeder())
    for name in ("a.tmp", "b.PART", "~scan.png", ".hidden.png", "c.pdf.crdownload", "Thumbs.db", "x.png~"):
        assert watcher._ignored(name), name
    for name in ("scan.png", "scan.tif", "hồ sơ 01.pdf", "partial-scan.jpg"):
        assert not watcher._ignored(name), name
    assert "*.tmp" in DEFAULT_IGNORE


def test_clashing_names_are_numbered_never_overwritten(tmp_path):
    target = tmp_path / "a.png"
    assert free_name(target) == target
    target.write_bytes(b"1")
    assert free_name(target) == tmp_path / "a (2).png"
    (tmp_path / "a (2).png.reason.txt").write_text("earlier failure")  # its file was moved on by hand
    assert free_name(target) == tmp_path / "a (3).png"
