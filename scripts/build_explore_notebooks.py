"""Write the three exploration notebooks (notebooks/explore/*.ipynb), short and without outputs.

They are the analyst's starting points in JupyterLab (`make lab` opens the first), not report
templates: `dvcq render --all` reads only `notebooks/*.ipynb`, so this subfolder stays out of
the batch. Every cell calls public functions of `dvcq_lib` (`import dvcq_lib as dvcq`); the
tests execute each notebook on the bundled data. Run: python scripts/build_explore_notebooks.py
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

FOLDER = Path(__file__).resolve().parent.parent / "notebooks" / "explore"

#: The first cell of every notebook: what is real and what is synthetic in the bundled data.
REAL_AND_SYNTHETIC = """
> **Số liệu nào là thật, số liệu nào là giả lập?**
> - **Thật:** chỉ có 36 số liệu của **xã Đông Sơn (07273), huyện Yên Thế, 6 tháng đầu năm 2024**,
>   ghi lại từ báo cáo gốc `data/raw/dong-son_2024-H1.txt` (mỗi số kèm câu gốc).
> - **GIẢ LẬP:** mọi số liệu khác — 17 xã cũ của huyện Yên Thế từ 2019-H1 đến 2025-H1 và 5 xã
>   mới (từ 01/7/2025) cho 2025-H2, 2026-H1 — do `scripts/generate_demo_data.py` sinh ra, có
>   cài sẵn một số lỗi để thử các phép kiểm tra (`data/demo_faults.csv`). Chúng có nguồn
>   `synthetic-demo`, cột `synthetic` bằng `True` và biểu đồ ghi **DỮ LIỆU GIẢ LẬP**.
>   Không dùng số liệu giả lập để báo cáo.
""".strip()

IMPORT = "import dvcq_lib as dvcq"


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str, parameters: bool = False) -> nbformat.NotebookNode:
    cell = new_code_cell(text.strip())
    if parameters:
        cell.metadata["tags"] = ["parameters"]
    return cell


NOTEBOOKS: dict[str, list[nbformat.NotebookNode]] = {
    "01_bat_dau": [
        md("# Bắt đầu: số liệu của một xã qua các kỳ\n\n" + REAL_AND_SYNTHETIC),
        md(
            "Đổi các giá trị dưới đây để xem xã, chỉ tiêu, kỳ khác. Xã ghi bằng tên hoặc mã; "
            "mã chỉ tiêu xem trong `dvcq.catalogue()` (tên tiếng Việt, đơn vị, công thức)."
        ),
        code(
            'commune: str = "Đông Sơn"  # tên hoặc mã xã (name or code)\n'
            'district: str = "Yên Thế"  # huyện cũ, để phân biệt tên trùng\n'
            'period: str = "2024-H1"  # kỳ báo cáo: 2024-H1, 2024-H2 hoặc 6 tháng đầu năm 2024\n'
            'indicator: str = "rice_area"  # mã chỉ tiêu trong danh mục',
            parameters=True,
        ),
        code(IMPORT),
        md(
            "## Nạp số liệu\n`dvcq.load` lọc theo xã, kỳ, lĩnh vực, huyện hoặc tỉnh và trả về "
            "bảng dài (xã × kỳ × chỉ tiêu). `dvcq.table` chỉ đổi cách hiển thị: tên cột tiếng "
            "Việt, số viết kiểu Việt Nam (1.028; 219,5); giá trị trong bảng không đổi."
        ),
        code(
            "df = dvcq.load(commune=commune, period=period, district=district)\n"
            'dvcq.table(df[["period", "indicator", "value", "unit", "source", "quote"]].head(8))'
        ),
        md(
            'Cả huyện (hoặc cả tỉnh: `province="Bắc Giang"`) trong một kỳ, mỗi chỉ tiêu một '
            "cột (`dvcq.wide`):"
        ),
        code(
            "district_rows = dvcq.load(district=district, period=period)\n"
            "dvcq.table(dvcq.wide(district_rows).iloc[:6, :5])"
        ),
        md(
            "## Có số liệu gì, thật hay giả lập?\nMỗi ô là một xã × kỳ. Một mã có thể là hai "
            "đơn vị khác nhau trước và sau 01/7/2025 (07294: thị trấn Bố Hạ, rồi xã Bố Hạ mới): "
            "đó là hai dòng."
        ),
        code("cov = dvcq.coverage(district=district)\ndvcq.chart(cov)"),
        md("## Một chỉ tiêu qua các kỳ\nKỳ không có số liệu để trống, không bao giờ là số 0."),
        code("s = dvcq.series(commune, indicator, district=district)\ndvcq.chart(s)"),
        md(
            "## Cùng kỳ qua các năm\nSo 6 tháng đầu năm với 6 tháng đầu năm (cùng vụ), không "
            "với 6 tháng cuối năm trước."
        ),
        code(
            "s1 = dvcq.series(commune, indicator, half=period[-2:], district=district)\n"
            'dvcq.table(s1[["period", "value", "unit", "synthetic", "source"]])'
        ),
        code("dvcq.chart(s1)"),
        md(
            "## Xã mới từ 01/7/2025\nChuỗi của một xã mới đi ngược về 2019: các kỳ trước sáp "
            "nhập được cộng từ các xã hợp thành (năng suất tính lại từ tổng sản lượng và tổng "
            "diện tích, không lấy trung bình). Cột `status` cho biết số liệu có bằng cách nào."
        ),
        code(
            'new = dvcq.series("Bố Hạ", "rice_yield", half=1)\n'
            'print(new.attrs["lineage_vi"])\n'
            "dvcq.chart(new)"
        ),
        md(
            "Tiếp theo: `02_so_sanh_xa.ipynb` (so sánh các xã) và `03_kiem_tra_so_lieu.ipynb` "
            "(kiểm tra số liệu)."
        ),
    ],
    "02_so_sanh_xa": [
        md("# So sánh các xã\n\n" + REAL_AND_SYNTHETIC),
        code(
            'indicator: str = "rice_yield"  # mã chỉ tiêu\n'
            'period: str = "2024-H1"  # kỳ so sánh\n'
            'district: str = "Yên Thế"  # các xã của huyện (cũ) này\n'
            'commune: str = "Đông Sơn"  # xã được tô màu trên biểu đồ\n'
            'merged: str = "Bố Hạ"  # một xã mới từ 01/7/2025, so với các xã hợp thành',
            parameters=True,
        ),
        code(IMPORT),
        md(
            "## Xếp hạng các xã\nHạng 1 là lớn nhất; các xã bằng nhau cùng hạng; xã không có "
            "số liệu ở cuối bảng."
        ),
        code(
            "ranked = dvcq.compare(indicator, period, district=district)\n"
            'dvcq.table(ranked[["commune", "value", "unit", "rank", "percentile", "synthetic"]])'
        ),
        code("dvcq.chart(ranked, highlight=commune)"),
        md(
            "## Nhiều chỉ tiêu cùng lúc\nMỗi ô một chỉ tiêu, các xã cùng thứ tự (theo chỉ tiêu "
            "đầu tiên) để dễ so."
        ),
        code(
            'several = dvcq.compare(["rice_area", "maize_area", "pig_head", "poultry_head"], '
            "period, district=district)\n"
            "dvcq.chart(several, highlight=commune)"
        ),
        md(
            "## Trên 1.000 nhân khẩu, trên 1 ha đất tự nhiên\nXã lớn có nhiều đơn thư, nhiều "
            "đàn lợn hơn chỉ vì lớn: chia cho số dân hoặc diện tích mới so được."
        ),
        code(
            'per_people = dvcq.compare("petitions_received", period, district=district, '
            'per="per_1000_people")\n'
            "dvcq.chart(per_people, highlight=commune)"
        ),
        code(
            'per_land = dvcq.compare("rice_area", period, district=district, per="per_ha")\n'
            "dvcq.chart(per_land, highlight=commune)"
        ),
        md(
            "## Xã mới và các xã hợp thành trước sáp nhập\nKỳ cuối cùng trước 01/7/2025 "
            "(2025-H1): từng xã cũ hợp thành, rồi chuỗi của xã mới — các kỳ trước sáp nhập "
            "được cộng lại từ chính các xã đó."
        ),
        code(
            'before = dvcq.compare(indicator, "2025-H1", merged_into=merged)\n'
            'dvcq.table(before[["commune", "value", "unit", "rank", "source"]])'
        ),
        code(
            "after = dvcq.series(merged, indicator)\n"
            'dvcq.table(after[["period", "value", "status", "constituents"]].tail(4))'
        ),
        code("dvcq.chart(after)"),
    ],
    "03_kiem_tra_so_lieu": [
        md("# Kiểm tra số liệu\n\n" + REAL_AND_SYNTHETIC),
        md(
            "Các phép kiểm tra: quy tắc nhất quán (tổng các phần bằng tổng, tỷ lệ khớp tử số và "
            "mẫu số), đơn vị đo, bất thường theo thời gian và so với các xã khác, thiếu chỉ "
            "tiêu, chưa báo cáo. Chúng chạy một lần trên toàn bộ số liệu (bất thường cần lịch "
            "sử của xã và các xã cùng huyện), rồi lọc theo lựa chọn. Số liệu không bị sửa."
        ),
        code(
            'commune: str = "Đông Sơn"  # xã có số liệu thật\n'
            'period: str = "2024-H1"  # kỳ của báo cáo thật\n'
            'district: str = "Yên Thế"  # phạm vi kiểm tra\n'
            'peer_basis: str = "per_1000_people"  # so với các xã: per_1000_people hoặc per_ha',
            parameters=True,
        ),
        code(IMPORT),
        md("## Các phát hiện của một lựa chọn\nNghiêm trọng nhất trước."),
        code(
            "found = dvcq.findings(district=district)\n"
            'dvcq.table(found.groupby(["kind", "severity"], observed=True).size()'
            '.rename("count").reset_index())'
        ),
        md(
            "## Một phát hiện và căn cứ của nó\nCác phát hiện của xã trong kỳ, rồi các số "
            "liệu mà phát hiện đầu tiên nói đến — kèm nguồn và câu gốc trong báo cáo."
        ),
        code(
            "mine = dvcq.findings(commune, period, district=district)\n"
            'dvcq.table(mine[["kind", "severity", "message_vi"]])'
        ),
        code('dvcq.table(dvcq.evidence(mine.iloc[0])[["indicator", "value", "unit", "quote"]])'),
        md(
            "## Bất thường theo thời gian\nPhát hiện mạnh nhất: chuỗi cùng kỳ của chỉ tiêu đó "
            "ở xã đó, kỳ bất thường được tô màu."
        ),
        code(
            'over_time = dvcq.findings(district=district, kind="outlier_time").iloc[0]\n'
            "print(over_time.message_vi)\n"
            "history = dvcq.series(over_time.commune_code, over_time.indicator, "
            "at=over_time.period, half=over_time.period[-2:])\n"
            "dvcq.chart(history, highlight=over_time.period)"
        ),
        md(
            "## Bất thường so với các xã khác\nCùng kỳ, các xã cùng huyện, tính trên số dân "
            "hoặc diện tích (như phép kiểm tra)."
        ),
        code(
            'among_peers = dvcq.findings(district=district, kind="outlier_peer").iloc[0]\n'
            "print(among_peers.message_vi)\n"
            "peers = dvcq.compare(among_peers.indicator, among_peers.period, district=district, "
            "per=peer_basis)\n"
            "dvcq.chart(peers, highlight=among_peers.commune)"
        ),
    ],
}


def build(name: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    cells = copy.deepcopy(NOTEBOOKS[name])
    for i, cell in enumerate(cells):
        cell["id"] = f"{name}-{i:02d}"  # stable ids: rebuilding gives identical files
    nb.cells = cells
    return nb


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOKS:
        nbformat.write(build(name), FOLDER / f"{name}.ipynb")
        print(f"notebooks/explore/{name}.ipynb")


if __name__ == "__main__":
    main()
