"""RDF loaders on small fixtures in the published layout (<name>-hetero.zip: *.nt plus split tsv files)."""
import os
import zipfile

import pytest
import torch

import graphdl
from graphdl import DGLError
from graphdl.data import AIFBDataset, AMDataset, BGSDataset, MUTAGDataset
from graphdl.data.rdf import read_ntriples

A = "http://www.aifb.uni-karlsruhe.de/"
S = "http://swrc.ontoware.org/ontology#"
AIFB_NT = f"""# persons, groups and a publication
<{A}Personen/viewPersonOWL/id1instance> <{S}affiliation> <{A}Forschungsgruppen/viewForschungsgruppeOWL/id3instance> .
<{A}Personen/viewPersonOWL/id2instance> <{S}affiliation> <{A}Forschungsgruppen/viewForschungsgruppeOWL/id4instance> .
<{A}Publikationen/viewPublikationOWL/id9instance> <{S}author> <{A}Personen/viewPersonOWL/id1instance> .
<{A}Publikationen/viewPublikationOWL/id9instance> <{S}author> <{A}Personen/viewPersonOWL/id2instance> .
<{A}Publikationen/viewPublikationOWL/id9instance> <{S}title> "Graphs \\"and\\" nets"@en .
<{A}Personen/viewPersonOWL/id3instance> <{S}name> "Third" .
<{A}Personen/viewPersonOWL/id1instance> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{S}Person> .
<{A}Forschungsgruppen/viewForschungsgruppeOWL/id3instance> <{S}employs> <{A}Personen/viewPersonOWL/id1instance> .
_:b0 <{S}name> "blank" .
"""
AIFB_TRAIN = (f"person\tid\tlabel_affiliation\n{A}Personen/viewPersonOWL/id1instance\t1\t"
              f"{A}Forschungsgruppen/viewForschungsgruppeOWL/id3instance\n"
              f"{A}Personen/viewPersonOWL/id3instance\t3\t{A}Forschungsgruppen/viewForschungsgruppeOWL/id4instance\n")
AIFB_TEST = (f"person\tid\tlabel_affiliation\n{A}Personen/viewPersonOWL/id2instance\t2\t"
             f"{A}Forschungsgruppen/viewForschungsgruppeOWL/id4instance\n"
             f"{A}Personen/viewPersonOWL/id77instance\t77\t{A}Forschungsgruppen/viewForschungsgruppeOWL/id4instance\n")


def write_set(root, name, nt, train, test, as_zip=False):
    files = {f"{name}/{name.split('-')[0]}_stripped.nt": nt, f"{name}/trainingSet.tsv": train,
             f"{name}/testSet.tsv": test, f"{name}/completeDataset.tsv": train + test.split("\n", 1)[1]}
    if as_zip:
        # the archive is extracted into raw_dir/<name>, so its members sit at the top
        with zipfile.ZipFile(root / f"{name}.zip", "w") as z:
            for path, text in files.items():
                z.writestr(path.split("/", 1)[1], text)
        return
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def test_ntriples_terms(tmp_path):
    p = tmp_path / "x.nt"
    p.write_text(AIFB_NT, encoding="utf-8")
    triples = list(read_ntriples(str(p)))
    assert len(triples) == 9
    lit = triples[4][2]
    assert lit.kind == "literal" and str(lit) == 'Graphs "and" nets'
    assert triples[8][0].kind == "bnode"
    p.write_text("<a> <b> .\n")
    with pytest.raises(DGLError, match="x.nt:1"):
        list(read_ntriples(str(p)))


@pytest.mark.parametrize("as_zip", [False, True])
def test_aifb_graph(tmp_path, as_zip, monkeypatch):
    write_set(tmp_path, "aifb-hetero", AIFB_NT, AIFB_TRAIN, AIFB_TEST, as_zip=as_zip)
    import graphdl.data.utils as data_utils

    monkeypatch.setattr(data_utils.urllib.request, "urlopen", lambda *a, **k: (_ for _ in ()).throw(OSError("offline")))
    ds = AIFBDataset(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert ds.predict_category == "Personen" and ds.num_classes == 2
    # employs/affiliation are the labels: dropped; blank nodes dropped
    assert set(g.ntypes) == {"Personen", "Publikationen", "_Literal"}
    # rdf:type points outside the AIFB prefix: its object is no entity, the triple is dropped
    assert set(g.etypes) == {"ontology#author", "ontology#title", "ontology#name",
                             "rev-ontology#author", "rev-ontology#title", "rev-ontology#name"}
    assert g.num_nodes("Personen") == 3 and g.num_nodes("Publikationen") == 1
    assert g.num_edges(("Publikationen", "ontology#author", "Personen")) == 2
    assert g.num_edges(("Personen", "rev-ontology#author", "Publikationen")) == 2
    data = g.nodes["Personen"].data
    # person id77 has no link: ignored; id3 appears only in a literal triple but is an entity
    assert data["train_mask"].dtype == torch.bool and int(data["train_mask"].sum()) == 2
    assert int(data["test_mask"].sum()) == 1
    assert torch.equal(data["label"], data["labels"])
    assert sorted(data["label"].tolist()) == [0, 1, 1]  # id1 in group id3; id2, id3 in group id4
    # cached: the second construction loads, masks stay boolean
    again = AIFBDataset(raw_dir=str(tmp_path), verbose=False)[0]
    assert again.nodes["Personen"].data["train_mask"].dtype == torch.bool
    assert torch.equal(again.nodes["Personen"].data["label"], data["label"])
    assert set(again.canonical_etypes) == set(g.canonical_etypes)


C = "http://dl-learner.org/carcinogenesis#"
MUTAG_NT = f"""<{C}d1> <{C}hasAtom> <{C}d1_1> .
<{C}d1> <{C}hasStructure> <{C}ring_size_5_1> .
<{C}d1> <{C}hasBond> <{C}bond1> .
<{C}d1> <{C}isMutagenic> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<{C}d2> <{C}hasBond> <{C}bond2> .
<{C}d2> <{C}amesTestPositive> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<{C}bond1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{C}Bond> .
<{C}d1_1> <{C}charge> "-0.117"^^<http://www.w3.org/2001/XMLSchema#double> .
"""
MUTAG_TRAIN = f"bond\tid\tlabel_mutagenic\n{C}d1\t1\t1\n"
MUTAG_TEST = f"bond\tid\tlabel_mutagenic\n{C}d2\t2\t0\n"


def test_mutag_classes_from_the_triples(tmp_path):
    write_set(tmp_path, "mutag-hetero", MUTAG_NT, MUTAG_TRAIN, MUTAG_TEST)
    ds = MUTAGDataset(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert ds.predict_category == "d" and ds.num_classes == 2
    # ring_size_5_1 matches no class: it takes its relation's; rdf:type makes Bond a SCHEMA node;
    # the atom d1_1 starts like a compound ("d[0-9]") and is typed "d", as the rule says
    assert set(g.ntypes) == {"d", "bond", "hasStructure", "_Literal", "SCHEMA"}
    assert ("bond", "22-rdf-syntax-ns#type", "SCHEMA") in g.canonical_etypes
    assert "isMutagenic" not in g.etypes and "rev-hasBond" in g.etypes
    assert g.num_nodes("d") == 3 and g.num_nodes("_Literal") == 2
    d = g.nodes["d"].data  # d1, d1_1, d2: numbered on first sight in sorted triple order
    assert d["train_mask"].tolist() == [True, False, False] and d["test_mask"].tolist() == [False, False, True]
    assert d["label"].tolist() == [0, -1, 1]  # labels numbered in order of appearance: "1" first


B = "http://data.bgs.ac.uk/"
BGS_NT = f"""<{B}id/Lexicon/NamedRockUnit/ABC> <{B}ref/Lexicon/hasTheme> <{B}id/Lexicon/Theme/X1> .
<{B}id/Lexicon/NamedRockUnit/ABC> <{B}ref/Lexicon/hasLithogenesis> <{B}id/Lexicon/Litho/L1> .
<{B}id/Lexicon/NamedRockUnit/DEF> <{B}ref/Lexicon/hasTheme> <{B}id/Lexicon/Theme/X1> .
<{B}id/Lexicon/NamedRockUnit/DEF> <http://www.w3.org/2000/01/rdf-schema#label> "Def rock" .
<{B}id/Lexicon/NamedRockUnit/DEF> <{B}ref/Lexicon/hasStatus> <{B}ref/CurrentStatus/Active> .
<{B}id/Lexicon/NamedRockUnit/GHI> <http://www.w3.org/2004/02/skos/core#broader> <{B}id/Lexicon/NamedRockUnit/ABC> .
"""
BGS_TRAIN = f"id\trock\tlabel_lithogenesis\n1\t{B}id/Lexicon/NamedRockUnit/ABC\tL1\n2\t{B}id/Lexicon/NamedRockUnit/GHI\tL2\n"
BGS_TEST = f"id\trock\tlabel_lithogenesis\n3\t{B}id/Lexicon/NamedRockUnit/DEF\tL2\n"


def test_bgs(tmp_path):
    write_set(tmp_path, "bgs-hetero", BGS_NT, BGS_TRAIN, BGS_TEST)
    ds = BGSDataset(raw_dir=str(tmp_path), verbose=False, insert_reverse=False)
    g = ds[0]
    assert ds.predict_category == "Lexicon/NamedRockUnit"
    assert set(g.ntypes) == {"Lexicon/NamedRockUnit", "Lexicon/Theme"}  # literals and status dropped
    assert set(g.etypes) == {"Lexicon/hasTheme", "http://www_w3_org/2004/02/skos/core#broader"}
    assert g.num_edges() == 3  # no reverse relations
    assert int(g.nodes["Lexicon/NamedRockUnit"].data["train_mask"].sum()) == 2 and ds.num_classes == 2


M = "http://purl.org/collections/nl/am/"
AM_NT = f"""<{M}proxy-1> <{M}objectCategory> <{M}term-55> .
<{M}proxy-1> <{M}maker> <{M}person-7> .
<{M}proxy-2> <{M}maker> <{M}person-7> .
<{M}proxy-2> <{M}partOf> _:genid1 .
_:genid1 <{M}title> "a title" .
<{M}proxy-2> <http://purl.org/dc/terms/type> <{M}Proxy> .
"""
AM_TRAIN = f"proxy\tid\tlabel_cateogory\n{M}proxy-1\t1\t{M}t-1\n"
AM_TEST = f"proxy\tid\tlabel_cateogory\n{M}proxy-2\t2\t{M}t-2\n"


def test_am_blank_nodes_and_types(tmp_path):
    write_set(tmp_path, "am-hetero", AM_NT, AM_TRAIN, AM_TEST)
    ds = AMDataset(raw_dir=str(tmp_path), verbose=False)
    g = ds[0]
    assert set(g.ntypes) == {"proxy", "person", "_BNode", "TYPE"}
    assert g.num_nodes("proxy") == 2 and g.num_nodes("person") == 1
    assert ("proxy", "http://purl_org/dc/terms/type", "TYPE") in g.canonical_etypes
    assert "objectCategory" not in g.etypes
    assert g.nodes["proxy"].data["label"].tolist() == [0, 1]


def test_offline_names_archive_and_folder(tmp_path, monkeypatch):
    import graphdl.data.utils as data_utils

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data_utils.urllib.request, "urlopen", no_network)
    with pytest.raises(DGLError) as err:
        AIFBDataset(raw_dir=str(tmp_path), verbose=False)
    msg = str(err.value)
    assert "https://data.dgl.ai/dataset/rdf/aifb-hetero.zip" in msg
    assert os.path.join(str(tmp_path), "aifb-hetero.zip") in msg and "trainingSet.tsv" in msg
