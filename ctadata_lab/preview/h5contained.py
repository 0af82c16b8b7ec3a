"""h5grove's contents of a stranger's HDF5 file that never leave the file, within bounds.

HDF5 follows external links, external storage and virtual datasets into other files by name;
on the server those are the server's own files (`/proc/self/environ` holds the token). HDF5's
prefixes do not help: an absolute name is tried as it is. h5grove resolves paths with h5py's
defaults, so here paths are resolved one link at a time: hard links are followed, soft links
are resolved again from their target (at most HDF5's own 16 times, so a link to itself is
shown as a link), external links are shown as links and never opened. A dataset whose data
lives in other files is shown, but its data is refused (403). A read larger than the bound is
refused before anything is decompressed (413, asking for a slice).
"""

from __future__ import annotations

import math

import h5py
from h5grove.content import (
    DatasetContent,
    DatatypeContent,
    ExternalLinkContent,
    GroupContent,
    SoftLinkContent,
)
from h5grove.models import LinkResolution
from h5grove.utils import NotFoundError, hdf_path_join, parse_slice

from .. import errors
from ..errors import ApiError

MAX_SOFT_LINKS = 16  # HDF5's own limit (H5L_NUM_LINKS)
MAX_MEMBERS = 10_000  # the children listed for one group: more is no tree to browse


def too_large(what: str, size: int, limit: int) -> ApiError:
    return errors.too_large(
        f"{what} is {size:,} bytes", limit, "ask for a smaller slice (selection)"
    )


def outside(path: str, how: str) -> ApiError:
    return ApiError(
        403,
        f"{path} keeps its data in other files ({how}): the preview reads only the file itself",
        "outside_file",
    )


def content(h5: h5py.File, path: str | None, resolve: LinkResolution, limit: int):
    """h5grove's content of `path` (default "/"), resolved inside the file only."""
    path = path or "/"
    found = _locate(h5, path, follow_last=resolve != LinkResolution.NONE, hops=0)
    if isinstance(found, h5py.ExternalLink):
        return ExternalLinkContent(path, found)
    if isinstance(found, h5py.SoftLink):
        return SoftLinkContent(path, found)
    if isinstance(found, h5py.Dataset):
        return ContainedDataset(path, found, limit)
    if isinstance(found, h5py.Group):
        return ContainedGroup(path, found, h5, limit)
    return DatatypeContent(path, found)


def _locate(h5: h5py.File, path: str, follow_last: bool, hops: int):
    """The object at `path`, or the link at its end when it is not followed."""
    node: h5py.Group = h5["/"]
    where = "/"
    names = [name for name in path.split("/") if name not in ("", ".")]
    for n, name in enumerate(names):
        last = n == len(names) - 1
        if not isinstance(node, h5py.Group) or not node.id.links.exists(name.encode()):
            raise NotFoundError(f"{path} is not a valid path in the file")
        kind = node.id.links.get_info(name.encode()).type
        if kind == h5py.h5l.TYPE_HARD:
            node, where = node[name], hdf_path_join(where, name)
            continue
        link = _link(node, name, kind)
        if kind == h5py.h5l.TYPE_SOFT and (follow_last or not last):
            rest = "/".join(names[n + 1 :])
            target = hdf_path_join(link.path if link.path.startswith("/") else where, link.path)
            target = hdf_path_join(target, rest) if rest else target
            if hops < MAX_SOFT_LINKS:
                try:
                    return _locate(h5, target, follow_last, hops + 1)
                except NotFoundError:
                    if not last:
                        raise
            elif not last:
                raise NotFoundError(f"{path}: more than {MAX_SOFT_LINKS} soft links to follow")
            return link  # dangling, or a loop: shown as the link it is
        if not last:  # through an external link (or a user-defined one): another file
            raise outside(path, f"the link {hdf_path_join(where, name)} leads to another file")
        return link
    return node


def _link(group: h5py.Group, name: str, kind: int) -> h5py.SoftLink | h5py.ExternalLink:
    """The link itself, read without following it (h5py's `get(getlink=True)` checks that its
    target exists, which opens an external link's file)."""
    value = group.id.links.get_val(name.encode())
    if kind == h5py.h5l.TYPE_SOFT:
        return h5py.SoftLink(value.decode("utf-8", "replace"))
    if kind == h5py.h5l.TYPE_EXTERNAL:
        file, path = (part.decode("utf-8", "replace") for part in value)
        return h5py.ExternalLink(file, path)
    raise NotFoundError(f"{name} is a user-defined link, which the preview does not follow")


class ContainedGroup(GroupContent):
    def __init__(self, path: str, group: h5py.Group, h5: h5py.File, limit: int):
        super().__init__(path, group, h5)
        self._limit = limit

    def _get_child_metadata_content(self, depth: int = 0):
        members = len(self._h5py_entity)
        if members > MAX_MEMBERS:
            raise ApiError(
                413,
                f"{self.path} holds {members:,} members, more than the preview lists"
                f" ({MAX_MEMBERS:,}): open the file in a notebook",
                "too_large",
            )
        return [
            content(
                self._h5file, hdf_path_join(self.path, name), LinkResolution.ONLY_VALID, 0
            ).metadata(depth)
            for name in self._h5py_entity
        ]


class ContainedDataset(DatasetContent):
    def __init__(self, path: str, dataset: h5py.Dataset, limit: int):
        super().__init__(path, dataset)
        self._limit = limit

    def data(self, selection=None, flatten=False, dtype="origin"):
        self.check_readable(selection)
        return super().data(selection, flatten, dtype)

    def check_readable(self, selection: str | None) -> None:
        """Refuse data from other files, and reads past the bound, before any is read."""
        dataset = self._h5py_entity
        plist = dataset.id.get_create_plist()
        if plist.get_external_count() > 0:
            raise outside(self.path, "HDF5 external storage")
        if plist.get_layout() == h5py.h5d.VIRTUAL:
            sources = {plist.get_virtual_filename(i) for i in range(plist.get_virtual_count())}
            if sources - {"."}:
                raise outside(self.path, "a virtual dataset with sources in other files")
        itemsize = dataset.dtype.itemsize
        if dataset.chunks:
            chunk = math.prod(dataset.chunks) * itemsize
            if chunk > self._limit:
                raise too_large(f"one chunk of {self.path}", chunk, self._limit)
        wanted = _selected(dataset.shape, selection) * itemsize
        if wanted > self._limit:
            raise too_large(f"the selection of {self.path}", wanted, self._limit)


def _selected(shape: tuple[int, ...] | None, selection: str | None) -> int:
    """How many items `selection` (h5grove's `a:b,c`) takes from a dataset of `shape`."""
    if shape is None:
        return 0  # h5py.Empty
    members = parse_slice(selection) if selection else ()
    count = 1
    for n, size in enumerate(shape):
        member = members[n] if n < len(members) else slice(None)
        count *= len(range(*member.indices(size))) if isinstance(member, slice) else 1
    return count
