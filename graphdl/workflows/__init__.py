"""From business tables to trained models: construct a graph, train a task, predict and embed.

The same steps as the ``graphdl construct`` / ``train --task`` / ``predict`` / ``embed``
commands, as functions::

    from graphdl import workflows
    workflows.construct_graph("construct.json", "graph")
    metrics = workflows.train("graph", "link-prediction", "train.yaml", out="run")
    workflows.predict("graph", "run", "top10.parquet", top_k=10)
    workflows.embed("graph", "run", "movies.parquet", ntype="movie")
"""
from .construct import ConstructedGraph, construct_graph, load_constructed
from .predict import embed, load_model, predict, transform_rows
from .train import TASKS, TRAIN_DEFAULTS, load_train_config, train

__all__ = ["construct_graph", "load_constructed", "ConstructedGraph", "train", "TASKS", "TRAIN_DEFAULTS",
           "load_train_config", "predict", "embed", "load_model", "transform_rows"]
