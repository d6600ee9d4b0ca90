"""Handling times and patience: a mean and the shape of the spread around it.

Each call draws a uniform number for each of them when it arrives, and the distribution turns it into seconds by
its inverse (quantile) function. So a call keeps the same draw whatever happens to the calls around it, and two
runs with the same seed give the same call the same handling time and patience: common random numbers, which is
what makes `--compare` and the staffing search see the flow's difference rather than chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

SHAPES = ("exp", "lognormal", "fixed", "none")

_NORMAL = NormalDist()


class DistributionError(ValueError):
    """A distribution written in a way that is not understood."""


@dataclass(frozen=True)
class Distribution:
    """Seconds with a mean and a shape: `exp` (exponential), `lognormal` with a coefficient of variation, `fixed`,
    or `none` (never: patience without limit)."""

    shape: str
    mean_s: float
    cv: float = 1.0

    def quantile(self, u: float) -> float:
        """The value below which a share `u` (0 <= u < 1) of the draws fall."""
        if self.shape == "exp":
            return -self.mean_s * math.log1p(-u)
        if self.shape == "fixed":
            return self.mean_s
        if self.shape == "none":
            return math.inf
        sigma = math.sqrt(math.log1p(self.cv * self.cv))
        mu = math.log(self.mean_s) - sigma * sigma / 2
        return math.exp(mu + sigma * _NORMAL.inv_cdf(min(max(u, 1e-12), 1 - 1e-12)))

    def describe(self) -> str:
        """As written on the command line: `exp`, `lognormal:0.6`, `fixed`, `none`."""
        return f"lognormal:{self.cv:g}" if self.shape == "lognormal" else self.shape

    def to_json(self) -> dict[str, object]:
        """The distribution as JSON."""
        if self.shape == "none":
            return {"shape": "none"}
        return {"shape": self.describe(), "mean_s": self.mean_s}


def parse_distribution(text: str, mean_s: float | None, *, what: str) -> Distribution:
    """A distribution from its name (`exp`, `lognormal:CV`, `fixed`, `none`) and its mean in seconds."""
    shape, _, argument = text.strip().lower().partition(":")
    if shape not in SHAPES:
        raise DistributionError(f"{what}: `{text}` is not a distribution; use one of exp, lognormal:CV, fixed, none")
    if shape == "none":
        return Distribution("none", math.inf)
    if mean_s is None:
        raise DistributionError(f"{what}: `{text}` needs a mean in seconds")
    if not mean_s > 0 or math.isinf(mean_s):
        raise DistributionError(f"{what}: the mean must be a positive number of seconds, not {mean_s:g}")
    if shape == "lognormal":
        try:
            cv = float(argument)
        except ValueError:
            raise DistributionError(
                f"{what}: `{text}` needs its coefficient of variation, such as lognormal:0.6"
            ) from None
        if not cv > 0:
            raise DistributionError(f"{what}: the coefficient of variation must be above 0, not {argument}")
        return Distribution("lognormal", mean_s, cv)
    if argument:
        raise DistributionError(f"{what}: `{shape}` takes no argument (`{text}`)")
    return Distribution(shape, mean_s)
