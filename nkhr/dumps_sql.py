"""Lines of the bulk dumps built by the database (filled in below)."""


def json_lines(resource, viewset, connection):
    return None
