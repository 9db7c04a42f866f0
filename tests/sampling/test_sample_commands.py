"""The `sample` click group: demo, check, draw and rdd end to end on small files."""

import pandas as pd
import pytest
from click.testing import CliRunner

from sampling.commands import sample_group
from sampling.demo import demo_frame, fictional_numbers


@pytest.fixture
def demo_csv(tmp_path):
    path = tmp_path / "demo.csv"
    result = CliRunner().invoke(sample_group, ["demo", str(path), "--households", "3000"])
    assert result.exit_code == 0, result.output
    return path


def test_demo_frame_uses_only_fictional_numbers_on_spanish_ground():
    frame = demo_frame(2000, random=4)
    assert frame["phone"].str.match(r"^\+1\d{3}55501\d\d$").all()
    assert frame["phone"].is_unique
    assert frame["lat"].between(27.5, 44.0).all() and frame["lon"].between(-18.5, 4.5).all()
    assert {"Madrid", "Cataluña", "Andalucía"} <= set(frame["region"])
    assert len(fictional_numbers()) > 40_000


def test_check_reports_a_clean_demo_frame(demo_csv):
    result = CliRunner().invoke(sample_group, ["check", str(demo_csv), "--strata", "region"])
    assert result.exit_code == 0, result.output
    assert "3,000 rows read, 3,000 usable" in result.output
    assert "Europe/Madrid" in result.output


def test_check_lists_bad_rows_and_exits_with_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,phone\na,+12025550101\nb,12345\n")
    report = tmp_path / "issues.csv"
    result = CliRunner().invoke(sample_group, ["check", str(path), "--report", str(report)])
    assert result.exit_code == 1
    assert "row 3, column 'phone'" in result.output
    issues = pd.read_csv(report)
    assert issues["row"].tolist() == [3] and issues["code"].tolist() == ["S111"]


def test_draw_writes_the_sample_with_weights_replicates_and_a_summary(demo_csv, tmp_path):
    out = tmp_path / "sample.csv"
    picture = tmp_path / "map.svg"
    args = ["draw", "--frame", str(demo_csv), "--n", "120", "--design", "lpm2"]
    args += ["--strata", "region", "--seed", "9", "--out", str(out)]
    args += ["--replicates", "4", "--map", str(picture)]
    result = CliRunner().invoke(sample_group, args)
    assert result.exit_code == 0, result.output
    sample = pd.read_csv(out)
    assert len(sample) == 120
    assert {"pi", "weight", "replicate"} <= set(sample.columns)
    assert "Spatial balance SB" in result.output and "(srs)" in result.output
    assert picture.read_text().lstrip().startswith("<?xml")
    again = tmp_path / "again.csv"
    CliRunner().invoke(sample_group, [*args[:-6], "--out", str(again)])
    assert pd.read_csv(again)["id"].tolist() == sample["id"].tolist()


def test_rdd_command_writes_numbers(tmp_path):
    banks = tmp_path / "banks.csv"
    banks.write_text('prefix,listed\n"+1 202 555 01",4\n"+1 305 555 01",0\n')
    out = tmp_path / "rdd.csv"
    args = ["rdd", "--banks", str(banks), "--n", "10", "--seed", "1", "--out", str(out)]
    result = CliRunner().invoke(sample_group, args)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out, dtype=str)["phone"].str.startswith("+120255501").all()
    assert "1 banks kept" in result.output.replace(",", "")


def test_draw_with_neyman_allocation_uses_the_sd_of_the_named_column(demo_csv, tmp_path):
    out = tmp_path / "neyman.csv"
    args = ["draw", "--frame", str(demo_csv), "--n", "90", "--design", "spread"]
    args += ["--strata", "region", "--allocation", "neyman", "--sd-from", "size"]
    args += ["--seed", "2", "--out", str(out)]
    result = CliRunner().invoke(sample_group, args)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 90


def test_neyman_without_a_column_is_a_usage_error(demo_csv, tmp_path):
    args = ["draw", "--frame", str(demo_csv), "--n", "90", "--strata", "region"]
    args += ["--allocation", "neyman", "--out", str(tmp_path / "x.csv")]
    result = CliRunner().invoke(sample_group, args)
    assert result.exit_code == 2 and "--sd-from" in result.output


def test_do_not_call_file_takes_one_number_per_line_with_spaces(demo_csv, tmp_path):
    first, second = pd.read_csv(demo_csv, dtype=str)["phone"].iloc[:2]
    dnc = tmp_path / "dnc.txt"
    spaced = f"+1 {second[2:5]} {second[5:8]} {second[8:]}"
    dnc.write_text(f"{first}\n\n  {spaced}  \n")
    result = CliRunner().invoke(sample_group, ["check", str(demo_csv), "--do-not-call", str(dnc)])
    assert result.exit_code == 0, result.output
    assert "2,998 usable" in result.output and "2 suppressed" in result.output


def test_map_of_a_projected_frame_is_a_png(tmp_path):
    from sampling.maps import plot_sample

    path = plot_sample(
        [0, 1000, 2000], [0, 500, 0], [1000], [500], tmp_path / "m.png", geographic=False
    )
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_draw_warns_about_strata_allotted_no_unit(demo_csv, tmp_path):
    """Proportional n = 20 among Spain's households leaves Ceuta (a few in 3,000) with 0;
    with --min 1 every stratum gets a unit and nothing is said."""
    args = ["draw", "--frame", str(demo_csv), "--n", "20", "--strata", "region", "--seed", "1"]
    args += ["--out", str(tmp_path / "s.csv")]
    result = CliRunner().invoke(sample_group, args)
    warning = next(line for line in result.output.splitlines() if line.startswith("Warning"))
    assert "Ceuta" in warning and "Madrid" not in warning
    again = CliRunner().invoke(sample_group, [*args, "--min", "1"])
    assert again.exit_code == 0 and "Warning" not in again.output
