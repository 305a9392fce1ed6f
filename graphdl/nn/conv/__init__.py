"""Graph convolution layers, one module per layer."""
from .atomicconv import AtomicConv
from .cfconv import CFConv
from .densechebconv import DenseChebConv
from .densegraphconv import DenseGraphConv
from .densesageconv import DenseSAGEConv
from .dgnconv import DGNConv
from .edgegatconv import EdgeGATConv
from .egnnconv import EGNNConv
from .gatedgcnconv import GatedGCNConv
from .grouprevres import GroupRevRes
from .twirlsconv import TWIRLSConv, TWIRLSUnfoldingAndAttention
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
    "AtomicConv", "CFConv", "DenseChebConv", "DenseGraphConv", "DenseSAGEConv", "DGNConv", "EdgeGATConv",
    "EGNNConv", "GatedGCNConv", "GroupRevRes", "TWIRLSConv", "TWIRLSUnfoldingAndAttention",
]
