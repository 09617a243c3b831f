"""visible_to(): each persona sees its subtree and nothing else."""

from __future__ import annotations

from tests.conftest import Province
from tuquan.organisations.models import Enterprise, Organisation, Team
from tuquan.people.models import Worker


def names(qs: object) -> set[str]:
    return {str(obj) for obj in qs}  # type: ignore[attr-defined]


def test_it_gives_the_province_committee_everything_in_the_province(
    province: Province,
) -> None:
    workers = Worker.objects.visible_to(province.user("province"))
    assert workers.count() == Worker.objects.count()


def test_it_limits_the_commune_officer_to_the_commune(province: Province) -> None:
    visible = names(Enterprise.objects.visible_to(province.user("commune")))
    assert visible == {str(province.enterprise_a), str(province.enterprise_a2)}
    workers = Worker.objects.visible_to(province.user("commune"))
    assert province.outsider not in workers
    assert province.resident in workers


def test_it_limits_the_enterprise_officer_to_their_enterprise(
    province: Province,
) -> None:
    user = province.user("enterprise")
    workers = set(Worker.objects.visible_to(user))
    assert workers == {province.leader, province.member, province.colleague}
    assert set(Team.objects.visible_to(user)) == {province.team_a}


def test_it_limits_the_team_leader_to_their_team(province: Province) -> None:
    workers = set(Worker.objects.visible_to(province.user("team_leader")))
    assert workers == {province.leader, province.member}


def test_it_shows_a_worker_only_their_own_record(province: Province) -> None:
    assert list(Worker.objects.visible_to(province.user("worker"))) == [province.member]
    assert not Enterprise.objects.visible_to(province.user("worker")).exists()


def test_it_gives_an_agency_officer_their_jurisdiction(province: Province) -> None:
    visible = Worker.objects.visible_to(province.user("police"))
    assert province.outsider in visible


def test_it_hides_everything_from_a_user_without_roles(province: Province) -> None:
    assert not Organisation.objects.visible_to(province.user("outsider")).exists()
    assert not Worker.objects.visible_to(province.user("outsider")).exists()


def test_it_keeps_paths_consistent_when_a_node_moves(province: Province) -> None:
    enterprise = province.enterprise_a
    enterprise.zone = province.zone_b
    enterprise.save()
    province.team_a.refresh_from_db()
    assert province.team_a.path.startswith(province.zone_b.path)
    assert province.team_a.depth == province.team_a.path.count("/") - 1
