"""Every change page saves as a curator uses it, in Chromium, on the paper's own records:
pressed Save without a change, it saves and changes nothing; an edited inline row is saved."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from playwright.sync_api import Page, expect

from grants.models import FundingPriority, FundingProgramme
from nkhr.models import Actor, PositionHeld
from tests.admin_base import admin_request, admin_url, model_admins, page_state
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def save_unchanged(page: Page, model, pk) -> None:
    page.goto(admin_url(model, "change", quote(pk)))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)


@pytest.mark.parametrize(
    ("model", "pk", "rows", "row_model"),
    [
        (Actor, "jong-kyong-thaek", "positions_held", PositionHeld),
        (FundingProgramme, "drl-nofo-dprk-2022", "priorities", FundingPriority),
    ],
    ids=["positions held", "funding priorities"],
)
def test_a_paper_record_with_rows_saves_unchanged_then_with_an_edited_row(
    page, paper, editor, shot, model, pk, rows, row_model
):
    model_admin = admin.site.get_model_admin(model)
    record = model.objects.get(pk=pk)
    before = page_state(model_admin, record, editor)
    log_in(page, editor)

    save_unchanged(page, model, pk)
    shot(page, f"{rows}-1-saved-unchanged")
    assert page_state(model_admin, record, editor) == before

    page.goto(admin_url(model, "change", quote(pk)))
    if row_model is PositionHeld:
        page.fill(f"[name={rows}-0-as_of]", "2022-01-01")
        page.select_option(f"[name={rows}-0-as_of_precision]", "year")
    else:
        page.fill(f"[name={rows}-0-text]", "Fostering accountability (edited)")
    shot(page, f"{rows}-2-edited")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    row = getattr(record, rows).order_by(*row_model._meta.ordering).first()
    if row_model is PositionHeld:
        assert str(row.partial_date("as_of")) == "2022"
    else:
        assert row.text == "Fostering accountability (edited)"
    page.goto(admin_url(model, "change", quote(pk)))
    shot(page, f"{rows}-3-after")


def test_every_change_page_of_the_paper_saves_unchanged(page, paper, editor):
    log_in(page, editor)
    request = admin_request(editor)
    saved = []
    for model, model_admin in model_admins():
        record = model_admin.get_queryset(request).first()
        if record is None or not model_admin.has_change_permission(request, record):
            continue  # logins and tokens are the superuser's
        saved.append(model._meta.label)
        before = page_state(model_admin, record, editor)
        save_unchanged(page, model, record.pk)
        assert page_state(model_admin, record, editor) == before, model._meta.label
    assert {"nkhr.Actor", "nkhr.PositionHeld", "grants.FundingPriority"} <= set(saved)
