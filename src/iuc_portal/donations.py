"""French tax reductions on gifts (rules of 2026): pure functions, no Flask.

- Individuals, income tax: 66 % of the gift, within 20 % of taxable income.
- Companies: 60 % of the gift up to 2 million euros a year, 40 % above,
  within 20,000 euros or 0.5 % of turnover, whichever is higher.
- The 75 % "Coluche" rate does not apply to cancer research.

The ceilings depend on the donor's income or turnover, which the site does
not ask for: an estimate ignores them and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .money import round_cents


class DonorType(StrEnum):
    INDIVIDUAL = "individual"
    COMPANY = "company"


class Frequency(StrEnum):
    ONE_OFF = "one_off"
    MONTHLY = "monthly"


INDIVIDUAL_RATE = Decimal("0.66")
COMPANY_RATE = Decimal("0.60")
COMPANY_REDUCED_RATE = Decimal("0.40")
COMPANY_REDUCED_ABOVE = Decimal("2000000")
MONTHS = 12
# Ceilings the estimate ignores, named beside it.
INDIVIDUAL_CEILING_SHARE = Decimal("0.20")  # of taxable income
COMPANY_CEILING = Decimal("20000")  # or, if higher:
COMPANY_CEILING_TURNOVER_SHARE = Decimal("0.005")


def yearly_reduction(yearly_total: Decimal, donor: DonorType) -> Decimal:
    """The reduction on a year's gifts, to the cent, half up."""
    if donor is DonorType.INDIVIDUAL:
        return round_cents(yearly_total * INDIVIDUAL_RATE)
    base = min(yearly_total, COMPANY_REDUCED_ABOVE)
    above = max(yearly_total - COMPANY_REDUCED_ABOVE, Decimal(0))
    return round_cents(base * COMPANY_RATE + above * COMPANY_REDUCED_RATE)


@dataclass(frozen=True)
class Estimate:
    """What a gift costs after the reduction. ``net`` is per gift; yearly figures cover a year."""

    gift: Decimal
    donor: DonorType
    frequency: Frequency
    rate: Decimal
    reduction: Decimal
    net: Decimal
    yearly_gift: Decimal
    yearly_net: Decimal

    @property
    def rate_percent(self) -> int:
        return int(self.rate * 100)


def estimate(gift: Decimal, donor: DonorType, frequency: Frequency) -> Estimate:
    """The net cost of one gift, and of a year of them for a monthly gift.

    The reduction is rounded half up to the cent and the net cost is what is
    left, so that the two always add up to the gift.
    """
    if gift <= 0:
        raise ValueError("a gift is a positive amount")
    gifts_a_year = MONTHS if frequency is Frequency.MONTHLY else 1
    yearly_gift = gift * gifts_a_year
    yearly_net = yearly_gift - yearly_reduction(yearly_gift, donor)
    reduction = yearly_reduction(gift, donor)
    rate = INDIVIDUAL_RATE if donor is DonorType.INDIVIDUAL else COMPANY_RATE
    return Estimate(
        gift=gift,
        donor=donor,
        frequency=frequency,
        rate=rate,
        reduction=reduction,
        net=gift - reduction,
        yearly_gift=yearly_gift,
        yearly_net=yearly_net,
    )
