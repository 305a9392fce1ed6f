"""Data sets, graph files and loaders with DGL's names."""
from __future__ import annotations

from . import utils
from .adapter import AsGraphPredDataset, AsLinkPredDataset, AsNodePredDataset
from .citation_graph import CitationGraphDataset, CiteseerGraphDataset, CoraGraphDataset, PubmedGraphDataset
from .csv_dataset import CSVDataset, DefaultDataParser
from .dgl_dataset import DGLBuiltinDataset, DGLDataset
from .fraud import FraudAmazonDataset, FraudDataset, FraudYelpDataset
from .gin import GINDataset
from ..dataloading.graph_dataloader import GraphCollator, GraphDataLoader  # DGL re-exports it here
from .graph_serialize import load_graphs, load_labels, save_graphs
from .karate import KarateClub, KarateClubDataset
from .minigc import MiniGCDataset
from .movielens import MovieLensDataset
from .sbm import SBMMixture, SBMMixtureDataset
from .synthetic import BA2MotifDataset, BACommunityDataset, BAShapeDataset, TreeCycleDataset, TreeGridDataset
from .tu import TUDataset
from .legacy_tu import LegacyTUDataset
from .gnn_benchmark import (AmazonCoBuyComputerDataset, AmazonCoBuyPhotoDataset, CoauthorCSDataset,
                            CoauthorPhysicsDataset, CoraFullDataset, GNNBenchmarkDataset)
from .knowledge_graph import FB15k237Dataset, FB15kDataset, KnowledgeGraphDataset, WN18Dataset
from .molecules import QM9, QM9Dataset, QM9Edge, QM9EdgeDataset, ZINCDataset
from .heterophilous import (ActorDataset, AmazonRatingsDataset, ChameleonDataset, CornellDataset, GeomGCNDataset,
                            HeterophilousGraphDataset, MinesweeperDataset, QuestionsDataset, RomanEmpireDataset,
                            SquirrelDataset, TexasDataset, TolokersDataset, WisconsinDataset)
from .graphsaint import FlickrDataset, YelpDataset
from .ppi import LegacyPPIDataset, PPIDataset
from .reddit import RedditDataset
from .rdf import AIFBDataset, AMDataset, BGSDataset, MUTAGDataset, RDFGraphDataset
from .legacy import load_citeseer, load_cora, load_data, load_pubmed, register_data_args
from .utils import Subset, check_sha1, download, extract_archive, get_download_dir, load_tensors, save_tensors, split_dataset

__all__ = [
    "DGLDataset",
    "DGLBuiltinDataset",
    "CitationGraphDataset",
    "CoraGraphDataset",
    "CiteseerGraphDataset",
    "PubmedGraphDataset",
    "KarateClubDataset",
    "KarateClub",
    "MovieLensDataset",
    "TUDataset",
    "GINDataset",
    "FraudDataset",
    "FraudYelpDataset",
    "FraudAmazonDataset",
    "CSVDataset",
    "DefaultDataParser",
    "AsNodePredDataset",
    "AsLinkPredDataset",
    "AsGraphPredDataset",
    "GraphDataLoader",
    "GraphCollator",
    "save_graphs",
    "load_graphs",
    "load_labels",
    "save_tensors",
    "load_tensors",
    "split_dataset",
    "Subset",
    "utils",
    "BAShapeDataset",
    "BACommunityDataset",
    "TreeCycleDataset",
    "TreeGridDataset",
    "BA2MotifDataset",
    "MiniGCDataset",
    "SBMMixtureDataset",
    "SBMMixture",
    "download",
    "get_download_dir",
    "extract_archive",
    "check_sha1",
    "load_data",
    "register_data_args",
    "load_cora",
    "load_citeseer",
    "load_pubmed",
    "RDFGraphDataset",
    "AIFBDataset",
    "MUTAGDataset",
    "BGSDataset",
    "AMDataset",
    "RedditDataset",
    "PPIDataset",
    "LegacyPPIDataset",
    "FlickrDataset",
    "YelpDataset",
    "GNNBenchmarkDataset",
    "CoraFullDataset",
    "CoauthorCSDataset",
    "CoauthorPhysicsDataset",
    "AmazonCoBuyComputerDataset",
    "AmazonCoBuyPhotoDataset",
    "KnowledgeGraphDataset",
    "FB15k237Dataset",
    "FB15kDataset",
    "WN18Dataset",
    "LegacyTUDataset",
    "QM9Dataset",
    "QM9EdgeDataset",
    "QM9",
    "QM9Edge",
    "ZINCDataset",
    "GeomGCNDataset",
    "ChameleonDataset",
    "SquirrelDataset",
    "CornellDataset",
    "TexasDataset",
    "WisconsinDataset",
    "ActorDataset",
    "HeterophilousGraphDataset",
    "RomanEmpireDataset",
    "AmazonRatingsDataset",
    "MinesweeperDataset",
    "TolokersDataset",
    "QuestionsDataset",
]
