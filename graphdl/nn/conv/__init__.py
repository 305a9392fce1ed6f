"""Graph convolution layers, one module per layer."""
from .agnnconv import AGNNConv
from .appnpconv import APPNPConv
from .chebconv import ChebConv
from .dotgatconv import DotGatConv
from .edgeconv import EdgeConv
from .egatconv import EGATConv
from .gatconv import GATConv
from .gatedgraphconv import GatedGraphConv
from .gatv2conv import GATv2Conv
from .gcn2conv import GCN2Conv
from .ginconv import GINConv
from .gineconv import GINEConv
from .gmmconv import GMMConv
from .graphconv import EdgeWeightNorm, GraphConv
from .hgtconv import HGTConv
from .nnconv import NNConv
from .pnaconv import PNAConv
from .relgraphconv import RelGraphConv
from .sageconv import SAGEConv
from .sgconv import SGConv
from .tagconv import TAGConv

__all__ = [
    "AGNNConv", "APPNPConv", "ChebConv", "DotGatConv", "EdgeConv", "EGATConv", "GATConv",
    "GatedGraphConv", "GATv2Conv", "GCN2Conv", "GINConv", "GINEConv", "GMMConv", "GraphConv",
    "EdgeWeightNorm", "HGTConv", "NNConv", "PNAConv", "RelGraphConv", "SAGEConv", "SGConv",
    "TAGConv",
]
