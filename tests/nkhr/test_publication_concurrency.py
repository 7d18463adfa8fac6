"""Two people moving one record through review at once: the step is taken under the
record's row lock, on the state read under it, and a step decided on a state the record is
no longer in (a list or the review queue loaded before someone else moved it) is refused
with a message saying so, never taken from the new state (`nkhr.services.change_publication`).
"""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from nkhr.models import Actor, Publication
from nkhr.services import change_publication
from tests.admin_base import admin_url
from tests.factories import PersonFactory
from tests.html_forms import as_post_data, submitted_fields
from tests.live import LiveClient, run_together

PASSWORD = "a long passphrase"
STALE = "changed by someone else meanwhile"


def editor(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def changelist_action(html: str, action: str, records) -> dict:
    """What pressing "Go" on a changelist page submits with `records` ticked."""
    data = as_post_data(submitted_fields(html, "changelist-form"))
    data.update(
        {
            "action": [action],
            "_selected_action": [record.pk for record in records],
            "select_across": ["0"],
            "index": ["0"],
            "comment": [""],
        }
    )
    return data


def states_in_history(record) -> list[str]:
    return list(
        Actor.history.filter(id=record.pk)
        .order_by("history_date", "history_id")
        .values_list("publication", flat=True)
    )


@pytest.mark.django_db
def test_a_step_on_a_record_read_before_another_step_is_refused():
    record = PersonFactory(publication=Publication.IN_REVIEW)
    stale = Actor.objects.get(pk=record.pk)
    change_publication(record, "withdraw", editor("first"), "duplicate")

    # Publishing is allowed from withdrawn, but it was decided on "in review".
    with pytest.raises(ValidationError) as refused:
        change_publication(stale, "publish", editor("second"))

    assert STALE in refused.value.messages[0]
    assert Actor.objects.get(pk=record.pk).publication == Publication.WITHDRAWN
    assert states_in_history(record) == [Publication.IN_REVIEW, Publication.WITHDRAWN]


@pytest.mark.django_db
def test_a_changelist_action_from_a_stale_list_is_refused_with_a_message():
    record = PersonFactory(publication=Publication.IN_REVIEW)
    client = Client()
    client.force_login(editor("first"))
    url = admin_url(Actor, "changelist")
    page = client.get(url).content.decode()
    change_publication(Actor.objects.get(pk=record.pk), "withdraw", editor("second"), "no")

    response = client.post(
        url, changelist_action(page, "publication_publish", [record]), follow=True
    )

    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert Actor.objects.get(pk=record.pk).publication == Publication.WITHDRAWN
    # The list loaded now shows the record's state, and the step is taken from it.
    page = client.get(url).content.decode()
    client.post(url, changelist_action(page, "publication_publish", [record]))
    assert Actor.objects.get(pk=record.pk).publication == Publication.PUBLISHED


@pytest.mark.django_db
def test_the_review_queue_does_not_move_a_record_moved_meanwhile():
    record = PersonFactory(publication=Publication.IN_REVIEW)
    change_publication(Actor.objects.get(pk=record.pk), "withdraw", editor("first"), "no")
    client = Client()
    client.force_login(editor("second"))

    response = client.post(
        reverse("admin:review_queue"),
        {"model": "nkhr.actor", "id": record.pk, "action": "publish", "comment": ""},
        follow=True,
    )

    assert STALE in response.content.decode()
    assert Actor.objects.get(pk=record.pk).publication == Publication.WITHDRAWN


def test_of_two_editors_moving_one_record_at_once_one_step_is_taken(live_server, transactional_db):
    # From the same list, one withdraws and the other publishes a record in review: one
    # of them is refused, and history holds the one step taken.
    editors = [editor("first"), editor("second")]
    url = reverse("admin:nkhr_actor_changelist")
    clients = [LiveClient(live_server.url), LiveClient(live_server.url)]
    for client, user in zip(clients, editors, strict=True):
        client.log_in(user.username, PASSWORD)
    actions = ["publication_withdraw", "publication_publish"]
    for _ in range(5):
        record = PersonFactory(publication=Publication.IN_REVIEW)
        pages = [client.get(url).text() for client in clients]
        posts = [
            changelist_action(page, action, [record])
            for page, action in zip(pages, actions, strict=True)
        ]

        results = run_together(2, lambda i, posts=posts: clients[i].post_form(url, posts[i]))

        assert [response.status for response in results] == [302, 302]
        states = states_in_history(record)
        assert len(states) == 2, states
        assert states[-1] in {Publication.WITHDRAWN, Publication.PUBLISHED}
        assert Actor.objects.get(pk=record.pk).publication == states[-1]
