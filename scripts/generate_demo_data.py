"""Generate the SYNTHETIC demo data set for trend work (fixed seed, reproducible).

The 17 legacy communes of Yên Thế district (Bắc Giang) for 2019-H1 … 2025-H1, and the five 2025
communes they became for 2025-H2 … 2026-H1, for every catalogue indicator. Values are plausible
but made up: every row has source `synthetic-demo`. Đông Sơn's series is anchored on its real
2024-H1 figures, and Đông Sơn 2024-H1 itself is left to the real report (no synthetic rows).
A handful of deliberate faults are planted for the checks to find; they are listed in
data/demo_faults.csv.

    python scripts/generate_demo_data.py          # rewrites data/observations/demo/
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dvcq_lib import communes, register  # noqa: E402
from dvcq_lib.catalogue import catalogue  # noqa: E402
from dvcq_lib.periods import Period, period_range  # noqa: E402

SEED = 20240603  # the date of the reference report
SOURCE = "synthetic-demo"
OUT = ROOT / "data" / "observations" / "demo" / "yen-the_synthetic.csv"
FAULTS = ROOT / "data" / "demo_faults.csv"
REFERENCE = ROOT / "data" / "observations" / "reference" / "dong-son_2024-H1.csv"
DONG_SON = "07273"
LEGACY_PERIODS = period_range("2019-H1", "2025-H1")
NEW_PERIODS = period_range("2025-H2", "2026-H1")
ANCHOR = Period.parse("2024-H1")

# Per-half levels for a commune the size of Đông Sơn (H1 = winter-spring crop, H2 = summer-
# autumn), and the yearly growth of each. Yields and rates are derived, never drawn.
LEVELS: dict[str, tuple[float, float, float]] = {
    # code: (H1 level, H2 level, growth per year)
    "rice_area": (219.5, 262.0, -0.008),
    "rice_yield": (58.0, 52.0, 0.006),
    "maize_area": (19.4, 12.5, -0.01),
    "maize_yield": (46.0, 42.0, 0.008),
    "peanut_area": (27.5, 9.0, -0.01),
    "peanut_yield": (24.0, 21.0, 0.006),
    "vegetable_area": (121.3, 138.0, 0.012),
    "lychee_longan_area": (178.0, 178.0, -0.005),
    "other_fruit_area": (200.0, 200.0, 0.03),
    "fruit_output": (1450.0, 880.0, 0.025),
    "crop_value": (32.5, 35.0, 0.045),
    "buffalo_cattle_head": (420.0, 430.0, -0.02),
    "pig_head": (2650.0, 2800.0, 0.02),
    "poultry_head": (105000.0, 112000.0, 0.03),
    "livestock_value": (48.0, 51.0, 0.05),
    "forest_harvest_area": (30.0, 36.0, 0.01),
    "forest_planted_area": (30.0, 36.0, 0.01),
    "forestry_value": (4.0, 4.8, 0.04),
    "dossiers_received": (1050.0, 1120.0, 0.06),
    "petitions_received": (10.0, 9.0, -0.03),
    "reception_sessions_regular": (32.0, 32.0, 0.0),
    "reception_sessions_periodic": (24.0, 24.0, 0.0),
    "reception_sessions_adhoc": (9.0, 7.0, 0.0),
    "citizen_visits": (60.0, 52.0, -0.02),
}
PROFILE = {
    "natural_area": 2706.51,
    "villages": 14,
    "households": 2363,
    "population": 8093,
    "ethnic_groups": 9,
    "ethnic_minority_households": 604,
}
ROUND = {"ha": 1, "tạ/ha": 1, "tấn": 1, "tỷ đồng": 2, "%": 1}


def _years(p: Period) -> float:
    return p.year + (0.0 if p.half == 1 else 0.5) - 2024.0


def legacy_commune_series(
    code: str, is_town: bool, rng: np.random.Generator, real: dict[str, float]
) -> pd.DataFrame:
    """Component values (flows, stocks) of one legacy commune, periods as rows."""
    anchored = code == DONG_SON
    scale = 1.0 if anchored else rng.uniform(0.55, 1.5)
    agri = 1.0 if anchored else (0.35 if is_town else rng.uniform(0.6, 1.4))
    admin = 1.0 if anchored else (1.8 if is_town else rng.uniform(0.6, 1.3))
    rows = []
    pending_d = pending_p = None
    for p in [*LEGACY_PERIODS, *NEW_PERIODS]:
        t, h = _years(p), p.half - 1
        noise = lambda sd=0.03: float(rng.normal(1.0, sd))  # noqa: E731
        v: dict[str, float] = {}
        for code_, (h1, h2, g) in LEVELS.items():
            base = (h1, h2)[h]
            if anchored and code_ in real and h == 0:
                base = real[code_]
            f = (
                agri
                if code_
                not in (
                    "dossiers_received",
                    "petitions_received",
                    "reception_sessions_regular",
                    "reception_sessions_periodic",
                    "reception_sessions_adhoc",
                    "citizen_visits",
                )
                else admin
            )
            f = 1.0 if code_.startswith("reception_sessions_regular") else f
            v[code_] = base * f * (1 + g) ** t * noise(0.0 if (anchored and p == ANCHOR) else 0.04)
        if p == Period(2019, 2):  # African swine fever reached Bắc Giang in 2019
            v["pig_head"] *= 0.62
        # areas and herds are whole or one decimal; yields give outputs
        for crop in ("rice", "maize", "peanut"):
            v[f"{crop}_area"] = round(v[f"{crop}_area"], 1)
            v[f"{crop}_yield"] = round(v[f"{crop}_yield"], 1)
            v[f"{crop}_output"] = round(
                v[f"{crop}_area"] * v[f"{crop}_yield"] / 10 * noise(0.004), 1
            )
        v["grain_output"] = round(v["rice_output"] + v["maize_output"], 1)
        v["fruit_area"] = round(v["lychee_longan_area"], 1) + round(v["other_fruit_area"], 1)
        # dossiers: online share rises from ~20 % (2019) to ~95 % (2025)
        online = min(0.97, 0.2 + 0.125 * (t + 5)) * noise(0.02)
        received = round(v["dossiers_received"])
        start = pending_d if pending_d is not None else round(received * 0.02)
        resolved = round((received + start) * min(0.995, rng.uniform(0.97, 0.99)))
        overdue = int(rng.binomial(resolved, 0.006))
        v.update(
            dossiers_received=received,
            dossiers_online=min(received, round(received * online)),
            dossiers_resolved=resolved,
            dossiers_overdue=overdue,
            dossiers_on_time=resolved - overdue,
            dossiers_pending=received + start - resolved,
        )
        pending_d = v["dossiers_pending"]
        # petitions
        received_p = int(rng.poisson(max(v["petitions_received"], 1)))
        start_p = pending_p if pending_p is not None else 1
        resolved_p = min(
            received_p + start_p, int(round((received_p + start_p) * rng.uniform(0.7, 1.0)))
        )
        resolved_p = min(resolved_p, received_p)
        v.update(
            petitions_received=received_p,
            petitions_resolved=resolved_p,
            petitions_pending=start_p + received_p - resolved_p,
            petitions_beyond_level=int(rng.random() < 0.15),
        )
        pending_p = v["petitions_pending"]
        # profile: stocks, slowly growing
        prof_scale = 1.0 if anchored else scale
        for k, base in PROFILE.items():
            if k in ("natural_area", "villages", "ethnic_groups"):
                val = base * prof_scale if k == "natural_area" else base
                if not anchored and k == "villages":
                    val = max(4, round(base * prof_scale))
                if not anchored and k == "ethnic_groups":
                    val = int(rng.integers(3, 10))
                v[k] = val
            else:
                v[k] = round(base * prof_scale * (1 + 0.009) ** t)
        rows.append({"period": p.code, **v})
    df = pd.DataFrame(rows).set_index("period")
    for col in ("natural_area", "villages", "ethnic_groups"):  # constant over the periods
        df[col] = df[col].iloc[0]
    return df


def with_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Recompute every ratio from its components (formulas from the catalogue)."""
    from dvcq_lib.catalogue import evaluate

    out = df.copy()
    for ind in catalogue():
        if ind.formula:
            out[ind.code] = evaluate(ind.formula, out).round(1)
    return out


def tidy(df: pd.DataFrame, code: str) -> pd.DataFrame:
    cat = catalogue()
    long = df.reset_index().melt(id_vars="period", var_name="indicator", value_name="value")
    long = long[long["indicator"].isin(cat.codes)].dropna(subset=["value"])
    long["unit"] = long["indicator"].map(lambda c: cat[c].unit)
    long["value"] = [
        round(float(v), ROUND.get(u, 0)) for v, u in zip(long["value"], long["unit"], strict=True)
    ]
    long.insert(0, "commune_code", code)
    return long


def plant_faults(df: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Deliberate faults for the checks to find; each one listed with what is wrong."""
    faults = []

    def set_value(code, period, ind, value, fault, why):
        m = (df.commune_code == code) & (df.period == period) & (df.indicator == ind)
        old = df.loc[m, "value"].iloc[0]
        df.loc[m, "value"] = value(old) if callable(value) else value
        faults.append(
            dict(
                commune_code=code,
                period=period,
                indicator=ind,
                fault=fault,
                original=old,
                planted=df.loc[m, "value"].iloc[0],
                description_vi=why,
            )
        )

    set_value(
        "07282",
        "2023-H1",
        "pig_head",
        lambda x: x * 10,
        "outlier_time",
        "Đàn lợn ghi thừa một chữ số 0 (gấp 10 lần các kỳ khác)",
    )
    set_value(
        "07291",
        "2022-H1",
        "rice_yield",
        86.0,
        "outlier_peer",
        "Năng suất lúa 86 tạ/ha, cao bất thường so với các xã cùng huyện",
    )
    set_value(
        "07285",
        "2021-H2",
        "dossiers_overdue",
        lambda x: x + 40,
        "rule",
        "Hồ sơ đúng hạn + quá hạn vượt số hồ sơ đã giải quyết",
    )
    set_value(
        "07246",
        "2020-H1",
        "rice_output",
        lambda x: round(x * 10, 1),
        "rule",
        "Sản lượng lúa ghi theo tạ thay vì tấn: gấp 10 lần diện tích × năng suất",
    )
    set_value(
        "07249",
        "2022-H2",
        "petitions_resolved",
        lambda x: x + 6,
        "rule",
        "Số đơn đã giải quyết lớn hơn số đơn tiếp nhận",
    )
    set_value(
        "07279",
        "2024-H1",
        "petitions_resolution_rate",
        90.0,
        "rule",
        "Tỷ lệ giải quyết đơn ghi 90 % không khớp số đã giải quyết / tiếp nhận",
    )
    set_value(
        "07243",
        "2023-H2",
        "fruit_area",
        lambda x: x + 50,
        "rule",
        "Tổng diện tích cây ăn quả lớn hơn tổng các loại cây thành phần 50 ha",
    )
    # Completeness: one commune skips its dossiers one half; another does not report at all.
    gaps = [("07252", "2023-H2", "dossiers"), ("07255", "2021-H1", None)]
    for code, period, domain in gaps:
        m = (df.commune_code == code) & (df.period == period)
        if domain:
            m &= df.indicator.map(lambda c: catalogue()[c].domain) == domain
        faults.append(
            dict(
                commune_code=code,
                period=period,
                indicator=domain or "*",
                fault="missing",
                original=int(m.sum()),
                planted=0,
                description_vi="Không báo cáo " + ("mục thủ tục hành chính" if domain else "cả kỳ"),
            )
        )
        df = df[~m]
    return df, faults


def main() -> None:
    real = pd.read_csv(REFERENCE, dtype={"commune_code": str})
    real_values = dict(zip(real["indicator"], real["value"].astype(float), strict=True))
    legacy = communes.units(register.LEGACY, district="Yên Thế").sort_index()
    frames, components = [], {}
    for code, row in legacy.iterrows():
        comp = legacy_commune_series(
            code,
            row["unit_type"] == "Thị trấn",
            np.random.default_rng([SEED, int(code)]),
            real_values,
        )
        components[code] = comp
        part = tidy(with_ratios(comp.loc[[p.code for p in LEGACY_PERIODS]]), code)
        frames.append(part)
    mapping = register.legacy_to_2025()
    for new_code in communes.units(register.NEW, district="Yên Thế").index:
        olds = mapping.loc[mapping.new_code == new_code, "legacy_code"]
        periods = [p.code for p in NEW_PERIODS]
        summed = sum(components[o].loc[periods] for o in olds)
        summed["ethnic_groups"] = max(components[o]["ethnic_groups"].iloc[0] for o in olds)
        frames.append(tidy(with_ratios(summed), new_code))
    df = pd.concat(frames, ignore_index=True)
    # Đông Sơn 2024-H1 is the real report's: no synthetic row there.
    df = df[~((df.commune_code == DONG_SON) & (df.period == ANCHOR.code))]
    # A few communes write money in triệu đồng, as real reports do (the loader converts).
    df, faults = plant_faults(df.reset_index(drop=True))
    money = (df.commune_code == "07270") & (df.unit == "tỷ đồng")
    df.loc[money, "value"] = (df.loc[money, "value"] * 1000).round(0)
    df.loc[money, "unit"] = "triệu đồng"
    df["source"] = SOURCE
    df["note"] = "DỮ LIỆU GIẢ LẬP (synthetic)"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT, index=False)
    pd.DataFrame(faults).to_csv(FAULTS, index=False)
    print(
        f"{len(df)} synthetic rows → {OUT.relative_to(ROOT)}; "
        f"{len(faults)} planted faults → {FAULTS.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
