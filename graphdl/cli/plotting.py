"""The training curve ``graphdl train`` saves: loss and accuracies per epoch."""
from __future__ import annotations

from typing import Dict, List

__all__ = ["plot_history"]


def plot_history(history: Dict[str, List[float]], path: str, title: str) -> None:
    """Save the training loss (left axis) and train/validation accuracy (right axis) as a PNG."""
    import matplotlib  # heavy, and only ``graphdl train`` draws

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax_loss = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(history["loss"]) + 1)
    ax_loss.plot(epochs, history["loss"], color="tab:red", label="training loss")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss")
    ax_acc = ax_loss.twinx()
    ax_acc.plot(epochs, history["train_acc"], color="tab:green", label="train accuracy")
    ax_acc.plot(epochs, history["val_acc"], color="tab:blue", label="validation accuracy")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1)
    lines = ax_loss.get_lines() + ax_acc.get_lines()
    ax_loss.legend(lines, [line.get_label() for line in lines], loc="center right")
    ax_loss.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
