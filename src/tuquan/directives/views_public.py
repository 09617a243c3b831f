"""The public bulletin (bản tin): published notices, without login, and their
RSS feed. Nothing here reads an internal row: only ``Notice.objects.public()``
and, through a published notice, its directive's number, date and issuer."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from tuquan.directives.models import Notice

FEED_SIZE = 30


def _public() -> QuerySet[Notice]:
    return Notice.objects.public().select_related("directive__issuer", "publisher")


def bulletin_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_public().order_by("-published_at", "-pk"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "directives/bulletin_list.html", {"page": page})


def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(_public(), pk=pk)
    return render(request, "directives/bulletin_detail.html", {"notice": notice})


class BulletinFeed(Feed):
    """RSS 2.0 of the latest published notices."""

    title = gettext_lazy("Bulletin of the steering committee")
    description = gettext_lazy(
        "Directives and notices on security and order and epidemic prevention."
    )

    def link(self) -> str:
        return reverse("bulletin_list")

    def items(self) -> QuerySet[Notice]:
        return _public().order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item: Notice) -> str:
        return item.title

    def item_description(self, item: Notice) -> str:
        return item.summary

    def item_link(self, item: Notice) -> str:
        return reverse("bulletin_detail", args=[item.pk])

    def item_pubdate(self, item: Notice) -> datetime | None:
        return item.published_at

    def item_author_name(self, item: Notice) -> str:
        return item.publisher.name
