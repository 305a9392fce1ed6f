import argparse
import os

import pytest

import graphdl.data as gdata

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RAW = os.path.join(REPO, "..", "shared", "datasets", "planetoid")


def test_reexports():
    from graphdl.data import utils

    for name in ["download", "get_download_dir", "extract_archive", "check_sha1"]:
        assert getattr(gdata, name) is getattr(utils, name)


def test_register_and_load_data(tmp_path):
    parser = argparse.ArgumentParser()
    gdata.register_data_args(parser)
    assert parser.parse_args(["--dataset", "cora"]).dataset == "cora"
    with pytest.raises(ValueError, match="Unknown dataset"):
        gdata.load_data(argparse.Namespace(dataset="reddit"))


@pytest.mark.skipif(not os.path.isdir(RAW), reason="shared Planetoid files not present")
def test_load_cora(tmp_path):
    ds = gdata.load_cora(raw_dir=str(tmp_path), verbose=False)
    assert isinstance(ds, gdata.CoraGraphDataset) and ds[0].num_nodes() == 2708
