"""MovieLens latest-small read from the shared copy, checked against the CSV files."""
import io
import os
import zipfile

import numpy as np
import pytest
import torch

from graphdl.base import DGLError
from graphdl.data import MovieLensDataset

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RAW = os.path.join(REPO, "..", "shared", "datasets", "movielens")
ZIP = os.path.join(RAW, "ml-latest-small.zip")

pytestmark = pytest.mark.skipif(not os.path.exists(ZIP), reason=f"MovieLens archive not found at {ZIP}")


@pytest.fixture(scope="module")
def dataset():
    return MovieLensDataset(raw_dir=RAW, verbose=False)


@pytest.fixture(scope="module")
def frames():
    import pandas as pd

    with zipfile.ZipFile(ZIP) as z:
        ratings = pd.read_csv(io.BytesIO(z.read("ml-latest-small/ratings.csv")))
        movies = pd.read_csv(io.BytesIO(z.read("ml-latest-small/movies.csv")))
    return ratings, movies


def test_structure(dataset, frames):
    ratings, movies = frames
    g = dataset[0]
    assert set(g.canonical_etypes) == {("user", "rates", "movie"), ("movie", "rated-by", "user")}
    assert g.num_nodes("user") == ratings.userId.nunique() == 610
    assert g.num_nodes("movie") == len(movies) == 9742
    assert g.num_edges("rates") == g.num_edges("rated-by") == len(ratings) == 100836
    u, m = g.edges(etype="rates", order="eid")
    m2, u2 = g.edges(etype="rated-by", order="eid")
    assert torch.equal(u, u2) and torch.equal(m, m2)


def test_edge_values_match_csv(dataset, frames):
    ratings, _ = frames
    g = dataset[0]
    user_ids = g.nodes["user"].data["id"]
    movie_ids = g.nodes["movie"].data["id"]
    u, m = g.edges(etype="rates", order="eid")
    got = set(zip(user_ids[u].tolist(), movie_ids[m].tolist(), g.edges["rates"].data["rating"].tolist(),
                  g.edges["rates"].data["timestamp"].tolist()))
    expect = set(zip(ratings.userId.tolist(), ratings.movieId.tolist(), ratings.rating.astype(np.float32).tolist(),
                     ratings.timestamp.tolist()))
    assert got == expect


def test_genres_and_time_split(dataset, frames):
    _, movies = frames
    g = dataset[0]
    genre = g.nodes["movie"].data["genre"]
    assert genre.shape == (9742, 20)
    row = {mid: genres for mid, genres in zip(movies.movieId, movies.genres)}
    from graphdl.data.movielens import GENRES_ML_LATEST

    for i in range(0, 9742, 611):
        mid = int(g.nodes["movie"].data["id"][i])
        names = {GENRES_ML_LATEST[j] for j in torch.nonzero(genre[i]).squeeze(1).tolist()}
        assert names == set(row[mid].split("|"))
    data = g.edges["rates"].data
    masks = [data[k] for k in ("train_mask", "val_mask", "test_mask")]
    assert sum(int(mk.sum()) for mk in masks) == 100836
    assert not (masks[0] & masks[1]).any() and not (masks[1] & masks[2]).any()
    assert abs(int(masks[2].sum()) - 10084) <= 1
    ts = data["timestamp"]
    assert ts[masks[0]].max() <= ts[masks[1]].min() and ts[masks[1]].max() <= ts[masks[2]].min()
    assert torch.equal(g.edges["rated-by"].data["test_mask"], masks[2])


def test_bad_arguments():
    with pytest.raises(DGLError, match="ml-1m"):
        MovieLensDataset(name="ml-1m", raw_dir=RAW)
    with pytest.raises(DGLError, match="valid_ratio"):
        MovieLensDataset(raw_dir=RAW, valid_ratio=0.6, test_ratio=0.6)
