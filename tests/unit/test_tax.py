"""The French tax reduction on gifts, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iuc_portal.donations import DonorType, Frequency, estimate, yearly_reduction

IND, CO = DonorType.INDIVIDUAL, DonorType.COMPANY
ONCE, MONTHLY = Frequency.ONE_OFF, Frequency.MONTHLY


@pytest.mark.parametrize(
    ("gift", "donor", "frequency", "net", "yearly_net"),
    [
        ("100", IND, ONCE, "34.00", "34.00"),  # the example every French donor knows
        ("50", IND, ONCE, "17.00", "17.00"),
        ("25.50", IND, ONCE, "8.67", "8.67"),
        ("10.01", IND, ONCE, "3.40", "3.40"),  # 6.6066 rounds to 6.61 off
        ("0.25", IND, ONCE, "0.08", "0.08"),  # 0.165 rounds half up to 0.17 off
        ("100", CO, ONCE, "40.00", "40.00"),
        ("25.50", CO, ONCE, "10.20", "10.20"),
        ("20", IND, MONTHLY, "6.80", "81.60"),
        ("25.50", CO, MONTHLY, "10.20", "122.40"),
    ],
)
def test_net_cost(
    gift: str, donor: DonorType, frequency: Frequency, net: str, yearly_net: str
) -> None:
    result = estimate(Decimal(gift), donor, frequency)
    assert result.net == Decimal(net)
    assert result.yearly_net == Decimal(yearly_net)
    assert result.reduction + result.net == result.gift


def test_monthly_gifts_count_twelve_times_a_year() -> None:
    result = estimate(Decimal("30"), IND, MONTHLY)
    assert result.yearly_gift == Decimal("360")


def test_companies_get_40_percent_above_two_million_a_year() -> None:
    assert yearly_reduction(Decimal("2000000"), CO) == Decimal("1200000.00")
    assert yearly_reduction(Decimal("3000000"), CO) == Decimal("1600000.00")
    monthly = estimate(Decimal("200000"), CO, MONTHLY)  # 2.4 million a year
    assert monthly.yearly_net == Decimal("2400000") - Decimal("1360000.00")


def test_the_rate_is_shown_as_a_whole_percentage() -> None:
    assert estimate(Decimal("10"), IND, ONCE).rate_percent == 66
    assert estimate(Decimal("10"), CO, ONCE).rate_percent == 60


def test_a_gift_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        estimate(Decimal("0"), IND, ONCE)


gifts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)


@given(gift=gifts, donor=st.sampled_from(DonorType), frequency=st.sampled_from(Frequency))
def test_net_cost_is_never_negative_never_above_the_gift_and_exact_to_the_cent(
    gift: Decimal, donor: DonorType, frequency: Frequency
) -> None:
    result = estimate(gift, donor, frequency)
    assert Decimal(0) <= result.net <= result.gift
    assert Decimal(0) <= result.yearly_net <= result.yearly_gift
    assert result.net == result.net.quantize(Decimal("0.01"))
    assert result.yearly_net == result.yearly_net.quantize(Decimal("0.01"))
    assert result.reduction + result.net == gift


@given(gift=gifts)
def test_an_individual_always_pays_at_least_34_percent(gift: Decimal) -> None:
    result = estimate(gift, IND, ONCE)
    assert abs(result.net - gift * Decimal("0.34")) <= Decimal("0.005")
