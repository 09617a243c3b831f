"""The public bulletin: an officer publishes a directive's public summary and
other notices; anyone reads the published ones without login and through
RSS; drafts and withdrawn notices are never public."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import OUTSIDE, Province
from tests.test_directive_pages import client_for
from tests.test_directive_services import make_directive
from tuquan.directives import services
from tuquan.directives.choices import NoticeState
from tuquan.directives.models import Notice


def notice(province: Province, title: str, publish: bool = True) -> Notice:
    made = services.save_notice(
        by=province.user("province"),
        values={
            "title": title,
            "summary": f"Tóm tắt: {title}",
            "body": "Nội dung",
            "publisher": province.committee,
        },
    )
    if publish:
        services.set_notice_state(
            notice=made, by=province.user("province"), publish=True
        )
    return made


def test_it_shows_only_published_notices_without_login(province: Province) -> None:
    public = notice(province, "Công văn 23/BCĐ-CAT về phong trào")
    draft = notice(province, f"Bản nháp {OUTSIDE}", publish=False)
    withdrawn = notice(province, f"Đã gỡ {OUTSIDE}")
    services.set_notice_state(
        notice=withdrawn, by=province.user("province"), publish=False
    )
    anonymous = Client()
    page = anonymous.get("/ban-tin/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Công văn 23/BCĐ-CAT về phong trào" in text and OUTSIDE not in text
    assert anonymous.get(f"/ban-tin/{public.pk}/").status_code == 200
    assert anonymous.get(f"/ban-tin/{draft.pk}/").status_code == 404
    assert anonymous.get(f"/ban-tin/{withdrawn.pk}/").status_code == 404
    rss = anonymous.get("/ban-tin/rss/")
    assert rss.status_code == 200 and "rss" in rss["Content-Type"]
    items = ElementTree.fromstring(rss.content).findall("./channel/item")
    assert [i.findtext("title") for i in items] == [public.title]
    assert items[0].findtext("link").endswith(f"/ban-tin/{public.pk}/")


def test_it_publishes_a_directives_public_summary(province: Province) -> None:
    directive = make_directive(province)
    made = services.public_summary_notice(
        directive=directive,
        by=province.user("province"),
        summary="Ban Chỉ đạo yêu cầu tăng cường phong trào trong KCN, CCN.",
    )
    assert made.state == NoticeState.DRAFT and not made.is_public
    services.set_notice_state(notice=made, by=province.user("province"), publish=True)
    page = Client().get(f"/ban-tin/{made.pk}/").content.decode()
    assert "23/BCĐ-CAT" in page and "26/07/2021" in page


def test_it_lets_only_the_publishers_officers_publish(province: Province) -> None:
    made = notice(province, "Thông báo", publish=False)
    with pytest.raises(PermissionDenied):
        services.set_notice_state(
            notice=made, by=province.user("commune"), publish=True
        )
    with pytest.raises(PermissionDenied):
        services.save_notice(
            by=province.user("commune"),
            values={"title": "x", "summary": "y", "publisher": province.committee},
        )
    with pytest.raises(ValidationError) as exc:
        services.save_notice(
            by=province.user("province"),
            values={"title": "", "summary": "", "publisher": province.committee},
        )
    assert {"title", "summary"} <= set(exc.value.message_dict)
    assert Notice.objects.count() == 1


def test_it_hides_other_scopes(province: Province) -> None:
    notice(province, f"Thông báo {OUTSIDE}", publish=False)
    for persona in ("commune", "zone", "enterprise", "worker"):
        client = client_for(province, persona)
        page = client.get("/directives/notices/").content.decode()
        assert OUTSIDE not in page
        hidden = Notice.objects.get()
        assert client.get(f"/directives/notices/{hidden.pk}/").status_code == 404


def test_it_publishes_through_the_officers_form(province: Province) -> None:
    client = client_for(province, "province")
    response = client.post(
        "/directives/notices/new/",
        {
            "publisher": province.committee.pk,
            "title": "Khuyến cáo phòng dịch trong KCN",
            "summary": "Công nhân khai báo y tế hằng ngày.",
            "body": "",
            "action": "publish",
        },
    )
    assert response.status_code == 302
    made = Notice.objects.get()
    assert made.is_public and made.published_by == province.user("province")
    response = client.post(
        f"/directives/notices/{made.pk}/",
        {
            "publisher": province.committee.pk,
            "title": made.title,
            "summary": made.summary,
            "action": "withdraw",
        },
    )
    made.refresh_from_db()
    assert made.state == NoticeState.WITHDRAWN
    assert Client().get(f"/ban-tin/{made.pk}/").status_code == 404
