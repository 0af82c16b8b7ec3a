"""h5grove's answers (`attr/`, `data/`, `meta/`, `paths/`, `stats/`) over an open `h5py.File`.

h5grove's own tornado handlers open a local file per request; here the file is a remote one
held open (openfiles.py), so its content classes and encoders are used directly, with paths
resolved inside the file only (h5contained.py). The query arguments and the answers are
h5grove's, as `@h5web/app`'s H5GroveProvider expects. Every answer is bounded by `limit`
bytes: the data read, the attributes read and the encoded answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import h5py
from h5grove.content import DatasetContent, GroupContent, ResolvedEntityContent
from h5grove.encoders import Response, encode
from h5grove.models import LinkResolution
from h5grove.utils import (
    NotFoundError,
    QueryArgumentError,
    hdf_path_join,
    parse_bool_arg,
    parse_link_resolution_arg,
)

from ..errors import ApiError, bad_request
from . import h5contained

Query = Mapping[str, list[str]]
MAX_PATHS = 100_000  # the paths listed by `paths/` (h5web's search)


def _first(query: Query, key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _content(h5: h5py.File, query: Query, limit: int):
    resolve = parse_link_resolution_arg(
        _first(query, "resolve_links"), fallback=LinkResolution.ONLY_VALID
    )
    return h5contained.content(h5, _first(query, "path"), resolve, limit)


def _dataset(h5: h5py.File, query: Query, limit: int) -> DatasetContent:
    content = _content(h5, query, limit)
    if not isinstance(content, DatasetContent):
        raise bad_request(f"{content.path} is not a dataset")
    return content


def meta(h5: h5py.File, query: Query, limit: int) -> Response:
    return encode(_content(h5, query, limit).metadata())


def attr(h5: h5py.File, query: Query, limit: int) -> Response:
    content = _content(h5, query, limit)
    if not isinstance(content, ResolvedEntityContent):
        raise bad_request(f"{content.path} is a link that does not resolve")
    attributes = content._h5py_entity.attrs
    keys = query.get("attr_keys") or list(attributes)
    size = 0
    for key in keys:  # HDF5 decodes an attribute whole to open it: opened once here
        try:
            size += attributes.get_id(key).get_storage_size()
        except KeyError:
            raise ApiError(404, f"{content.path} has no attribute {key!r}") from None
    if size > limit:
        raise h5contained.too_large(f"the attributes of {content.path}", size, limit)
    return encode(content.attributes(keys))


def data(h5: h5py.File, query: Query, limit: int) -> Response:
    flatten = parse_bool_arg(_first(query, "flatten"), fallback=False)
    dataset = _dataset(h5, query, limit)
    values = dataset.data(_first(query, "selection"), flatten, _first(query, "dtype"))
    return encode(values, _first(query, "format"))


def stats(h5: h5py.File, query: Query, limit: int) -> Response:
    return encode(_dataset(h5, query, limit).data_stats(_first(query, "selection")))


def paths(h5: h5py.File, query: Query, limit: int) -> Response:
    """Every path below `path` (the search of h5web), as h5grove's `paths/` lists them."""
    base = _content(h5, query, limit)
    if not isinstance(base, GroupContent):
        raise bad_request(f"{base.path} is not a group")
    found = [base.path]

    def add(name: bytes) -> bool | None:
        found.append(hdf_path_join(base.path, name.decode("utf-8", "replace")))
        return len(found) > MAX_PATHS or None  # not None: h5py stops the visit

    base._h5py_entity.id.links.visit(add)
    if len(found) > MAX_PATHS:
        raise ApiError(413, f"{base.path} holds more than {MAX_PATHS:,} paths", "too_large")
    return encode(found)


ENDPOINTS: dict[str, Callable[[h5py.File, Query, int], Response]] = {
    "attr": attr,
    "data": data,
    "meta": meta,
    "paths": paths,
    "stats": stats,
}


def answer(endpoint: str, h5: h5py.File, query: Query, limit: int) -> Response:
    """The endpoint's answer; h5grove's refusals as the REST API's errors."""
    try:
        response = ENDPOINTS[endpoint](h5, query, limit)
    except NotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    except (QueryArgumentError, TypeError, ValueError, IndexError) as exc:
        raise bad_request(str(exc)) from None
    if len(response.content) > limit:
        raise h5contained.too_large("the answer", len(response.content), limit)
    return response
