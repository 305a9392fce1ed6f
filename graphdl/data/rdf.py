"""RDF entity classification sets (AIFB, MUTAG, BGS, AM) as heterographs, built the way DGL builds them.

From `Modeling Relational Data with Graph Convolutional Networks
<https://arxiv.org/abs/1703.06103>`__ (Schlichtkrull et al., 2018). Each archive
(``https://data.dgl.ai/dataset/rdf/<name>-hetero.zip``) holds N-Triples files (``*.nt``) and the
splits ``trainingSet.tsv`` / ``testSet.tsv`` (a header line, then tab-separated rows naming an
entity and its label).

Every triple ``(subject, predicate, object)`` is mapped to ``(entity, relation, entity)`` by the
set's rules (:meth:`RDFGraphDataset.parse_entity`, :meth:`~RDFGraphDataset.parse_relation`); a
triple with an unmapped part is dropped. An entity's class becomes its node type and a relation's
class its edge type; with ``insert_reverse`` each relation ``r`` gets a reverse ``rev-r``. Triples
are visited in sorted order and entities numbered on first sight, so node ids are stable across
runs. The N-Triples parser is built in (no rdflib needed); repeated statements count once (an
RDF graph is a set) and terms sort as rdflib sorts them: blank nodes, then IRIs, then literals,
each by their text (literals then by their tag; rdflib orders typed literals of one datatype by
value, which can differ for numbers written differently).
"""
from __future__ import annotations

import os
import re
from collections import OrderedDict
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch

from ..base import DGLError, NID
from ..convert import graph, to_heterogeneous
from ._remote import DGL_DATA_URL, OneGraphDataset, RawFile
from .utils import generate_mask_tensor

__all__ = ["RDFGraphDataset", "AIFBDataset", "MUTAGDataset", "BGSDataset", "AMDataset",
           "Term", "Entity", "Relation", "read_ntriples"]


# -- N-Triples ---------------------------------------------------------------------------------
class Term(str):
    """An RDF term: its text, plus ``kind`` (``'iri'``, ``'bnode'`` or ``'literal'``)."""

    kind = "iri"
    tag = ""  # a literal's language tag or datatype, as written ("@en", "^^<...>")
    _rank = {"bnode": 10, "iri": 30, "literal": 40}

    def __new__(cls, text: str, kind: str = "iri", tag: str = "") -> "Term":
        term = super().__new__(cls, text)
        term.kind = kind
        term.tag = tag
        return term

    def sort_key(self) -> Tuple[int, str, str]:
        return (self._rank[self.kind], str(self), self.tag)


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_TERM_RE = re.compile(
    r'\s*(?:<(?P<iri>[^>]*)>|_:(?P<bnode>\S+)|"(?P<lit>(?:[^"\\]|\\.)*)"(?P<tag>@[A-Za-z0-9-]+|\^\^<[^>]*>)?)'
)


def _unescape(text: str) -> str:
    def sub(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return _ESCAPE_RE.sub(sub, text) if "\\" in text else text


def read_ntriples(path: str) -> Iterator[Tuple[Term, Term, Term]]:
    """The triples of an N-Triples file (``# comments`` and blank lines skipped).

    Parameters
    ----------
    path : str
        The ``.nt`` file.

    Returns
    -------
    iterator of (Term, Term, Term)
        Subject, predicate and object of each statement.
    """
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            terms, pos = [], 0
            for _ in range(3):
                m = _TERM_RE.match(line, pos)
                if m is None:
                    raise DGLError(f"{path}:{lineno}: not an N-Triples statement: {line[:120]!r}")
                if m.group("iri") is not None:
                    terms.append(Term(_unescape(m.group("iri")), "iri"))
                elif m.group("bnode") is not None:
                    terms.append(Term(m.group("bnode"), "bnode"))
                else:
                    terms.append(Term(_unescape(m.group("lit")), "literal", m.group("tag") or ""))
                pos = m.end()
            if line[pos:].strip() != ".":
                raise DGLError(f"{path}:{lineno}: expected '.' after three terms: {line[:120]!r}")
            yield terms[0], terms[1], terms[2]


# -- entities and relations ----------------------------------------------------------------------
class Entity:
    """A graph node: its id and its class (the node type); printed as ``class/id``."""

    def __init__(self, e_id: Any, cls: Optional[str]) -> None:
        self.id = e_id
        self.cls = cls

    def __str__(self) -> str:
        return f"{self.cls}/{self.id}"


class Relation:
    """A graph relation: its class (the edge type)."""

    def __init__(self, cls: str) -> None:
        self.cls = cls

    def __str__(self) -> str:
        return str(self.cls)


def _get_id(table: "OrderedDict[str, int]", key: str) -> int:
    if key not in table:
        table[key] = len(table)
    return table[key]


class RDFGraphDataset(OneGraphDataset):
    """Base of the RDF entity classification sets: one heterograph, one category to predict.

    The node type :attr:`predict_category` holds ``train_mask``, ``test_mask``, ``label`` and
    ``labels`` (the same int64 tensor, under both of DGL's names); ``ndata[dgl.NID]`` of every
    type is the node's id in the homogeneous numbering.

    Parameters
    ----------
    name : str
        Folder name of the raw files (``aifb-hetero``, ...).
    url : str
        Address of the archive.
    predict_category : str
        The node type whose entities are labelled.
    print_every : int
        Progress printed every this many triples (with ``verbose``).
    insert_reverse : bool
        Add the reverse relation ``rev-<r>`` of every relation.
    raw_dir : str, optional
        Folder holding ``<name>/`` (default :func:`~graphdl.data.utils.get_download_dir`).
    force_reload : bool
        Parse again even when a cache exists.
    verbose : bool
        Print progress.
    transform : callable, optional
        Applied to the graph on access.
    """

    sha1: Optional[str] = None  # data.dgl.ai publishes no digest for these archives

    graph_attr = "_hg"

    def __init__(self, name: str, url: str, predict_category: str, print_every: int = 10000,
                 insert_reverse: bool = True, raw_dir: Optional[str] = None, force_reload: bool = False,
                 verbose: bool = True, transform: Optional[Callable] = None) -> None:
        self.predict_category = predict_category
        self._print_every = print_every
        self._insert_reverse = insert_reverse
        super().__init__(name, [RawFile(url, name + ".zip", self.sha1, extract=True)],
                         ["trainingSet.tsv", "testSet.tsv"], raw_dir=raw_dir, hash_key=(insert_reverse,),
                         force_reload=force_reload, verbose=verbose, transform=transform)

    # -- per-set rules (overridden) ----------------------------------------------------------------
    def parse_entity(self, term: Term) -> Optional[Entity]:
        """The entity a term denotes, or ``None`` to drop the triple."""
        raise NotImplementedError

    def parse_relation(self, term: Term) -> Optional[Relation]:
        """The relation a predicate denotes, or ``None`` to drop the triple."""
        raise NotImplementedError

    def process_tuple(self, raw_tuple: Tuple[Term, Term, Term], sbj: Optional[Entity], rel: Optional[Relation],
                      obj: Optional[Entity]) -> Optional[Tuple[Entity, Relation, Entity]]:
        """Final say on a mapped triple; by default drops it when a part is unmapped."""
        if sbj is None or rel is None or obj is None:
            return None
        return sbj, rel, obj

    def process_idx_file_line(self, line: str) -> Tuple[str, str]:
        """``(entity IRI, label)`` of one row of a split file."""
        raise NotImplementedError

    # -- parsing -----------------------------------------------------------------------------------
    def _triples(self) -> List[Tuple[Term, Term, Term]]:
        files = sorted(f for f in os.listdir(self.raw_path) if f.endswith("nt") or f.endswith("n3"))
        if not files:
            raise DGLError(f"Data set {self.name}: no .nt file in {self.raw_path}.")
        triples = []
        for f in files:
            if f.endswith("n3"):
                raise DGLError(f"{f}: Notation3 files are not supported; convert it to N-Triples (.nt).")
            if self.verbose:
                print(f"Parsing file {f} ...")
            triples.extend(read_ntriples(os.path.join(self.raw_path, f)))
        # an RDF graph is a set: a statement repeated (in one file or across files) counts once
        keyed = {(t[0].sort_key(), t[1].sort_key(), t[2].sort_key()): t for t in triples}
        return [keyed[k] for k in sorted(keyed)]

    def parse(self):
        ent_classes: "OrderedDict[str, int]" = OrderedDict()
        rel_classes: "OrderedDict[str, int]" = OrderedDict()
        entities: "OrderedDict[str, int]" = OrderedDict()
        canonical: "OrderedDict[Tuple[str, str, str], None]" = OrderedDict()
        src, dst, ntid, etid = [], [], [], []
        for i, raw in enumerate(self._triples()):
            if self.verbose and i % self._print_every == 0:
                print(f"Processed {i} tuples, found {len(entities)} unique entities.")
            mapped = self.process_tuple(raw, self.parse_entity(raw[0]), self.parse_relation(raw[1]),
                                        self.parse_entity(raw[2]))
            if mapped is None:
                continue
            sbj, rel, obj = mapped
            sbj_cls, obj_cls = _get_id(ent_classes, sbj.cls), _get_id(ent_classes, obj.cls)
            etid.append(_get_id(rel_classes, rel.cls))
            canonical[(sbj.cls, rel.cls, obj.cls)] = None
            for ent, cls_id, ids in ((sbj, sbj_cls, src), (obj, obj_cls, dst)):
                key = str(ent)
                if key not in entities:
                    entities[key] = len(entities)
                    ntid.append(cls_id)
                ids.append(entities[key])
        if not etid:
            raise DGLError(f"Data set {self.name}: no triple of {self.raw_path} maps to an edge.")
        ntypes, etypes = list(ent_classes), list(rel_classes)
        src_a, dst_a, etid_a = np.asarray(src), np.asarray(dst), np.asarray(etid)
        if self._insert_reverse:
            src_a, dst_a = np.concatenate([src_a, dst_a]), np.concatenate([dst_a, src_a])
            etid_a = np.concatenate([etid_a, etid_a + len(etypes)])
            etypes = etypes + [f"rev-{t}" for t in etypes]
        homo = graph((torch.from_numpy(src_a), torch.from_numpy(dst_a)), num_nodes=len(entities))
        homo.ndata["_TYPE"] = torch.tensor(ntid, dtype=torch.int64)
        homo.edata["_TYPE"] = torch.from_numpy(etid_a).long()
        hg = to_heterogeneous(homo, ntypes, etypes)
        self._attach_split(hg, entities)
        return [hg], {}, {"num_classes": self._num_classes_found}

    def _attach_split(self, hg: Any, entities: Dict[str, int]) -> None:
        if self.predict_category not in hg.ntypes:
            raise DGLError(f"Data set {self.name}: no entity of the category {self.predict_category!r} "
                           f"(found {hg.ntypes}).")
        ids = hg.nodes[self.predict_category].data[NID].tolist()
        local = {glb: lcl for lcl, glb in enumerate(ids)}
        n = hg.num_nodes(self.predict_category)
        labels = np.full(n, -1, dtype=np.int64)
        label_ids: "OrderedDict[str, int]" = OrderedDict()
        masks = {}
        for split, fname in (("train", "trainingSet.tsv"), ("test", "testSet.tsv")):
            idx = []
            with open(self.raw_file(fname), encoding="utf-8") as f:
                for i, line in enumerate(f):
                    if i == 0 or not line.strip():
                        continue  # the header
                    sample, label = self.process_idx_file_line(line)
                    ent = self.parse_entity(Term(sample, "iri"))
                    glb = entities.get(str(ent)) if ent is not None else None
                    if glb is None or glb not in local:
                        if self.verbose:
                            print(f'Warning: entity "{ent}" does not have any valid links associated. Ignored.')
                        continue
                    idx.append(local[glb])
                    labels[local[glb]] = _get_id(label_ids, label)
            mask = np.zeros(n, dtype=bool)
            mask[np.asarray(idx, dtype=np.int64)] = True
            masks[split] = generate_mask_tensor(mask)
        data = hg.nodes[self.predict_category].data
        data["train_mask"], data["test_mask"] = masks["train"], masks["test"]
        data["labels"] = torch.from_numpy(labels)
        data["label"] = data["labels"]
        self._num_classes_found = len(label_ids)

    def restore(self, graphs, tensors, info) -> None:
        self._hg = graphs[0]
        self._num_classes = int(info["num_classes"])

    @property
    def num_classes(self) -> int:
        """Number of label classes."""
        return self._num_classes



def _rdf_url(name: str) -> str:
    return DGL_DATA_URL + f"dataset/rdf/{name}.zip"


class AIFBDataset(RDFGraphDataset):
    """AIFB: the AIFB institute's people, groups and publications; predict a person's group (4 classes).

    Parameters
    ----------
    print_every, insert_reverse, raw_dir, force_reload, verbose, transform
        As :class:`RDFGraphDataset`.

    Examples
    --------
    >>> from graphdl.data import AIFBDataset
    >>> ds = AIFBDataset()  # doctest: +SKIP
    >>> g = ds[0]; category = ds.predict_category  # doctest: +SKIP
    """

    entity_prefix = "http://www.aifb.uni-karlsruhe.de/"
    relation_prefix = "http://swrc.ontoware.org/"
    employs = "http://swrc.ontoware.org/ontology#employs"
    affiliation = "http://swrc.ontoware.org/ontology#affiliation"

    def __init__(self, print_every: int = 10000, insert_reverse: bool = True, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("aifb-hetero", _rdf_url("aifb-hetero"), "Personen", print_every, insert_reverse,
                         raw_dir, force_reload, verbose, transform)

    def parse_entity(self, term: Term) -> Optional[Entity]:
        if term.kind == "literal":
            return Entity(str(term), "_Literal")
        if term.kind == "bnode" or not term.startswith(self.entity_prefix):
            return None
        parts = term.split("/")
        if len(parts) < 6:
            return None
        return Entity(parts[5], parts[3])

    def parse_relation(self, term: Term) -> Optional[Relation]:
        if term in (self.employs, self.affiliation):
            return None  # the labels, kept out of the graph
        if term.startswith(self.relation_prefix):
            return Relation(term.split("/")[3])
        return Relation(term.split("/")[-1])

    def process_idx_file_line(self, line: str) -> Tuple[str, str]:
        person, _, label = line.strip().split("\t")
        return person, label


class MUTAGDataset(RDFGraphDataset):
    """MUTAG: molecules of the carcinogenesis ontology; predict whether a compound is mutagenic (2 classes).

    Parameters
    ----------
    print_every, insert_reverse, raw_dir, force_reload, verbose, transform
        As :class:`RDFGraphDataset`.
    """

    d_entity = re.compile("d[0-9]")
    bond_entity = re.compile("bond[0-9]")
    entity_prefix = "http://dl-learner.org/carcinogenesis#"
    relation_prefix = entity_prefix
    is_mutagenic = "http://dl-learner.org/carcinogenesis#isMutagenic"

    def __init__(self, print_every: int = 10000, insert_reverse: bool = True, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("mutag-hetero", _rdf_url("mutag-hetero"), "d", print_every, insert_reverse,
                         raw_dir, force_reload, verbose, transform)

    def parse_entity(self, term: Term) -> Optional[Entity]:
        if term.kind == "literal":
            return Entity(str(term), "_Literal")
        if term.kind == "bnode" or not term.startswith(self.entity_prefix):
            return None
        inst = term[len(self.entity_prefix):]
        if self.d_entity.match(inst):
            cls = "d"
        elif self.bond_entity.match(inst):
            cls = "bond"
        else:
            cls = None  # decided by the triple (process_tuple)
        return Entity(inst, cls)

    def parse_relation(self, term: Term) -> Optional[Relation]:
        if term == self.is_mutagenic:
            return None
        if term.startswith(self.relation_prefix):
            return Relation(term[len(self.relation_prefix):])
        return Relation(term.split("/")[-1])

    def process_tuple(self, raw_tuple, sbj, rel, obj):
        if sbj is None or rel is None or obj is None:
            return None
        if not raw_tuple[1].startswith(self.entity_prefix):
            obj.cls = "SCHEMA"  # ontology statements (rdf:type, subClassOf, ...)
            if sbj.cls is None:
                sbj.cls = "SCHEMA"
        if obj.cls is None:
            obj.cls = rel.cls
        if sbj.cls is None:
            raise DGLError(f"MUTAG: cannot give a class to the subject of {tuple(map(str, raw_tuple))}.")
        return sbj, rel, obj

    def process_idx_file_line(self, line: str) -> Tuple[str, str]:
        bond, _, label = line.strip().split("\t")
        return bond, label


class BGSDataset(RDFGraphDataset):
    """BGS: British Geological Survey rock units; predict a named rock unit's lithogenesis (2 classes).

    Parameters
    ----------
    print_every, insert_reverse, raw_dir, force_reload, verbose, transform
        As :class:`RDFGraphDataset`.
    """

    entity_prefix = "http://data.bgs.ac.uk/"
    status_prefix = "http://data.bgs.ac.uk/ref/CurrentStatus"
    lith = "http://data.bgs.ac.uk/ref/Lexicon/hasLithogenesis"

    def __init__(self, print_every: int = 10000, insert_reverse: bool = True, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("bgs-hetero", _rdf_url("bgs-hetero"), "Lexicon/NamedRockUnit", print_every,
                         insert_reverse, raw_dir, force_reload, verbose, transform)

    def parse_entity(self, term: Term) -> Optional[Entity]:
        if term.kind != "iri" or term.startswith(self.status_prefix) or not term.startswith(self.entity_prefix):
            return None
        parts = term.split("/")
        if len(parts) != 7:
            return None
        return Entity(parts[6], f"{parts[4]}/{parts[5]}")

    def parse_relation(self, term: Term) -> Optional[Relation]:
        if term == self.lith:
            return None
        if term.startswith(self.entity_prefix):
            parts = term.split("/")
            if len(parts) != 6:
                return None
            return Relation(f"{parts[4]}/{parts[5]}")
        return Relation(term.replace(".", "_"))

    def process_idx_file_line(self, line: str) -> Tuple[str, str]:
        _, rock, label = line.strip().split("\t")
        return rock, label


class AMDataset(RDFGraphDataset):
    """AM: the Amsterdam Museum collection; predict an artefact's category (11 classes).

    Parameters
    ----------
    print_every, insert_reverse, raw_dir, force_reload, verbose, transform
        As :class:`RDFGraphDataset`.
    """

    entity_prefix = "http://purl.org/collections/nl/am/"
    relation_prefix = entity_prefix
    object_category = "http://purl.org/collections/nl/am/objectCategory"
    material = "http://purl.org/collections/nl/am/material"

    def __init__(self, print_every: int = 10000, insert_reverse: bool = True, raw_dir: Optional[str] = None,
                 force_reload: bool = False, verbose: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__("am-hetero", _rdf_url("am-hetero"), "proxy", print_every, insert_reverse,
                         raw_dir, force_reload, verbose, transform)

    def parse_entity(self, term: Term) -> Optional[Entity]:
        if term.kind == "literal":
            return None
        if term.kind == "bnode":
            return Entity(str(term), "_BNode")
        if not term.startswith(self.entity_prefix):
            return None
        parts = term.split("/")
        if len(parts) != 7:
            raise DGLError(f"AM: unexpected entity IRI {term!r}.")
        pieces = parts[6].split("-")
        if len(pieces) == 2:
            return Entity(pieces[1], pieces[0])
        return Entity(pieces, "TYPE")

    def parse_relation(self, term: Term) -> Optional[Relation]:
        if term in (self.object_category, self.material):
            return None
        if term.startswith(self.relation_prefix):
            parts = term.split("/")
            if len(parts) != 7:
                raise DGLError(f"AM: unexpected relation IRI {term!r}.")
            return Relation(parts[6])
        return Relation(term.replace(".", "_"))

    def process_idx_file_line(self, line: str) -> Tuple[str, str]:
        proxy, _, label = line.strip().split("\t")
        return proxy, label
