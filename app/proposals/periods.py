"""The legal periods live in app.core.periods (dispatch counts working days with the same
calendar); proposals keep reading them from here."""
from app.core.periods import (  # noqa: F401
    CST,
    FIXED_HOLIDAYS,
    Period,
    earliest_voting_start,
    end_of_day,
    is_rest_day,
    local_date,
    period_after,
)
