"""h5grove's answers (`attr/`, `data/`, `meta/`, `paths/`, `stats/`) over an open `h5py.File`.

h5grove's own tornado handlers open a local file per request; here the file is a remote one
held open (openfiles.py), so its content functions and encoders are called directly. The
query arguments and the answers are h5grove's, as `@h5web/app`'s H5GroveProvider expects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import h5py
from h5grove.content import DatasetContent, GroupContent, ResolvedEntityContent, create_content
from h5grove.encoders import Response, encode
from h5grove.models import LinkResolution
from h5grove.utils import (
    NotFoundError,
    QueryArgumentError,
    hdf_path_join,
    parse_bool_arg,
    parse_link_resolution_arg,
)

from .errors import ApiError, bad_request

Query = Mapping[str, list[str]]


def _first(query: Query, key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _content(h5: h5py.File, query: Query):
    resolve = parse_link_resolution_arg(
        _first(query, "resolve_links"), fallback=LinkResolution.ONLY_VALID
    )
    return create_content(h5, _first(query, "path"), resolve)


def _dataset(h5: h5py.File, query: Query) -> DatasetContent:
    content = _content(h5, query)
    if not isinstance(content, DatasetContent):
        raise bad_request(f"{content.path} is not a dataset")
    return content


def meta(h5: h5py.File, query: Query) -> Response:
    return encode(_content(h5, query).metadata())


def attr(h5: h5py.File, query: Query) -> Response:
    content = _content(h5, query)
    if not isinstance(content, ResolvedEntityContent):
        raise bad_request(f"{content.path} is a link that does not resolve")
    return encode(content.attributes(query.get("attr_keys") or None))


def data(h5: h5py.File, query: Query) -> Response:
    flatten = parse_bool_arg(_first(query, "flatten"), fallback=False)
    values = _dataset(h5, query).data(_first(query, "selection"), flatten, _first(query, "dtype"))
    return encode(values, _first(query, "format"))


def stats(h5: h5py.File, query: Query) -> Response:
    return encode(_dataset(h5, query).data_stats(_first(query, "selection")))


def paths(h5: h5py.File, query: Query) -> Response:
    """Every path below `path` (the search of h5web), as h5grove's `paths/` lists them."""
    base = _content(h5, query)
    if not isinstance(base, GroupContent):
        raise bad_request(f"{base.path} is not a group")
    found = [base.path]
    base._h5py_entity.id.links.visit(
        lambda name: found.append(hdf_path_join(base.path, name.decode()))
    )
    return encode(found)


ENDPOINTS: dict[str, Callable[[h5py.File, Query], Response]] = {
    "attr": attr,
    "data": data,
    "meta": meta,
    "paths": paths,
    "stats": stats,
}


def answer(endpoint: str, h5: h5py.File, query: Query) -> Response:
    """The endpoint's answer; h5grove's refusals as the REST API's errors."""
    try:
        return ENDPOINTS[endpoint](h5, query)
    except NotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    except (QueryArgumentError, TypeError, ValueError, IndexError) as exc:
        raise bad_request(str(exc)) from None
