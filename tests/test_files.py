import pandas as pd

from dvcq_lib.files import TMP_MARK, sweep_temporary, write_csv_atomic


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
