"""MovieLens ``ml-latest-small`` as a user-movie heterograph for rating prediction."""
from __future__ import annotations

import io
import os
import zipfile
from typing import Callable, Dict, Optional

import numpy as np
import torch

from ..base import DGLError
from .dgl_dataset import DGLDataset
from .utils import download
from ..convert import heterograph

__all__ = ["MovieLensDataset", "GENRES_ML_LATEST"]

GENRES_ML_LATEST = [
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
    "War", "Western", "(no genres listed)",
]
_URLS = {"ml-latest-small": "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"}
_SHA256 = {"ml-latest-small": "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436"}


class MovieLensDataset(DGLDataset):
    """MovieLens ratings as a heterograph of users and movies.

    Edge types ``('user', 'rates', 'movie')`` and its reverse ``('movie', 'rated-by', 'user')``
    (edge ``i`` of one is edge ``i`` of the other, reversed) carry ``rating`` (float32),
    ``timestamp`` (int64) and the split masks ``train_mask``, ``val_mask``, ``test_mask``:
    the ratings sorted by time are cut so that the oldest train and the newest test.
    Movies carry ``genre`` (multi-hot float32 over :data:`GENRES_ML_LATEST`) and ``id``
    (the MovieLens movie id); users carry ``id``.

    Parameters
    ----------
    name
        ``'ml-latest-small'``.
    valid_ratio
        Fraction of ratings (by time, after training) used for validation.
    test_ratio
        Fraction of the newest ratings used for testing.
    raw_dir
        Folder holding ``ml-latest-small.zip`` or the extracted ``ml-latest-small/``
        (downloaded there when missing).
    force_reload
        Accepted for compatibility; the data set is always processed (about a second).
    verbose
        Print progress.
    transform
        Applied to the graph on access.
    random_state
        Accepted for compatibility (the split is by time, not random).
    """

    def __init__(
        self,
        name: str = "ml-latest-small",
        valid_ratio: float = 0.1,
        test_ratio: Optional[float] = 0.1,
        raw_dir: Optional[str] = None,
        force_reload: Optional[bool] = None,
        verbose: Optional[bool] = None,
        transform: Optional[Callable] = None,
        random_state: int = 0,
    ) -> None:
        if name not in _URLS:
            raise DGLError(f"Unknown MovieLens variant {name!r}: supported are {sorted(_URLS)}.")
        test_ratio = 0.1 if test_ratio is None else test_ratio
        if not (0 < valid_ratio < 1 and 0 < test_ratio < 1 and valid_ratio + test_ratio < 1):
            raise DGLError(f"valid_ratio ({valid_ratio}) and test_ratio ({test_ratio}) must be in (0, 1) "
                           "and sum to less than 1.")
        self._valid_ratio = valid_ratio
        self._test_ratio = test_ratio
        self._random_state = random_state
        self._graph = None
        super().__init__(name, url=_URLS[name], raw_dir=raw_dir, hash_key=(name, valid_ratio, test_ratio),
                         force_reload=bool(force_reload), verbose=bool(verbose), transform=transform)

    @property
    def _zip_path(self) -> str:
        return os.path.join(self.raw_dir, self.name + ".zip")

    def _download(self) -> None:
        if os.path.isdir(self.raw_path) or os.path.exists(self._zip_path):
            return
        os.makedirs(self.raw_dir, exist_ok=True)
        download(self.url, path=self._zip_path, sha256_hash=_SHA256[self.name], log=self.verbose)

    def _read_csv(self, filename: str):
        import pandas as pd

        folder_file = os.path.join(self.raw_path, filename)
        if os.path.exists(folder_file):
            return pd.read_csv(folder_file)
        try:
            with zipfile.ZipFile(self._zip_path) as archive:
                data = archive.read(f"{self.name}/{filename}")
        except (zipfile.BadZipFile, KeyError, OSError) as err:
            raise DGLError(f"Cannot read {filename} from {self._zip_path}: {err}.") from err
        return pd.read_csv(io.BytesIO(data))

    def process(self) -> None:
        movies = self._read_csv("movies.csv")
        ratings = self._read_csv("ratings.csv")
        for frame, cols, fname in ((movies, ("movieId", "genres"), "movies.csv"),
                                   (ratings, ("userId", "movieId", "rating", "timestamp"), "ratings.csv")):
            missing = [c for c in cols if c not in frame.columns]
            if missing:
                raise DGLError(f"{fname} lacks the columns {missing}.")
        movie_ids = np.sort(movies["movieId"].to_numpy())
        user_ids = np.unique(ratings["userId"].to_numpy())
        unknown = ~np.isin(ratings["movieId"].to_numpy(), movie_ids)
        if unknown.any():
            raise DGLError(f"ratings.csv names movie {int(ratings['movieId'].to_numpy()[unknown][0])} "
                           "missing from movies.csv.")
        order = np.argsort(ratings["timestamp"].to_numpy(), kind="stable")
        ratings = ratings.iloc[order]
        src = torch.from_numpy(np.searchsorted(user_ids, ratings["userId"].to_numpy()))
        dst = torch.from_numpy(np.searchsorted(movie_ids, ratings["movieId"].to_numpy()))
        g = heterograph(
            {("user", "rates", "movie"): (src, dst), ("movie", "rated-by", "user"): (dst, src)},
            num_nodes_dict={"user": len(user_ids), "movie": len(movie_ids)},
        )
        num = len(ratings)
        num_test = int(round(num * self._test_ratio))
        num_val = int(round(num * self._valid_ratio))
        num_train = num - num_val - num_test
        split = {"train_mask": (0, num_train), "val_mask": (num_train, num_train + num_val),
                 "test_mask": (num_train + num_val, num)}
        edge_data: Dict[str, torch.Tensor] = {
            "rating": torch.from_numpy(ratings["rating"].to_numpy(np.float32).copy()),
            "timestamp": torch.from_numpy(ratings["timestamp"].to_numpy(np.int64).copy()),
        }
        for key, (lo, hi) in split.items():
            mask = torch.zeros(num, dtype=torch.bool)
            mask[lo:hi] = True
            edge_data[key] = mask
        for etype in ("rates", "rated-by"):
            for key, value in edge_data.items():
                g.edges[etype].data[key] = value
        genre_index = {name: i for i, name in enumerate(GENRES_ML_LATEST)}
        genre = np.zeros((len(movie_ids), len(GENRES_ML_LATEST)), dtype=np.float32)
        movies = movies.set_index("movieId").loc[movie_ids]
        for row, genres in enumerate(movies["genres"].astype(str)):
            for name in genres.split("|"):
                if name not in genre_index:
                    raise DGLError(f"movies.csv names an unknown genre {name!r}.")
                genre[row, genre_index[name]] = 1.0
        g.nodes["movie"].data["genre"] = torch.from_numpy(genre)
        g.nodes["movie"].data["id"] = torch.from_numpy(movie_ids.astype(np.int64))
        g.nodes["user"].data["id"] = torch.from_numpy(user_ids.astype(np.int64))
        self._graph = g
        if self.verbose:
            print(f"  Users: {len(user_ids)}  Movies: {len(movie_ids)}  Ratings: {num} "
                  f"(train {num_train}, val {num_val}, test {num_test})")

    def __getitem__(self, idx: int):
        if idx != 0:
            raise IndexError(f"{self.name} holds one graph; index {idx} is out of range.")
        return self._graph if self._transform is None else self._transform(self._graph)

    def __len__(self) -> int:
        return 1
