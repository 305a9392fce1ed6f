"""Save and load graphs in DGL's binary file format (version 2).

Files written here load in DGL and files written by DGL load here: homogeneous and
heterogeneous graphs, their node and edge features, and a dict of graph labels.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch

from ..base import DGLError
from ._graph_format import (CSC_CODE, CSR_CODE, format_code, graph_file_writer, read_file_labels, read_graph_file,
                            write_graph_file)
from ._graph_records import GraphRecord
from ..convert import heterograph
from ..heterograph import DGLGraph

__all__ = ["save_graphs", "load_graphs", "load_labels"]

PathLike = Union[str, "os.PathLike[str]"]


def _to_record(g) -> GraphRecord:
    """Capture a graph's structure and features as a :class:`GraphRecord`."""
    ntypes = list(g.ntypes)
    canonical = list(g.canonical_etypes)
    tid = {name: i for i, name in enumerate(ntypes)}
    edges: List[Tuple[torch.Tensor, torch.Tensor]] = []
    edge_tensors = []
    for cet in canonical:
        src, dst = g.edges(form="uv", order="eid", etype=cet)
        edges.append((src.to("cpu").to(g.idtype), dst.to("cpu").to(g.idtype)))
        edge_tensors.append(dict(g.edges[cet].data))
    node_tensors = [dict(g.nodes[nt].data) for nt in ntypes]
    return GraphRecord(
        ntypes=ntypes,
        etypes=[cet[1] for cet in canonical],
        relations=[(tid[cet[0]], tid[cet[2]]) for cet in canonical],
        num_nodes=[int(g.num_nodes(nt)) for nt in ntypes],
        edges=edges,
        node_tensors=node_tensors,
        edge_tensors=edge_tensors,
    )


def _from_record(rec: GraphRecord, what: str):
    """Build a graph from a :class:`GraphRecord`."""
    if len(set(rec.ntypes)) != len(rec.ntypes):
        raise DGLError(f"Corrupt DGL file {what}: node type names repeat: {rec.ntypes}.")
    data = {}
    for (stype, dtype_), etype, uv in zip(rec.relations, rec.etypes, rec.edges):
        cet = (rec.ntypes[stype], etype, rec.ntypes[dtype_])
        if cet in data:
            raise DGLError(f"Corrupt DGL file {what}: edge type {cet} appears twice.")
        data[cet] = uv
    num_nodes = dict(zip(rec.ntypes, rec.num_nodes))
    g = heterograph(data, num_nodes_dict=num_nodes, idtype=rec.idtype)
    for nt, feats in zip(rec.ntypes, rec.node_tensors):
        for name, value in feats.items():
            g.nodes[nt].data[name] = value
    for (stype, dtype_), etype, feats in zip(rec.relations, rec.etypes, rec.edge_tensors):
        cet = (rec.ntypes[stype], etype, rec.ntypes[dtype_])
        for name, value in feats.items():
            g.edges[cet].data[name] = value
    # The formats the file holds are built again, as DGL does (g.formats() lists them).
    for cet in g.canonical_etypes:
        if rec.saved_formats & CSR_CODE:
            g._adj(cet).csr()
        if rec.saved_formats & CSC_CODE:
            g._adj(cet).csc()
    return g


def save_graphs(
    filename: PathLike,
    g_list,
    labels: Optional[Dict[str, torch.Tensor]] = None,
    formats: Optional[Union[str, Sequence[str]]] = None,
) -> None:
    """Save graphs and optional graph labels to ``filename`` in DGL's binary format.

    Parameters
    ----------
    filename
        Path of the file to write (parent folders are created).
    g_list
        A graph or a list of graphs (homogeneous or heterogeneous).
    labels
        Optional dict from label name to a tensor (usually one row per graph).
    formats
        Sparse formats to store for every relation, any of ``'coo'``, ``'csr'``
        and ``'csc'``; ``None`` stores COO only.
    """
    if isinstance(g_list, DGLGraph):
        g_list = [g_list]
    if not isinstance(g_list, (list, tuple)) or not all(isinstance(g, DGLGraph) for g in g_list):
        raise DGLError("save_graphs expects a DGLGraph or a list of DGLGraph objects.")
    for i, g in enumerate(g_list):
        if g.is_block:
            raise DGLError(f"Graph {i} is a message-flow block; blocks cannot be saved to a graph file.")
    if formats is not None:
        wanted = [formats] if isinstance(formats, str) else list(formats)
        for i, g in enumerate(g_list):
            fmts = g.formats()
            allowed = fmts["created"] + fmts["not created"]
            missing = [f for f in wanted if f in ("coo", "csr", "csc") and f not in allowed]
            if missing:
                raise DGLError(f"Graph {i} is restricted to formats {allowed}; it cannot be saved "
                               f"as {missing}.")
    labels = {} if labels is None else labels
    if not isinstance(labels, dict):
        raise DGLError(f"labels must be a dict of tensors, got {type(labels).__name__}.")
    writer = graph_file_writer([_to_record(g) for g in g_list], labels, format_code(formats))
    filename = os.fspath(filename)
    folder = os.path.dirname(os.path.abspath(filename))
    os.makedirs(folder, exist_ok=True)
    with open(filename, "wb") as f:
        writer.write_to(f)  # part by part: no second copy of the graph in memory


def _read_bytes(filename: PathLike) -> bytes:
    filename = os.fspath(filename)
    if not os.path.exists(filename):
        raise DGLError(f"File {filename} does not exist.")
    if os.path.isdir(filename):
        raise DGLError(f"{filename} is a folder, not a graph file.")
    with open(filename, "rb") as f:
        return f.read()


def load_graphs(filename: PathLike, idx_list: Optional[Sequence[int]] = None):
    """Load graphs (and graph labels) from a file written by :func:`save_graphs` or by DGL.

    Parameters
    ----------
    filename
        Path of the file.
    idx_list
        Indices of the graphs to load, in the order wanted; ``None`` loads all.

    Returns
    -------
    tuple of (list of DGLGraph, dict)
        ``(graph_list, labels)``: the graphs and the dict of graph labels.
    """
    if idx_list is not None:
        if isinstance(idx_list, int):
            idx_list = [idx_list]
        idx_list = [int(i) for i in idx_list]
    data = _read_bytes(filename)
    what = os.fspath(filename)
    records, labels = read_graph_file(data, what, idx_list)
    return [_from_record(rec, what) for rec in records], labels


def load_labels(filename: PathLike) -> Dict[str, torch.Tensor]:
    """Load only the graph labels of a graph file."""
    data = _read_bytes(filename)
    return read_file_labels(data, os.fspath(filename))
