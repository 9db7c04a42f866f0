"""The researcher's "Draw a sample" form: a frame file and the choices `cati sample draw`
offers, turned into the sampling package's settings."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from cati.fieldwork.draws import FrameChoices
from cati.web.input_guard import IntegerField
from cati.web.uploads import Upload
from sampling.choices import ALLOCATIONS, DESIGNS
from sampling.drawing import DrawSettings
from sampling.errors import ErrorCode

DESIGN_NAMES = {
    "srs": _l("Simple random sampling"),
    "systematic": _l("Systematic, in file order"),
    "ordered_pivotal": _l("Ordered pivotal"),
    "random_pivotal": _l("Random pivotal"),
    "lpm2": _l("Local pivotal LPM2 (spread in space)"),
    "spread": _l("Pivotal along a space-filling curve (spread, fast)"),
    "cube": _l("Cube method"),
}
ALLOCATION_NAMES = {
    "proportional": _l("Proportional to stratum size"),
    "neyman": _l("Neyman (needs a numeric column)"),
    "equal": _l("Equal in every stratum"),
}
MAX_SEED = 2**63 - 1
# Errors about the design rather than the file are shown beside the design.
DESIGN_ERRORS = {ErrorCode.DESIGN_INPUT, ErrorCode.ALLOCATION_INFEASIBLE}


def new_seed() -> int:
    """A fresh seed, short enough to read out and type again."""
    return secrets.randbelow(1_000_000)


def _columns(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").split(",") if c.strip())


class DrawForm(FlaskForm):
    file = FileField(
        _l("Frame (CSV, XLSX or Parquet)"),
        validators=[
            FileRequired(),
            Upload(["csv", "xlsx", "parquet"], _l("CSV, XLSX or Parquet only"), any_encoding=True),
        ],
    )
    design = SelectField(
        _l("Design"),
        choices=[SelectChoice(d, DESIGN_NAMES[d]) for d in DESIGNS],
        default="lpm2",
    )
    strata = StringField(
        _l("Strata columns"), render_kw={"placeholder": _l("comma-separated; empty: none")}
    )
    allocation = SelectField(
        _l("Allocation"),
        choices=[SelectChoice(a, ALLOCATION_NAMES[a]) for a in ALLOCATIONS],
        default="proportional",
    )
    sd_from = StringField(_l("Numeric column for Neyman allocation"))
    n = IntegerField(_l("Sample size n"), validators=[DataRequired(), NumberRange(min=1)])
    replicates = IntegerField(
        _l("Replicates"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    seed = IntegerField(_l("Seed"), validators=[Optional(), NumberRange(min=0, max=MAX_SEED)])
    latitude = StringField(
        _l("Latitude column"), render_kw={"placeholder": _l("empty: lat or latitude")}
    )
    longitude = StringField(
        _l("Longitude column"), render_kw={"placeholder": _l("empty: lon or longitude")}
    )
    region = StringField(
        _l("Country of national numbers"),
        default="ES",
        validators=[DataRequired(), Length(min=2, max=2)],
    )

    def frame_choices(self) -> FrameChoices:
        return FrameChoices(
            strata=_columns(self.strata.data),
            latitude=(self.latitude.data or "").strip() or None,
            longitude=(self.longitude.data or "").strip() or None,
            region=self.region.data.strip().upper(),
        )

    def draw_settings(self) -> DrawSettings:
        """The settings, with a new seed when the researcher left the seed empty."""
        return DrawSettings(
            n=self.n.data,
            design=self.design.data,
            allocation=self.allocation.data,
            sd_from=(self.sd_from.data or "").strip() or None,
            seed=new_seed() if self.seed.data is None else self.seed.data,
            replicates=self.replicates.data,
        )
