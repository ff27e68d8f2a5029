"""Generate the SYNTHETIC demo data set for trend work (fixed seed, reproducible).

The 17 legacy communes of Yên Thế district (Bắc Giang) for 2019-H1 … 2025-H1, and the five 2025
communes they became for 2025-H2 … 2026-H1, for every catalogue indicator. Values are plausible
but made up: every row has source `synthetic-demo`. Đông Sơn's series is anchored on its real
2024-H1 figures, and Đông Sơn 2024-H1 itself is left to the real report (no synthetic rows).
A handful of deliberate faults are planted for the checks to find; they are listed in
data/demo_faults.csv.

    python scripts/generate_demo_data.py          # rewrites data/observations/demo/

With `--scale`, a SYNTHETIC set for measuring dvcq at size instead (never committed, never
written into data/): every legacy commune of the country (or of one province / district) for
2019-H1 … 2025-H1 and every 2025 commune formed from them for 2025-H2 … 2026-H1, source
`synthetic-scale`, each file's sidecar `synthetic: true`. Vectorised: the country takes seconds.

    python scripts/generate_demo_data.py --scale nation --out /tmp/nation
    python scripts/generate_demo_data.py --scale province --code 24 --out /tmp/bac-giang
    python scripts/generate_demo_data.py --scale district --code "Yên Thế" --out /tmp/yen-the
    python scripts/generate_demo_data.py --scale nation --indicators all --out /tmp/nation-all
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dvcq_lib import communes, register  # noqa: E402
from dvcq_lib.catalogue import catalogue, formula_codes  # noqa: E402
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
ROUND = {"ha": 1, "tạ/ha": 1, "tấn": 1, "tỷ đồng": 2, "%": 1, "triệu đồng/người/năm": 1}


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


#: Ratios the bundled demo set does not hold although it holds their components (added to the
#: catalogue after it was made): the demo set stays byte-identical (data/README.md); the scale
#: set (`--indicators all`) holds them.
NOT_IN_DEMO = frozenset({"grain_per_capita"})


def with_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Recompute every ratio from its components (formulas from the catalogue)."""
    from dvcq_lib.catalogue import evaluate

    out = df.copy()
    for ind in catalogue():
        if ind.formula and ind.code not in NOT_IN_DEMO:
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


def main_demo() -> None:
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


# ---------------------------------------------------------------------------------------------
# --scale: the national (or one province's, one district's) synthetic set, vectorised
# ---------------------------------------------------------------------------------------------
SCALES = ("nation", "province", "district")
SCALE_SOURCE = "synthetic-scale"
#: `--indicators demo`: the indicators of the bundled demo set (39, the set issue #17's
#: national figures were measured on: 5.1 million rows); `all`: every catalogue indicator.
INDICATOR_SETS = ("demo", "all")
ADMIN = (
    "dossiers_received",
    "petitions_received",
    "reception_sessions_periodic",
    "reception_sessions_adhoc",
    "citizen_visits",
    "budget_revenue",
    "budget_expenditure",
)
#: Levels of the indicators the bundled demo set does not hold (`--indicators all`), same shape
#: as LEVELS: (H1, H2, growth per year) for a commune the size of Đông Sơn.
EXTRA_LEVELS: dict[str, tuple[float, float, float]] = {
    "cassava_area": (8.0, 6.0, -0.01),
    "sweet_potato_area": (6.0, 4.0, -0.02),
    "sugarcane_area": (3.0, 3.0, -0.01),
    "soybean_area": (4.0, 5.0, -0.03),
    "turmeric_area": (1.5, 1.5, 0.0),
    "ginger_area": (1.0, 1.0, 0.0),
    "tea_area": (12.0, 12.0, 0.0),
    "coffee_area": (2.0, 2.0, 0.01),
    "pepper_area": (1.0, 1.0, 0.01),
    "rubber_area": (3.0, 3.0, 0.0),
    "cashew_area": (1.5, 1.5, 0.0),
    "goat_head": (90.0, 95.0, 0.02),
    "aquaculture_area": (14.0, 14.0, 0.01),
    "planted_forest_area": (900.0, 900.0, 0.005),
    "land_consolidation_area": (3.0, 3.0, 0.05),
    "mediation_cases": (6.0, 5.0, 0.0),
    # fruit trees named one by one: parts of the other fruit area (200 ha at Đông Sơn's size)
    "durian_area": (0.8, 0.8, 0.03),
    "mango_area": (1.2, 1.2, 0.01),
    "dragon_fruit_area": (0.5, 0.5, 0.0),
    "pineapple_area": (1.0, 1.0, 0.0),
    "jackfruit_area": (1.5, 1.5, 0.02),
    "coconut_area": (0.6, 0.6, 0.0),
    "macadamia_area": (0.4, 0.4, 0.05),
    "grape_area": (0.2, 0.2, 0.0),
    "sheep_head": (20.0, 22.0, 0.02),
    # the commune budget (triệu đồng a half-year): scaled like the administration
    "budget_revenue": (9500.0, 11000.0, 0.06),
    "budget_expenditure": (8800.0, 10500.0, 0.06),
}
#: Yield (tạ/ha) or output per hectare (tấn/ha) of the extra crops: outputs follow the areas.
EXTRA_YIELD = {
    "cassava": 180.0,
    "sweet_potato": 100.0,
    "sugarcane": 600.0,
    "soybean": 15.0,
}
EXTRA_OUTPUT_PER_HA = {
    "turmeric": 20.0,
    "ginger": 15.0,
    "tea": 4.0,
    "coffee": 1.2,
    "pepper": 1.5,
    "rubber": 0.7,
    "cashew": 0.6,
    "aquaculture": 2.5,
    "durian": 12.0,
    "pineapple": 40.0,
}
#: Shares of the ethnic minority population by group (the rest are the other groups).
ETHNIC_SHARES = {
    "population_tay": 0.35,
    "population_nung": 0.3,
    "population_thai": 0.05,
    "population_muong": 0.05,
    "population_hmong": 0.05,
    "population_dao": 0.1,
    "population_khmer": 0.02,
}


def scale_units(scale: str, code: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The legacy communes and the 2025 communes of a scale: the country, one province (legacy
    province code or name) or one legacy district (code or name); the 2025 communes are those
    formed from the legacy ones (every 2025 commune for the country)."""
    legacy = register.legacy_units()
    new = register.new_units()
    if scale == "nation":
        return legacy, new
    if not code:
        raise SystemExit(f"--scale {scale} cần --code (mã hoặc tên {scale})")
    level = "province" if scale == "province" else "district"
    by_code = legacy[f"{level}_code"].astype(str) == str(code).lstrip("0").zfill(
        len(str(legacy[f"{level}_code"].iloc[0]))
    )
    by_code |= legacy[f"{level}_code"].astype(str) == str(code)
    chosen = legacy[by_code]
    if chosen.empty:
        chosen = communes.units(register.LEGACY, **{level: str(code)})
    if chosen.empty:
        raise SystemExit(f"Không có {level} {code!r} trong danh mục đơn vị hành chính cũ")
    mapping = register.legacy_to_2025()
    formed = mapping.loc[mapping["legacy_code"].isin(chosen.index), "new_code"].unique()
    return legacy.loc[chosen.index], new.loc[new.index.isin(formed)]


def _columns_for(indicators: str) -> list[str]:
    cat = catalogue()
    if indicators == "all":
        return list(cat.codes)
    demo = {*LEVELS, *PROFILE, "fruit_area", "grain_output"}
    demo |= {f"{c}_output" for c in ("rice", "maize", "peanut")}
    demo |= {
        "dossiers_online",
        "dossiers_resolved",
        "dossiers_overdue",
        "dossiers_on_time",
        "dossiers_pending",
        "petitions_resolved",
        "petitions_pending",
        "petitions_beyond_level",
    }
    demo |= {
        i.code
        for i in cat
        if i.formula and set(formula_codes(i.formula)) <= demo and i.code not in NOT_IN_DEMO
    }
    return [c for c in cat.codes if c in demo]


def _components(
    n: int, periods: list[Period], rng: np.random.Generator, towns: np.ndarray
) -> dict[str, np.ndarray]:
    """Component values of `n` communes × `periods` (arrays n × p), every catalogue indicator
    but the ratios; the same arithmetic as `legacy_commune_series`, over all communes at once."""
    p = len(periods)
    t = np.array([_years(q) for q in periods])
    half = np.array([q.half - 1 for q in periods])
    scale = rng.uniform(0.55, 1.5, n)[:, None]
    agri = np.where(towns, 0.35, rng.uniform(0.6, 1.4, n))[:, None]
    admin = np.where(towns, 1.8, rng.uniform(0.6, 1.3, n))[:, None]

    def level(h1: float, h2: float, g: float, f: np.ndarray, sd: float = 0.04) -> np.ndarray:
        base = np.where(half == 0, h1, h2) * (1 + g) ** t
        return f * base[None, :] * rng.normal(1.0, sd, (n, p))

    v: dict[str, np.ndarray] = {}
    for code, (h1, h2, g) in {**LEVELS, **EXTRA_LEVELS}.items():
        f = admin if code in ADMIN else agri
        v[code] = level(h1, h2, g, np.ones((n, 1)) if code == "reception_sessions_regular" else f)
    v["pig_head"][:, [i for i, q in enumerate(periods) if q == Period(2019, 2)]] *= 0.62
    for k in ("pig_head", "poultry_head", "buffalo_cattle_head", "goat_head"):
        v[k] = np.round(v[k])
    for crop in ("rice", "maize", "peanut", *EXTRA_YIELD):
        area = np.round(v[f"{crop}_area"], 1)
        yld = np.round(v[f"{crop}_yield"], 1) if f"{crop}_yield" in v else None
        if yld is None:
            yld = EXTRA_YIELD[crop] * rng.normal(1.0, 0.04, (n, p))
        v[f"{crop}_area"] = area
        v[f"{crop}_output"] = np.round(area * yld / 10 * rng.normal(1.0, 0.004, (n, p)), 1)
        v.pop(f"{crop}_yield", None)
    for crop, per_ha in EXTRA_OUTPUT_PER_HA.items():
        v[f"{crop}_output"] = np.round(v[f"{crop}_area"] * per_ha * rng.normal(1, 0.05, (n, p)), 1)
    v["grain_output"] = np.round(v["rice_output"] + v["maize_output"], 1)
    v["lychee_longan_area"] = np.round(v["lychee_longan_area"], 1)
    v["other_fruit_area"] = np.round(v["other_fruit_area"], 1)
    v["fruit_area"] = v["lychee_longan_area"] + v["other_fruit_area"]
    v["lychee_area"] = np.round(v["lychee_longan_area"] * rng.uniform(0.5, 0.8, (n, 1)), 1)
    v["longan_area"] = np.round(v["lychee_longan_area"] - v["lychee_area"], 1)
    v["lychee_output"] = np.round(v["lychee_area"] * 6.0 * rng.normal(1, 0.05, (n, p)), 1)
    v["timber_output"] = np.round(v["forest_harvest_area"] * rng.uniform(70.0, 110.0, (n, p)))
    v["sheep_head"] = np.round(v["sheep_head"])
    seasonal = [c for c in v if c.endswith("_area") and catalogue()[c].seasonal]
    v["sown_area"] = np.round(sum(v[c] for c in seasonal), 1)
    buffalo = np.round(v["buffalo_cattle_head"] * rng.uniform(0.3, 0.7, (n, 1)))
    v["buffalo_head"], v["cattle_head"] = buffalo, v["buffalo_cattle_head"] - buffalo
    # dossiers: the online share rises from ~20 % (2019) to ~95 % (2025); pending carries over
    received = np.round(v["dossiers_received"])
    online = np.minimum(received, np.round(received * np.minimum(0.97, 0.2 + 0.125 * (t + 5))))
    resolved = np.zeros((n, p))
    pending = np.zeros((n, p))
    start = np.round(received[:, 0] * 0.02)
    carried = np.zeros((n, p))
    for i in range(p):
        carried[:, i] = start
        resolved[:, i] = np.round((received[:, i] + start) * rng.uniform(0.97, 0.99, n))
        pending[:, i] = received[:, i] + start - resolved[:, i]
        start = pending[:, i]
    overdue = rng.binomial(resolved.astype(np.int64), 0.006).astype(float)
    on_time = resolved - overdue
    pending_overdue = np.round(pending * rng.uniform(0.0, 0.1, (n, p)))
    authority = np.round(received * rng.uniform(0.7, 0.9, (n, p)))
    v.update(
        dossiers_received=received,
        dossiers_online=online,
        dossiers_received_direct=received - online,
        dossiers_resolved=resolved,
        dossiers_overdue=overdue,
        dossiers_on_time=on_time,
        dossiers_before_deadline=np.round(on_time * rng.uniform(0.4, 0.8, (n, p))),
        dossiers_pending=pending,
        dossiers_carried_over=carried,
        dossiers_pending_overdue=pending_overdue,
        dossiers_pending_in_time=pending - pending_overdue,
        dossiers_digitised=np.round(online * 0.8),
        dossiers_paid_online=np.round(online * 0.3),
        dossiers_fully_online=np.round(online * 0.6),
        dossiers_commune_authority=authority,
        dossiers_commune_authority_on_time=np.round(authority * rng.uniform(0.95, 1.0, (n, p))),
    )
    # petitions
    got = rng.poisson(np.maximum(v["petitions_received"], 1)).astype(float)
    solved = np.zeros((n, p))
    left = np.zeros((n, p))
    start_p = np.ones(n)
    for i in range(p):
        solved[:, i] = np.minimum(
            got[:, i], np.round((got[:, i] + start_p) * rng.uniform(0.7, 1.0, n))
        )
        left[:, i] = start_p + got[:, i] - solved[:, i]
        start_p = left[:, i]
    complaints = rng.binomial(got.astype(np.int64), 0.3).astype(float)
    denunciations = rng.binomial((got - complaints).astype(np.int64), 0.2).astype(float)
    cases = np.round(v.pop("mediation_cases"))
    carried_p = np.concatenate([np.ones((n, 1)), left[:, :-1]], axis=1)
    authority_p = np.round(got * rng.uniform(0.6, 0.9, (n, p)))
    v.update(
        petitions_received=got,
        petitions_resolved=solved,
        petitions_pending=left,
        petitions_beyond_level=(rng.random((n, p)) < 0.15).astype(float),
        complaints_received=complaints,
        denunciations_received=denunciations,
        recommendations_received=got - complaints - denunciations,
        mediation_cases=cases,
        mediation_successful=np.round(cases * rng.uniform(0.6, 1.0, (n, p))),
        petitions_carried_over=carried_p,
        petitions_commune_authority=authority_p,
        petitions_commune_authority_resolved=np.round(authority_p * rng.uniform(0.7, 1.0, (n, p))),
    )
    v["dossiers_to_handle"] = v["dossiers_carried_over"] + v["dossiers_received"]
    v["budget_revenue"] = np.round(v["budget_revenue"])
    v["budget_expenditure"] = np.round(v["budget_expenditure"])
    v["agriculture_value"] = np.round(
        v["crop_value"] + v["livestock_value"] + v["forestry_value"], 2
    )
    for k in ("reception_sessions_regular", "reception_sessions_periodic"):
        v[k] = np.round(v[k])
    for k in ("reception_sessions_adhoc", "citizen_visits"):
        v[k] = np.round(v[k])
    # profile: stocks, slowly growing; areas and counts constant over the periods
    grow = (1 + 0.009) ** t[None, :]
    natural = np.repeat(PROFILE["natural_area"] * scale, p, axis=1)
    households = np.round(PROFILE["households"] * scale * grow)
    population = np.round(PROFILE["population"] * scale * grow)
    agri_land = np.round(natural * rng.uniform(0.2, 0.5, (n, 1)), 1)
    forest_land = np.round(natural * rng.uniform(0.1, 0.45, (n, 1)), 1)
    v.update(
        natural_area=np.round(natural, 2),
        villages=np.repeat(np.maximum(4, np.round(PROFILE["villages"] * scale)), p, axis=1),
        households=households,
        population=population,
        ethnic_groups=np.repeat(rng.integers(3, 10, (n, 1)).astype(float), p, axis=1),
        ethnic_minority_households=np.round(PROFILE["ethnic_minority_households"] * scale * grow),
        ethnic_minority_population=np.round(
            population * PROFILE["ethnic_minority_households"] / PROFILE["households"]
        ),
        labour_force=np.round(population * 0.6),
        agricultural_households=np.round(households * rng.uniform(0.4, 0.8, (n, 1))),
        agricultural_land_area=agri_land,
        forest_land_area=forest_land,
        forest_area=np.round(forest_land * rng.uniform(0.7, 1.0, (n, 1)), 1),
    )
    minority = v["ethnic_minority_population"]
    for k, share in ETHNIC_SHARES.items():
        v[k] = np.floor(minority * share)
    v["population_other_ethnic"] = minority - sum(v[k] for k in ETHNIC_SHARES)
    v["population_kinh"] = population - minority
    v["poor_households"] = np.round(households * rng.uniform(0.02, 0.12, (n, 1)) * 0.97**t)
    v["near_poor_households"] = np.round(households * rng.uniform(0.02, 0.08, (n, 1)))
    v["income_per_capita"] = np.round(
        40.0 * 1.07 ** t[None, :] * rng.uniform(0.8, 1.2, (n, 1)) * rng.normal(1, 0.02, (n, p)), 1
    )
    fruits = ("tea", "coffee", "pepper", "rubber", "cashew", "durian", "mango", "dragon_fruit")
    fruits += ("pineapple", "jackfruit", "coconut", "macadamia", "grape")
    for k in fruits:
        v[f"{k}_area"] = np.round(v[f"{k}_area"], 1)
    return v


def _with_ratios(v: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every ratio recomputed from its components (the catalogue's formulas), rounded."""
    from dvcq_lib.catalogue import evaluate

    flat = pd.DataFrame({k: a.ravel() for k, a in v.items()})
    shape = next(iter(v.values())).shape
    out = dict(v)
    for ind in catalogue():
        if ind.formula and set(formula_codes(ind.formula)) <= set(flat):
            ratio = evaluate(ind.formula, flat).to_numpy(dtype=float)
            out[ind.code] = np.round(np.where(np.isfinite(ratio), ratio, np.nan), 1).reshape(shape)
    return out


def _tidy_arrays(
    codes: np.ndarray, periods: list[Period], v: dict[str, np.ndarray], columns: list[str]
) -> pd.DataFrame:
    """n × p arrays → the observations table's rows (commune, period, indicator, value, unit)."""
    cat = catalogue()
    n, p = len(codes), len(periods)
    cols = [c for c in columns if c in v]
    values = np.stack([v[c] for c in cols], axis=2)  # n × p × k
    decimals = np.array([ROUND.get(cat[c].unit, 0) for c in cols])
    scale = 10.0**decimals
    values = np.round(values * scale[None, None, :]) / scale[None, None, :]
    frame = pd.DataFrame(
        {
            "commune_code": np.repeat(codes, p * len(cols)),
            "period": np.tile(np.repeat([q.code for q in periods], len(cols)), n),
            "indicator": np.tile(cols, n * p),
            "value": values.ravel(),
            "unit": np.tile([cat[c].unit for c in cols], n * p),
        }
    )
    return frame[np.isfinite(frame["value"].to_numpy())]


def generate_scale(
    scale: str, code: str | None = None, indicators: str = "demo", seed: int = SEED
) -> dict[str, pd.DataFrame]:
    """The synthetic rows of a scale, one frame per file: `legacy/<province>` for the legacy
    communes (LEGACY_PERIODS), `2025/<province>` for the 2025 communes (NEW_PERIODS), whose
    figures are the sums of their legacy communes' (the default successor of a divided one)."""
    legacy, new = scale_units(scale, code)
    legacy = legacy.sort_index()
    columns = _columns_for(indicators)
    rng = np.random.default_rng([seed, len(legacy)])
    periods = [*LEGACY_PERIODS, *NEW_PERIODS]
    towns = (legacy["unit_type"] == "Thị trấn").to_numpy()
    comp = _components(len(legacy), periods, rng, towns)
    n_old = len(LEGACY_PERIODS)
    old_part = _with_ratios({k: a[:, :n_old] for k, a in comp.items()})
    files: dict[str, pd.DataFrame] = {}
    old_rows = _tidy_arrays(legacy.index.to_numpy(), LEGACY_PERIODS, old_part, columns)
    slugs = legacy["province_short"].map(register.slugify)
    old_rows["_file"] = "legacy/" + old_rows["commune_code"].map(slugs)
    # 2025 communes: the sum of the legacy communes whose default successor they are
    mapping = register.legacy_to_2025()
    default = mapping[mapping["default"]].set_index("legacy_code")["new_code"]
    new = new.sort_index()
    target = legacy.index.map(default).to_numpy()
    index = pd.Index(new.index)
    pos = index.get_indexer(target)
    have = pos >= 0
    counts = np.bincount(pos[have], minlength=len(new))
    orphans = np.flatnonzero(counts == 0)  # formed only from parts of divided communes
    extra = _components(len(orphans), periods, rng, np.zeros(len(orphans), bool))
    new_part: dict[str, np.ndarray] = {}
    for k, a in comp.items():
        summed = np.zeros((len(new), len(NEW_PERIODS)))
        np.add.at(summed, pos[have], a[have, n_old:])
        if k == "ethnic_groups":  # not a sum: the most among the merged communes
            summed = np.zeros((len(new), len(NEW_PERIODS)))
            np.maximum.at(summed, pos[have], a[have, n_old:])
        summed[orphans] = extra[k][:, n_old:]
        new_part[k] = summed
    new_rows = _tidy_arrays(index.to_numpy(), NEW_PERIODS, _with_ratios(new_part), columns)
    new_slugs = new["province_short"].map(register.slugify)
    new_rows["_file"] = "2025/" + new_rows["commune_code"].map(new_slugs)
    for rows in (old_rows, new_rows):
        for name, part in rows.groupby("_file", sort=True):
            files[str(name)] = part.drop(columns="_file").reset_index(drop=True)
    return files


def write_scale(files: dict[str, pd.DataFrame], out: Path, description: str) -> int:
    """Write each frame as `out/observations/<name>.csv` with its sidecar (synthetic: true)."""
    if out.resolve().is_relative_to((ROOT / "data").resolve()):
        raise SystemExit(f"--out {out}: the scale set is never written into data/")
    total = 0
    for name, part in files.items():
        path = out / "observations" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        # no note column: the source and the sidecar say it is made up (a 50-byte note on six
        # million rows would make the files 780 MB instead of 420 MB)
        part = part.assign(source=SCALE_SOURCE)
        part.to_csv(path, index=False, float_format="%.15g")
        meta = {
            "number_format": "plain",
            "synthetic": True,
            "source": SCALE_SOURCE,
            "description": description,
        }
        side = path.with_name(path.name + ".meta.yml")
        side.write_text(
            "# SYNTHETIC SCALE DATA — made up by scripts/generate_demo_data.py --scale. "
            "Not real figures.\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        total += len(part)
    return total


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, help="a scale set instead of the demo set")
    parser.add_argument("--code", help="province or district (legacy code or name)")
    parser.add_argument("--out", type=Path, help="folder for the scale set (not under data/)")
    parser.add_argument("--indicators", choices=INDICATOR_SETS, default="demo")
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args(argv)


def main_scale(args: argparse.Namespace) -> None:
    if args.out is None:
        raise SystemExit("--scale cần --out DIR (the scale set is never written into data/)")
    files = generate_scale(args.scale, args.code, args.indicators, args.seed)
    where = args.scale if args.scale == "nation" else f"{args.scale} {args.code}"
    description = f"Dữ liệu giả lập đo quy mô ({where}, chỉ tiêu: {args.indicators})"
    total = write_scale(files, args.out, description)
    print(f"{total} synthetic rows in {len(files)} files → {args.out / 'observations'}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.scale:
        main_scale(args)
    else:
        main_demo()


if __name__ == "__main__":
    main()
