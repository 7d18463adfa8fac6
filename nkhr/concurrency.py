"""Concurrent writers: nothing one writer saves is undone by another who read it earlier.

* `lock_record()` takes the row lock of a record (`SELECT … FOR NO KEY UPDATE`) for the rest
  of the transaction: a write checks the version it was based on, and then writes, under it.
* `rows_version()` is a version token of a record and the rows that live and die with it
  (aliases, citations, bill actions …), made from their `updated`: a real change of any of
  them moves it, a save that changes nothing does not.
* `edit_version()` is the version token an admin change page carries: the record's API ETag
  where it has an API route (the same value a GET of it gives the same user), else its
  `rows_version()`.
* `page_version()` is what a change page is checked against when saved: the record and the
  rows the page shows (its inlines), so that only a change of what the page would write
  over makes it stale. The ETag also moves when a record it links to is renamed, or when
  another record shown with it changes (a position held, a designation of an actor): a
  real change of the API's representation, but not one the page would undo.
* `reads_in_autocommit()` wraps an API view so that its reads are not a transaction (and so,
  on SQLite, never wait for a writer) while its writes are one.
* `lock_hierarchy()` serializes the writes that could close a cycle in a hierarchy (an
  actor's `parent`) among themselves.

On SQLite writes are serialized already: every transaction takes the database's write lock
when it starts (`transaction_mode` IMMEDIATE, see settings), so row locks are not needed.
"""

import functools
import hashlib
import zlib

from django.db import connections, router, transaction

from nkhr.history import dependent_rows

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_in_autocommit(view, reading_methods=SAFE_METHODS):
    """`view` (under ATOMIC_REQUESTS) with its reads (`reading_methods`: also a POST that
    only reads, as `/match`) in autocommit: each query sees the latest commit, as every
    query does on PostgreSQL anyway, and on SQLite a read does not take the write lock that
    a transaction takes when it begins. A write, or a read inside a caller's transaction (a
    test's), is one transaction: DRF marks the innermost one for rollback when it refuses a
    request, and that must be the request's own."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in reading_methods and transaction.get_autocommit():
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return transaction.non_atomic_requests(wrapped)


def lock_record(model, pk) -> bool:
    """Lock the row of record `pk` until the transaction ends; whether it exists.

    The lock two writers of the record wait for, but not rows pointing at it: their writes
    check the key it keeps (FOR KEY SHARE), and with FOR UPDATE they would wait here too."""
    concrete = model._meta.concrete_model
    using = router.db_for_write(concrete)
    queryset = concrete._base_manager.using(using).select_for_update(no_key=True).filter(pk=pk)
    return bool(list(queryset.values_list("pk", flat=True)))


def rows_version(model, pk) -> str:
    """A token that changes whenever record `pk` or one of its rows is changed, added or
    deleted (an entity tag, quoted)."""
    concrete = model._meta.concrete_model
    digest = hashlib.sha256()
    for row_model, lookup in [(concrete, {"pk": pk}), *dependent_rows(concrete, pk)]:
        rows = row_model._base_manager.filter(**lookup).order_by("pk")
        for row_pk, updated in rows.values_list("pk", "updated"):
            digest.update(f"{row_model._meta.label}:{row_pk}:{updated.isoformat()}\n".encode())
    return f'"{digest.hexdigest()[:32]}"'


def page_version(model, pk, row_querysets) -> str:
    """A token of record `pk` and of the rows in `row_querysets` (those a change page shows),
    made from their `updated` (their values, for rows without one), as read now."""
    concrete = model._meta.concrete_model
    digest = hashlib.sha256()
    for queryset in [concrete._base_manager.filter(pk=pk), *row_querysets]:
        row_model = queryset.model
        names = [f.attname for f in row_model._meta.concrete_fields if not f.primary_key]
        columns = ["updated"] if "updated" in names else names
        for row_pk, *values in queryset.order_by("pk").values_list("pk", *columns):
            digest.update(f"{row_model._meta.label}:{row_pk}:{values!r}\n".encode())
    return f'"{digest.hexdigest()[:32]}"'


def resource_viewset(model):
    """The API viewset whose records are `model`'s (or its concrete model's), or None."""
    from nkhr.registry import record_type_for

    record_type = record_type_for(model)
    return record_type.viewset if record_type is not None else None


def edit_version(request, model, pk) -> str:
    """The version token of record `pk` as `request`'s user reads it (see the module)."""
    from django.http import Http404

    viewset_class = resource_viewset(model)
    if viewset_class is not None:
        viewset = viewset_class(
            request=request, action="retrieve", kwargs={"pk": pk}, format_kwarg=None
        )
        try:
            return viewset.current_etag(pk)
        except Http404:  # a record its API does not show this user
            pass
    return rows_version(model, pk)


def lock_hierarchy(model) -> None:
    """Serialize, until the transaction ends, the writes that change a parent in `model`'s
    hierarchy, so that two of them cannot each see no cycle and together make one.

    Locking the ancestors row by row cannot do it: each writer already holds its own row,
    and two writers closing a cycle each need the other's, so they would deadlock."""
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor == "postgresql" and not transaction.get_autocommit(using):
        key = zlib.crc32(f"hierarchy:{model._meta.label}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
