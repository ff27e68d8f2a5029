"""Builds the stand-in notebooks the engine tests render (run: python build_standins.py).

They follow the report-notebook contract (parameters cell, thin, charts drawn once and shown as
PNG bytes, Vietnamese title, sources, synthetic banner) with 2 tables and 4 charts — the shape the
benchmark in issue 4 measures. `fragile`, `hanging` and `killer` fail on purpose.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent
PARAMETERS = '''commune: str = "07273"  # mã hoặc tên xã/phường (code or name)
period: str = "2024-H1"  # kỳ báo cáo: 2024-H1, 2024-H2, 2024
district: str = ""  # huyện cũ, để phân biệt tên trùng (legacy district, to disambiguate)
province: str = ""  # tỉnh (province)
data_dir: str = ""  # thư mục dữ liệu; rỗng: data/ của dự án
output_dir: str = ""  # thư mục trang báo cáo; biểu đồ vào output_dir/charts/; rỗng: không lưu
lang: str = "vi"  # ngôn ngữ: vi hoặc en'''

CONTEXT = '''import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import HTML, Image, display

from dvcq_lib import is_synthetic, load, register
from dvcq_lib.numbers import format_number
from dvcq_lib.observations import commune_keys
from dvcq_lib.periods import Period

p = Period.parse(period)
now = load(commune=commune, period=p.code, district=district or None,
           province=province or None, data_dir=data_dir or None)
unit = register.get(now["commune_code"].iloc[0], period=p.code)
everything = load(data_dir=data_dir or None)
mine = everything[(commune_keys(everything) == unit.key)
                  & (everything["period"].astype(str).map(lambda x: Period.parse(x) <= p))]
charts = Path(output_dir) / "charts" if output_dir else None
display(HTML(f"<h1>Báo cáo thử nghiệm — {unit.name}, {p.label_vi}</h1>"
             "<p>(stand-in notebook of the engine tests)</p>"))
if is_synthetic(mine).any():
    display(HTML('<div style="background:#c00;color:#fff;padding:8px;font-weight:bold">'
                 "DỮ LIỆU GIẢ LẬP — số liệu minh hoạ, không phải báo cáo thật</div>"))
display(HTML("<p>Nguồn: " + "; ".join(sorted(mine["source"].unique())) + "</p>"))'''

TABLES = '''table = now[["indicator", "value", "unit"]].assign(
    value=now["value"].map(format_number)).rename(
    columns={"indicator": "Chỉ tiêu", "value": "Giá trị", "unit": "Đơn vị"})
display(HTML(table.to_html(index=False)))
counts = mine.groupby("period", observed=True).size().rename("Số chỉ tiêu").reset_index()
display(HTML(counts.rename(columns={"period": "Kỳ"}).to_html(index=False)))'''

CHARTS = '''for code in ["population", "rice_area", "petitions_received", "dossiers_received"]:
    series = mine[mine["indicator"] == code]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.bar(series["period"].astype(str), series["value"], color="#0072B2")
    ax.set_title(f"{code} — {unit.name}, {p.label_vi}")
    ax.tick_params(axis="x", rotation=45)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    if charts is not None:
        charts.mkdir(parents=True, exist_ok=True)
        (charts / f"standin-{code}.png").write_bytes(buf.getvalue())
    plt.close(fig)
    display(Image(buf.getvalue()))'''


def notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    # stand-ins show no data-quality findings: their pages do not depend on them
    nb.metadata["dvcq"] = {"inputs": {"findings": False}}
    nb.cells[0].metadata["tags"] = ["parameters"]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    return nb


def main() -> None:
    books = {
        "standin": notebook(new_code_cell(PARAMETERS), new_code_cell(CONTEXT),
                            new_markdown_cell("## Bảng số liệu"), new_code_cell(TABLES),
                            new_markdown_cell("## Biểu đồ"), new_code_cell(CHARTS)),
        # raises for one commune only (Tiến Thắng, 07285): the others of the batch must finish
        "fragile": notebook(new_code_cell(PARAMETERS), new_code_cell(
            "from IPython.display import HTML, display\n"
            "from dvcq_lib import register\n"
            "if register.normalize_code(commune) == \"07285\":\n"
            "    raise ValueError(\"lỗi cố ý để kiểm thử (deliberate failure)\")\n"
            "display(HTML(f\"<h1>Trang ổn định — {commune}</h1>\"))")),
        "hanging": notebook(new_code_cell(PARAMETERS),
                            new_code_cell("import time\n\ntime.sleep(3600)")),
        "killer": notebook(new_code_cell(PARAMETERS), new_code_cell(
            "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)")),
    }
    for name, nb in books.items():
        nbformat.write(nb, HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
