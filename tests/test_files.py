import os
import signal

import pandas as pd
import pytest

from dvcq_lib import files
from dvcq_lib.files import (
    TMP_MARK,
    Interrupted,
    apply_transaction,
    sweep_temporary,
    write_csv_atomic,
)


def test_csv_written_whole_with_bom_for_excel(tmp_path):
    path = write_csv_atomic(
        pd.DataFrame({"xã": ["Đông Sơn"]}), tmp_path / "a.csv", encoding="utf-8-sig"
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(path, encoding="utf-8-sig")["xã"].tolist() == ["Đông Sơn"]
    assert not list(tmp_path.glob(f".*{TMP_MARK}*"))


def test_sweep_removes_what_a_killed_run_left(tmp_path):
    left = tmp_path / "charts" / f".x.png{TMP_MARK}123"
    left.parent.mkdir()
    left.write_bytes(b"half")
    assert sweep_temporary(tmp_path) == [left] and not left.exists()


def test_a_transaction_undone_by_sigterm_leaves_every_file_as_before(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "new" / "b.csv"
    a.write_bytes(b"old")

    def killed_while_checking():
        assert a.read_bytes() == b"new" and b.read_bytes() == b"b"  # both written...
        os.kill(os.getpid(), signal.SIGTERM)  # ...then the service manager stops us

    with pytest.raises(Interrupted):
        apply_transaction([(a, b"new"), (b, b"b")], tmp_path / "j", verify=killed_while_checking)
    assert a.read_bytes() == b"old" and not b.exists() and not b.parent.exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "j.lock"]


def test_recover_restores_what_a_killed_transaction_left(tmp_path, monkeypatch):
    a = tmp_path / "a.csv"
    a.write_bytes(b"old")
    real, calls = files._rename, []

    def dies_after_first_file(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # journal, a.csv, then the process is gone
            raise SystemExit("killed")
        real(src, dst)

    monkeypatch.setattr(files, "_rename", dies_after_first_file)
    monkeypatch.setattr(files, "_undo", lambda *args: None)  # a dead process undoes nothing
    with pytest.raises(SystemExit):
        files.apply_transaction([(a, b"new"), (tmp_path / "b", b"b")], tmp_path / "j")
    assert a.read_bytes() == b"new"  # half done...
    monkeypatch.undo()
    assert files.recover(tmp_path / "j") == [
        (tmp_path / "a.csv").resolve(),
        (tmp_path / "b").resolve(),
    ]
    assert a.read_bytes() == b"old" and not (tmp_path / "b").exists()  # ...undone by the next run
    assert files.recover(tmp_path / "j") == []
