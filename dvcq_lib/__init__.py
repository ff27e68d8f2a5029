"""dvcq — phân tích báo cáo 6 tháng của xã, phường (Vietnamese commune half-year reporting).

The public API: `load()` observations, `wide()` them, look up communes and their peers in
`communes` (`communes.resolve`, `communes.peers`), read the indicator `catalogue()`, parse
`Period`s. For exploring in a notebook (JupyterLab):
`series`, `compare`, `coverage`, `findings`, `evidence`, `chart` and `table` (`dvcq_lib.explore`).
"""

from dvcq_lib.catalogue import Indicator, catalogue
from dvcq_lib.explore import chart, compare, coverage, evidence, findings, series, table
from dvcq_lib.observations import is_synthetic, load, wide
from dvcq_lib.periods import Period
from dvcq_lib.remap import remap, series_for

__version__ = "0.1.0"
__all__ = [
    "load",
    "wide",
    "is_synthetic",
    "catalogue",
    "Indicator",
    "Period",
    "remap",
    "series_for",
    "series",
    "compare",
    "coverage",
    "findings",
    "evidence",
    "chart",
    "table",
    "__version__",
]
