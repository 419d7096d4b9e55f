"""The generated email program is shaped like a real MAS export: every click follows a send of
the same email, campaign and run to the same lead; opens belong to delivered sends; bounces and
unsubscribes stop later sends; templates have versions; and the rates land where B2B email
programs report them. Also the two CRM columns that came with it (forecast category API value,
event activity date)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import duckdb
import pytest

from orchestration.raw.day_split import append_day, hold_back_last_day
from orchestration.raw.generator import generate
from orchestration.settings import connect_warehouse

AS_OF = datetime(2026, 11, 29)
LEADS = 5000  # the default generation (`make run`)
LIVE = "not coalesce(_fivetran_deleted, false)"
KEYS = ("lead_id", "primary_attribute_value_id", "campaign_id", "campaign_run_id")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    database = tmp_path_factory.mktemp("email") / "funnel.duckdb"
    generate(database, leads=LEADS, seed=42, as_of=AS_OF)
    connection = connect_warehouse(database, read_only=True)
    yield connection
    connection.close()


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return connection.execute(sql).fetchone()[0]  # type: ignore[index]


def _table(name: str) -> str:
    return f"(select * from marketo.{name} where {LIVE})"


def _same_send(left: str, right: str) -> str:
    return " and ".join(f"{left}.{key} = {right}.{key}" for key in KEYS)


def _without_earlier(table: str, before: str, strictly: bool = False) -> str:
    """Rows of `table` with no row of `before` for the same lead, email, campaign and run at or
    before them (strictly before when `strictly`)."""
    comparison = "<" if strictly else "<="
    return (
        f"select count(*) from {_table(table)} as event where not exists (select 1 from "
        f"{_table(before)} as earlier where {_same_send('earlier', 'event')} "
        f"and earlier.activity_date {comparison} event.activity_date)"
    )


def test_every_click_follows_a_send_of_the_same_email_campaign_and_run(
    db: duckdb.DuckDBPyConnection,
) -> None:
    clicks = _one(db, f"select count(*) from {_table('activity_click_email')}")
    assert clicks > 1000
    assert _one(db, _without_earlier("activity_click_email", "activity_send_email", True)) == 0
    assert _one(db, _without_earlier("activity_click_email", "activity_email_delivered")) == 0
    # Most clicks come after an open of their send (the rest: images blocked, no open logged).
    unopened = _one(db, _without_earlier("activity_click_email", "activity_open_email"))
    assert 0.05 <= unopened / clicks <= 0.3
    # The email activities carry the email asset as the template id, and a run id.
    for name in ("activity_send_email", "activity_open_email", "activity_click_email"):
        assert (
            _one(
                db,
                f"select count(*) from {_table(name)} where campaign_run_id is null "
                "or email_template_id is distinct from primary_attribute_value_id",
            )
            == 0
        ), name


def test_clicks_still_score_as_before(db: duckdb.DuckDBPyConnection) -> None:
    """Each click is still the scoring trigger it was: one 'Clicked email' score change a second
    after it, for the same lead."""
    unscored = _one(
        db,
        f"""select count(*) from {_table("activity_click_email")} as click
        where not exists (
            select 1 from marketo.activity_change_score as score
            where score.lead_id = click.lead_id and score.reason = 'Clicked email'
              and score.activity_date between click.activity_date
                  and click.activity_date + interval 1 second
        )""",
    )
    assert unscored == 0


def test_opens_and_deliveries_belong_to_sends_and_bounces_are_not_delivered(
    db: duckdb.DuckDBPyConnection,
) -> None:
    assert _one(db, _without_earlier("activity_open_email", "activity_email_delivered")) == 0
    assert _one(db, _without_earlier("activity_email_delivered", "activity_send_email")) == 0
    for bounced in ("activity_email_bounced", "activity_email_bounced_soft"):
        assert _one(db, _without_earlier(bounced, "activity_send_email")) == 0, bounced
        delivered_too = _one(
            db,
            f"select count(*) from {_table(bounced)} as bounce join "
            f"{_table('activity_email_delivered')} as delivered "
            f"on {_same_send('bounce', 'delivered')}",
        )
        assert delivered_too == 0, bounced
    # Exactly one outcome per send: delivered, hard or soft bounce.
    outcomes = " union all ".join(
        f"select {', '.join(KEYS)} from {_table(name)}"
        for name in (
            "activity_email_delivered",
            "activity_email_bounced",
            "activity_email_bounced_soft",
        )
    )
    mismatched = _one(
        db,
        f"""select count(*) from (
            select {", ".join(KEYS)}, count(*) as n from {_table("activity_send_email")}
            group by all) as sends
        full join (select {", ".join(KEYS)}, count(*) as n from ({outcomes}) group by all)
            as outcomes using ({", ".join(KEYS)})
        where sends.n is distinct from outcomes.n""",
    )
    assert mismatched == 0
    hard = _one(
        db,
        "select count(*) from marketo.activity_email_bounced where category <> '1' "
        "or subcategory not like '5.%' or email is null",
    )
    soft = _one(
        db,
        "select count(*) from marketo.activity_email_bounced_soft "
        "where category not in ('2', '3', '4')",
    )
    assert (hard, soft) == (0, 0)


def test_nothing_is_sent_or_opened_after_an_unsubscribe_or_a_hard_bounce(
    db: duckdb.DuckDBPyConnection,
) -> None:
    for stop in ("activity_unsubscribe_email", "activity_email_bounced"):
        for later in ("activity_send_email", "activity_open_email", "activity_click_email"):
            after = _one(
                db,
                f"""select count(*) from {_table(later)} as event
                join (select lead_id, min(activity_date) as at from {_table(stop)} group by 1)
                    as stopped using (lead_id)
                where event.activity_date > stopped.at""",
            )
            assert after == 0, (stop, later)
    assert _one(db, f"select count(*) from {_table('activity_unsubscribe_email')}") > 20
    assert _one(db, _without_earlier("activity_unsubscribe_email", "activity_email_delivered")) == 0
    # lead.unsubscribed says exactly who unsubscribed.
    disagree = _one(
        db,
        f"""select count(*) from {_table("lead")} as lead
        left join (select distinct lead_id from {_table("activity_unsubscribe_email")}) as u
            on u.lead_id = lead.id
        where coalesce(lead.unsubscribed, false) <> (u.lead_id is not null)""",
    )
    assert disagree == 0


def test_campaign_runs_send_one_email_to_many_and_repeat(
    db: duckdb.DuckDBPyConnection,
) -> None:
    sends = _table("activity_send_email")
    mixed = _one(
        db,
        f"select count(*) from (select campaign_run_id from {sends} group by 1 "
        "having count(distinct campaign_id) > 1 or count(distinct email_template_id) > 1)",
    )
    assert mixed == 0, "a run is one campaign sending one email"
    doubled = _one(
        db,
        f"select count(*) from (select lead_id, campaign_run_id, email_template_id from {sends} "
        "group by all having count(*) > 1)",
    )
    assert doubled == 0, "a run sends its email once to a lead"
    batch = "join marketo.campaign as campaign on campaign.id = s.campaign_id and campaign.type"
    median_audience = _one(
        db,
        f"select median(n) from (select count(*) as n from {sends} as s {batch} = 'batch' "
        "group by s.campaign_run_id)",
    )
    assert median_audience >= 10
    rerun = _one(
        db,
        f"select count(*) from (select campaign_id, email_template_id from {sends} as s "
        f"{batch} = 'batch' group by all having count(distinct campaign_run_id) > 1)",
    )
    assert rerun > 10, "batch campaigns send the same email again in later runs"


def test_email_templates_have_versions_in_their_program(db: duckdb.DuckDBPyConnection) -> None:
    history = "marketo.email_template_history"
    assert _one(db, f"select count(*) - count(distinct (id, updated_at)) from {history}") == 0
    gaps = _one(
        db,
        f"select count(*) from (select id, max(version) as top, count(*) as n, "
        f"min(version) as low from {history} group by id) where top <> n or low <> 1",
    )
    assert gaps == 0, "versions are 1..n"
    assert _one(db, f"select count(distinct id) from {history} where version > 1") > 10
    out_of_order = _one(
        db,
        f"select count(*) from (select version, updated_at, lag(updated_at) over "
        f"(partition by id order by version) as previous from {history}) "
        "where updated_at < previous",
    )
    assert out_of_order == 0
    unknown = _one(
        db,
        f"select count(*) from {_table('activity_send_email')} as s where not exists "
        f"(select 1 from {history} as t where t.id = s.email_template_id)",
    )
    assert unknown == 0
    elsewhere = _one(
        db,
        f"""select count(*) from {_table("activity_send_email")} as s
        join marketo.campaign as c on c.id = s.campaign_id
        join (select distinct id, program_id from {history}) as t
            on t.id = s.email_template_id
        where t.program_id <> c.program_id""",
    )
    assert elsewhere == 0, "a program's campaigns send the program's emails"
    before_first = _one(
        db,
        f"select count(*) from {_table('activity_send_email')} as s join "
        f"(select id, min(updated_at) as first from {history} group by 1) as t "
        "on t.id = s.email_template_id where s.activity_date < t.first",
    )
    assert before_first == 0


def test_email_rates_land_in_the_ranges_b2b_programs_report(
    db: duckdb.DuckDBPyConnection,
) -> None:
    """Ranges from published benchmarks (Mailchimp: opens 21.33%, clicks 2.62%, hard bounces
    0.40%, soft 0.58%, unsubscribes 0.26%; B2B tech programs report clicks up to ~5%)."""
    keys = ", ".join(KEYS)

    def count(name: str) -> int:
        return int(_one(db, f"select count(*) from {_table(name)}"))

    def unique(name: str) -> int:
        return int(_one(db, f"select count(*) from (select distinct {keys} from {_table(name)})"))

    sends, delivered = count("activity_send_email"), count("activity_email_delivered")
    hard, soft = count("activity_email_bounced"), count("activity_email_bounced_soft")
    opens, clicks = unique("activity_open_email"), unique("activity_click_email")
    unsubscribes = count("activity_unsubscribe_email")
    assert 0.97 <= delivered / sends <= 0.99
    assert 0.002 <= hard / sends <= 0.008
    assert 0.003 <= soft / sends <= 0.015
    assert 0.18 <= opens / delivered <= 0.30
    assert 0.02 <= clicks / delivered <= 0.05
    assert 0.08 <= clicks / opens <= 0.25
    assert 0.001 <= unsubscribes / delivered <= 0.005


def test_list_quality_and_segment_move_the_rates(db: duckdb.DuckDBPyConnection) -> None:
    """Outbound (purchased / prospected) addresses bounce more and open less than inbound."""
    rows = db.execute(
        f"""with sends as (
            select s.*, lead.lead_source in ('Outbound', 'Partner Referral') as outbound
            from {_table("activity_send_email")} as s join marketo.lead as lead
                on lead.id = s.lead_id)
        select outbound,
            avg((h.lead_id is not null)::int) as hard_rate,
            avg((o.lead_id is not null)::int) as open_rate
        from sends
        left join (select distinct {", ".join(KEYS)} from {_table("activity_email_bounced")})
            as h using ({", ".join(KEYS)})
        left join (select distinct {", ".join(KEYS)} from {_table("activity_open_email")})
            as o using ({", ".join(KEYS)})
        group by outbound order by outbound"""
    ).fetchall()
    (_, inbound_hard, inbound_open), (_, outbound_hard, outbound_open) = rows
    assert outbound_hard > 2 * inbound_hard
    assert outbound_open < 0.8 * inbound_open


def test_opens_and_clicks_carry_a_device(db: duckdb.DuckDBPyConnection) -> None:
    for name in ("activity_open_email", "activity_click_email"):
        wrong = _one(
            db,
            f"select count(*) from {_table(name)} where device is null or is_mobile_device "
            "<> (device in ('iPhone', 'Android', 'iPad'))",
        )
        mobile = _one(db, f"select avg(is_mobile_device::int) from {_table(name)}")
        assert wrong == 0 and 0.25 <= mobile <= 0.6, name


def test_forecast_category_agrees_with_its_label(db: duckdb.DuckDBPyConnection) -> None:
    pairs = set(
        db.execute(
            "select distinct forecast_category_name, forecast_category from salesforce.opportunity"
        ).fetchall()
    )
    assert pairs == {
        ("Pipeline", "Pipeline"),
        ("Best Case", "BestCase"),
        ("Commit", "Forecast"),
        ("Closed", "Closed"),
        ("Omitted", "Omitted"),
    }


def test_events_carry_their_activity_date(db: duckdb.DuckDBPyConnection) -> None:
    assert _one(db, "select count(*) from salesforce.event") > 100
    wrong = _one(
        db,
        "select count(*) from salesforce.event where activity_date is distinct from "
        "cast(start_date_time as date) or activity_date_time is distinct from start_date_time",
    )
    assert wrong == 0


def test_nothing_happens_after_as_of(db: duckdb.DuckDBPyConnection) -> None:
    for name in (
        "activity_send_email",
        "activity_email_delivered",
        "activity_email_bounced",
        "activity_email_bounced_soft",
        "activity_open_email",
        "activity_click_email",
        "activity_unsubscribe_email",
    ):
        late = _one(db, f"select count(*) from marketo.{name} where activity_date > '{AS_OF}'")
        assert late == 0, name
    late = _one(
        db, f"select count(*) from marketo.email_template_history where updated_at > '{AS_OF}'"
    )
    assert late == 0


def test_sends_follow_the_lead_into_the_mas(db: duckdb.DuckDBPyConnection) -> None:
    """Database sends go to people already in the MAS (a click's own send may come a moment
    after the lead was created, never long before)."""
    early = _one(
        db,
        f"""select count(*) from {_table("activity_send_email")} as s
        join marketo.lead as lead on lead.id = s.lead_id
        where s.activity_date < lead.created_at - interval 1 day""",
    )
    assert early == 0


def test_an_unsubscribe_updates_the_lead(db: duckdb.DuckDBPyConnection) -> None:
    stale = _one(
        db,
        f"""select count(*) from {_table("activity_unsubscribe_email")} as u
        join marketo.lead as lead on lead.id = u.lead_id
        where lead.updated_at < u.activity_date or not lead.unsubscribed""",
    )
    assert stale == 0


def test_a_held_back_day_keeps_unsubscribed_and_the_unsubscribes_agreeing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The daily split (incremental runs): before the last day lands a lead is unsubscribed only
    when its unsubscribe has landed, and after it lands too."""
    folder = tmp_path_factory.mktemp("day")
    database = folder / "funnel.duckdb"
    generate(database, leads=1500, seed=3, as_of=AS_OF)
    day_start = datetime(2026, 11, 1)  # a month held back: enough unsubscribes in it
    disagree = f"""select count(*) from {_table("lead")} as lead
        left join (select distinct lead_id from {_table("activity_unsubscribe_email")}) as u
            on u.lead_id = lead.id
        where coalesce(lead.unsubscribed, false) <> (u.lead_id is not null)"""
    held = hold_back_last_day(database, day_start, folder / "held")
    assert held["marketo.activity_unsubscribe_email"] > 0
    with connect_warehouse(database, read_only=True) as connection:
        assert _one(connection, disagree) == 0
    append_day(database, folder / "held")
    with connect_warehouse(database, read_only=True) as connection:
        assert _one(connection, disagree) == 0
