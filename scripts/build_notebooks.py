"""Write the five report notebooks (notebooks/*.ipynb), thin and without outputs.

The committed .ipynb files are the product; this script is how they are kept consistent
(the same parameters cell and context cell in each). Run: python scripts/build_notebooks.py

The parameter comments hold no "=": papermill's inspector skips a line with two "=" signs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

PARAMETERS = "\n".join(
    [
        'commune: str = "07273"  # mã hoặc tên xã/phường (code or name)',
        'period: str = "2024-H1"  # kỳ báo cáo: 2024-H1, 2024-H2, 2024',
        'district: str = ""  # huyện cũ, để phân biệt tên trùng (legacy district, to disambiguate)',
        'province: str = ""  # tỉnh (province)',
        'data_dir: str = ""  # thư mục dữ liệu; để trống: data/ của dự án',
        'output_dir: str = ""  # thư mục của trang báo cáo; biểu đồ lưu vào output_dir/charts/; '
        "để trống: không lưu",
        'lang: str = "vi"  # ngôn ngữ: vi hoặc en',
    ]
)


def context_cell(name: str) -> str:
    return f'''from IPython.display import display

from dvcq_lib import pages

ctx = pages.context(commune, period, district=district, province=province, data_dir=data_dir,
                    output_dir=output_dir, lang=lang, notebook="{name}")
display(pages.header(ctx))'''


BODIES: dict[str, list[tuple[str, str]]] = {
    "agriculture": [
        (
            "md",
            "## Trồng trọt\nDiện tích, năng suất, sản lượng của kỳ báo cáo so với cùng kỳ "
            "năm trước. Sản lượng tính từ diện tích × năng suất đặt cạnh sản lượng báo cáo.",
        ),
        (
            "code",
            'display(pages.indicator_table(ctx, "crops"))\n'
            "display(pages.computed_outputs(ctx))\npages.output_chart(ctx);",
        ),
        ("md", "## Cây ăn quả"),
        ("code", 'display(pages.indicator_table(ctx, "fruit"))'),
        ("md", "## Chăn nuôi"),
        ("code", 'display(pages.indicator_table(ctx, "livestock"))'),
        ("md", "## Lâm nghiệp"),
        ("code", 'display(pages.indicator_table(ctx, "forestry"))'),
        (
            "md",
            "## Giá trị sản xuất và cơ cấu\nTrồng trọt, chăn nuôi, lâm nghiệp và tỷ trọng "
            "của từng ngành.",
        ),
        (
            "code",
            'display(pages.indicator_table(ctx, "value"))\ndisplay(pages.structure(ctx))\n'
            "pages.structure_chart(ctx);",
        ),
        (
            "md",
            "## Diễn biến cùng kỳ qua các năm\nMỗi biểu đồ là cùng một nửa năm qua các năm; "
            "kỳ báo cáo được tô màu đậm, năm thiếu số liệu để trống.",
        ),
        ("code", 'pages.trend_charts(ctx, "trend");'),
        ("code", "display(pages.findings_block(ctx))"),
    ],
    "petitions": [
        (
            "md",
            "## Đơn thư\nĐơn tiếp nhận, đã giải quyết, tỷ lệ giải quyết và đơn còn tồn, so "
            "với cùng kỳ năm trước.",
        ),
        ("code", 'display(pages.indicator_table(ctx, "petitions"))'),
        ("md", "## Tiếp công dân\nSố buổi tiếp dân theo loại: thường xuyên, định kỳ, đột xuất."),
        (
            "code",
            'display(pages.indicator_table(ctx, "reception"))\n'
            'pages.section_chart(ctx, "reception");',
        ),
        ("md", "## Diễn biến cùng kỳ qua các năm"),
        ("code", 'pages.trend_charts(ctx, "trend");'),
        ("md", "## Xếp hạng so với các xã khác\nThứ hạng trên tổng số và trên 1.000 nhân khẩu."),
        (
            "code",
            'display(pages.rank_table(ctx, "rank"))\n'
            'pages.league_chart(ctx, "petitions_resolution_rate");',
        ),
        ("code", "display(pages.findings_block(ctx))"),
    ],
    "dossiers": [
        (
            "md",
            "## Thủ tục hành chính\nHồ sơ tiếp nhận, tỷ lệ trực tuyến, tỷ lệ đúng hạn và hồ "
            "sơ quá hạn, so với cùng kỳ năm trước.",
        ),
        ("code", 'display(pages.indicator_table(ctx, "dossiers"))'),
        ("md", "## Diễn biến cùng kỳ qua các năm"),
        ("code", 'pages.trend_charts(ctx, "trend");'),
        ("md", "## Xếp hạng so với các xã khác\nThứ hạng trên tổng số và trên 1.000 nhân khẩu."),
        (
            "code",
            'display(pages.rank_table(ctx, "rank"))\n'
            'pages.league_chart(ctx, "dossiers_on_time_rate");',
        ),
        ("code", "display(pages.findings_block(ctx))"),
    ],
    "overview": [
        ("md", "## Khái quát"),
        ("code", "display(pages.profile(ctx))"),
        ("md", "## Các chỉ tiêu chính\nMũi tên so với cùng kỳ năm trước: ▲ tăng, ▼ giảm."),
        (
            "code",
            "display(pages.scorecard(ctx))\npages.scorecard_chart(ctx);\n"
            "display(pages.targets_block(ctx))",
        ),
        ("md", "## Nhận xét\nĐoạn văn tạo từ số liệu, có thể dán vào báo cáo."),
        ("code", "display(pages.narrative_block(ctx))"),
        ("code", "display(pages.findings_block(ctx, domains=()))"),
    ],
    "district": [
        (
            "md",
            "## Bảng xếp hạng\nCác xã trong cùng huyện (đơn vị cũ) hoặc cùng tỉnh (đơn vị "
            "từ 01/7/2025) trong kỳ báo cáo; xã của báo cáo được tô đậm. Dòng Tổng cộng "
            "các số liệu; tỷ lệ được tính lại từ tổng các thành phần.",
        ),
        ("code", 'display(pages.league_tables(ctx, "league"))'),
        ("code", 'pages.league_charts(ctx, "league");'),
        ("md", "## So sánh các xã"),
        ("code", 'pages.multiples_chart(ctx, "multiples");'),
        (
            "md",
            "## Trên địa giới mới\nVới các kỳ trước 01/7/2025: số liệu của các xã cũ được "
            "cộng theo các xã mới mà chúng hợp thành (tỷ lệ tính lại từ thành phần).",
        ),
        ("code", "display(pages.merged_units_table(ctx))"),
        ("code", "display(pages.findings_counts(ctx))"),
    ],
}


def build(name: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    params = new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})
    cells = [params, new_code_cell(context_cell(name))]
    for kind, text in BODIES[name]:
        cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
    for i, cell in enumerate(cells):
        cell["id"] = f"{name}-{i:02d}"  # stable ids: rebuilding gives identical files
    nb.cells = cells
    return nb


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name in BODIES:
        nbformat.write(build(name), NOTEBOOKS / f"{name}.ipynb")
        print(NOTEBOOKS / f"{name}.ipynb")


if __name__ == "__main__":
    main()
