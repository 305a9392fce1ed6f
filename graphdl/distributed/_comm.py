"""The process group and the one collective every distributed object uses.

graphdl's distributed runtime runs on ``torch.distributed`` (gloo on CPU, NCCL on GPU) as
launched by ``torchrun``: rank ``r`` serves partition ``r``. There is no server process and no
socket of graphdl's own. Remote rows move with :func:`route`, a request/response exchange built
from two ``all_to_all_single`` calls:

1. every rank sends each id it wants to the rank that owns it (ids grouped by owner);
2. each owner answers every id with a variable number of rows (``serve``);
3. the answers travel back and are put back in the order the ids were asked in.

Because these are collectives, **every rank must make the same sequence of calls** (reads of a
``DistTensor``, sampling, ``node_split``...), as in data-parallel training, where ranks step in
lockstep; a rank with nothing to ask passes an empty id tensor. A call that a peer never joins
fails after the group's timeout instead of hanging, and the error names the ranks that stopped
sending heartbeats (see :func:`initialize`).
"""
from __future__ import annotations

import datetime
import os
import threading
import time
from typing import Callable, List, Optional, Sequence, Tuple

import torch

from ..base import DGLError

__all__ = ["initialize", "is_initialized", "get_rank", "get_world_size", "exit_client", "route",
           "barrier", "DistributedError"]

_HEARTBEAT_S = 1.0


class DistributedError(DGLError):
    """A collective failed: a peer died, timed out or disagreed on the call sequence."""


class _State:
    def __init__(self) -> None:
        self.initialized = False
        self.standalone = True
        self.rank = 0
        self.world_size = 1
        self.owns_group = False
        self.store = None
        self.heartbeat: Optional[threading.Thread] = None
        self.stop = threading.Event()
        self.timeout_s = 300.0


_STATE = _State()

#: Bytes this rank sent to other ranks through :func:`route` and :func:`push` (ids, rows,
#: answers), for measuring how much a partitioning makes ranks talk. Reset it freely.
TRAFFIC = {"bytes_sent": 0, "exchanges": 0}


def _count(tensor: torch.Tensor, counts: List[int]) -> None:
    width = tensor[0].numel() if tensor.shape[0] else 0
    remote = sum(c for r, c in enumerate(counts) if r != _STATE.rank)
    TRAFFIC["bytes_sent"] += remote * width * tensor.element_size()


def _dist():
    import torch.distributed as dist  # only when a process group is used
    return dist


def initialize(ip_config: Optional[str] = None, num_servers: int = 1, num_workers: int = 0,
               max_queue_size: int = 0, net_type: Optional[str] = None,
               num_worker_threads: int = 1, backend: Optional[str] = None,
               timeout: Optional[float] = None) -> None:
    """Join the training job (DGL's ``dgl.distributed.initialize``).

    Reads the ``torchrun`` environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``,
    ``MASTER_PORT``) and initialises ``torch.distributed`` unless the script already did. With
    no such environment it runs standalone (one process, no communication). ``ip_config`` and
    the server/worker arguments are DGL's and accepted for compatibility: no IP file is needed,
    and sampling runs inside the trainer processes.

    Parameters
    ----------
    backend : str, optional
        ``"gloo"`` (default on CPU) or ``"nccl"``.
    timeout : float, optional
        Seconds a collective waits for its peers before it fails (default 300, or the
        ``GRAPHDL_DIST_TIMEOUT`` environment variable).
    """
    st = _STATE
    if st.initialized:
        return
    st.timeout_s = float(timeout if timeout is not None else os.environ.get("GRAPHDL_DIST_TIMEOUT", 300))
    dist = _dist()
    if dist.is_available() and dist.is_initialized():
        st.standalone = False
    elif "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        if backend is None:
            backend = "nccl" if torch.cuda.is_available() and os.environ.get("GRAPHDL_DIST_BACKEND") == "nccl" else "gloo"
        timeout_td = datetime.timedelta(seconds=st.timeout_s)
        dist.init_process_group(backend, store=_attempt_store(dist, timeout_td),
                                rank=int(os.environ["RANK"]),
                                world_size=int(os.environ["WORLD_SIZE"]), timeout=timeout_td)
        st.owns_group = True
        st.standalone = False
    if not st.standalone:
        st.rank, st.world_size = dist.get_rank(), dist.get_world_size()
        _start_heartbeat(st)
    st.initialized = True


def _attempt_store(dist, timeout: datetime.timedelta):
    """The job's key-value store, with keys scoped to this restart attempt.

    Under ``torchrun --max-restarts`` with a fixed ``--master-port`` the store outlives a failed
    attempt; without a per-attempt prefix the restarted ranks would read the dead ranks'
    addresses and fail to connect. ``torchrun`` runs the store in its agent
    (``TORCHELASTIC_USE_AGENT_STORE``); otherwise rank 0 hosts it, as ``env://`` does.
    """
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    agent = os.environ.get("TORCHELASTIC_USE_AGENT_STORE", "").lower() == "true"
    base = dist.TCPStore(os.environ.get("MASTER_ADDR", "127.0.0.1"),
                         int(os.environ.get("MASTER_PORT", "29500")), world,
                         is_master=rank == 0 and not agent, timeout=timeout)
    attempt = os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")
    return dist.PrefixStore(f"graphdl/attempt{attempt}/", base)


def _start_heartbeat(st: _State) -> None:
    """Each rank stamps ``graphdl/hb/<rank>`` in the job's key-value store every second, so a
    failed collective can say which peers are gone."""
    try:
        from torch.distributed.distributed_c10d import _get_default_store  # needs a live group
        st.store = _get_default_store()
    except Exception:  # a group created without a store we can reach: no dead-rank names
        st.store = None
        return
    st.stop.clear()

    def beat() -> None:
        while not st.stop.wait(_HEARTBEAT_S):
            try:
                st.store.set(f"graphdl/hb/{st.rank}", repr(time.time()))
            except Exception:
                return

    st.store.set(f"graphdl/hb/{st.rank}", repr(time.time()))
    st.heartbeat = threading.Thread(target=beat, name="graphdl-heartbeat", daemon=True)
    st.heartbeat.start()


def _silent_ranks() -> List[int]:
    """Ranks whose heartbeat does not advance over a few beats (dead or hung)."""
    st = _STATE
    if st.store is None:
        return []

    def read() -> dict:
        seen = {}
        for r in range(st.world_size):
            if r == st.rank:
                continue
            key = f"graphdl/hb/{r}"
            try:
                seen[r] = st.store.get(key) if st.store.check([key]) else None
            except Exception:  # the store itself is gone (its host, rank 0, died)
                seen[r] = None
        return seen

    before = read()
    time.sleep(3 * _HEARTBEAT_S)
    after = read()
    return [r for r in before if after[r] is None or after[r] == before[r]]


def _failed(what: str, err: BaseException) -> DistributedError:
    silent = _silent_ranks()
    who = (f"rank(s) {silent} stopped responding (dead or hung)" if silent
           else "no peer is known to be dead; the ranks may disagree on the sequence of calls")
    return DistributedError(f"{what} failed on rank {_STATE.rank}: {who}. Cause: {err}")


def is_initialized() -> bool:
    """True after :func:`initialize`."""
    return _STATE.initialized


def get_rank() -> int:
    """This process's rank (0 when standalone)."""
    return _STATE.rank


def get_world_size() -> int:
    """Number of ranks (1 when standalone)."""
    return _STATE.world_size


def exit_client() -> None:
    """Leave the job: stop the heartbeat and destroy the process group if graphdl created it."""
    st = _STATE
    st.stop.set()
    if st.owns_group:
        try:
            _dist().destroy_process_group()
        except Exception:
            pass
    st.__init__()


def _require() -> _State:
    if not _STATE.initialized:
        raise DGLError("Call graphdl.distributed.initialize() before using distributed objects.")
    return _STATE


def barrier() -> None:
    """Wait for every rank."""
    st = _require()
    if st.standalone:
        return
    try:
        _dist().barrier()
    except Exception as err:
        raise _failed("barrier", err) from None


def all_gather_object(obj):
    """Every rank's ``obj``, in rank order."""
    st = _require()
    if st.standalone:
        return [obj]
    out = [None] * st.world_size
    try:
        _dist().all_gather_object(out, obj)
    except Exception as err:
        raise _failed("all_gather_object", err) from None
    return out


def all_reduce_max(value: int) -> int:
    st = _require()
    if st.standalone:
        return int(value)
    t = torch.tensor([int(value)], dtype=torch.int64)
    try:
        _dist().all_reduce(t, op=_dist().ReduceOp.MAX)
    except Exception as err:
        raise _failed("all_reduce", err) from None
    return int(t)


def _a2a(tensor: torch.Tensor, send_counts: List[int], recv_counts: List[int]) -> torch.Tensor:
    """all_to_all_single over the first dimension (rows of any trailing shape)."""
    row = tensor.shape[1:]
    width = 1
    for s in row:
        width *= int(s)
    _count(tensor, send_counts)
    cast = tensor.dtype == torch.bool
    flat = (tensor.to(torch.uint8) if cast else tensor).reshape(-1).contiguous()
    out = torch.empty(sum(recv_counts) * width, dtype=flat.dtype)
    _dist().all_to_all_single(out, flat, [c * width for c in recv_counts],
                              [c * width for c in send_counts])
    out = out.reshape((sum(recv_counts),) + tuple(row))
    return out.bool() if cast else out


ServeFn = Callable[..., Tuple[torch.Tensor, Sequence[torch.Tensor]]]


def route(ids: torch.Tensor, owners: torch.Tensor, serve: ServeFn,
          what: str = "distributed read",
          extras: Sequence[torch.Tensor] = ()) -> Tuple[torch.Tensor, List[torch.Tensor]]:
    """Ask each id's owner to ``serve`` it; return the answers in the order of ``ids``.

    ``serve(local_request_ids, *local_extras)`` runs on the owner and returns
    ``(lengths, payloads)``: ``lengths[i]`` rows of every payload tensor answer request ``i``.
    ``extras`` are int64 tensors with one entry per id, travelling with the request (sampling
    sends each seed's edge type, fanout and random stream this way). The result is
    ``(lengths, payloads)`` for ``ids`` (payload rows grouped by id, ids in the given order).
    """
    st = _require()
    ids = ids.reshape(-1).to(torch.int64)
    extras = [e.reshape(-1).to(torch.int64) for e in extras]
    if st.standalone:
        if owners.numel() and int(owners.max()) > 0:
            raise DGLError("A standalone (single-process) job owns partition 0 only; these ids "
                           "belong to other partitions: launch one rank per partition with "
                           "torchrun.")
        lengths, payloads = serve(ids, *extras)
        return lengths, list(payloads)
    ws = st.world_size
    try:
        order = torch.argsort(owners, stable=True)
        send_counts = torch.bincount(owners, minlength=ws)
        recv_counts = torch.empty_like(send_counts)
        _dist().all_to_all_single(recv_counts, send_counts)
        sc, rc = send_counts.tolist(), recv_counts.tolist()
        TRAFFIC["exchanges"] += 1
        if extras:  # one exchange: ids and extras as the columns of one table
            table = _a2a(torch.stack([ids] + list(extras), 1)[order], sc, rc)
            lengths, payloads = serve(*table.unbind(1))
        else:
            lengths, payloads = serve(_a2a(ids[order], sc, rc))
        lengths = lengths.to(torch.int64)
        # Rows answering each peer: sum of lengths of that peer's requests.
        peer = torch.repeat_interleave(torch.arange(ws), recv_counts)
        rows_out = torch.zeros(ws, dtype=torch.int64).index_add_(0, peer, lengths).tolist()
        back_lengths = _a2a(lengths, rc, sc)  # per request, in our sorted order
        rows_in = torch.zeros(ws, dtype=torch.int64).index_add_(
            0, torch.repeat_interleave(torch.arange(ws), send_counts), back_lengths).tolist()
        back = [_a2a(p, rows_out, rows_in) for p in payloads]
    except DGLError:
        raise
    except Exception as err:
        raise _failed(what, err) from None
    # Undo the grouping by owner: request k (sorted) answers ids[order[k]].
    inv = torch.empty_like(order)
    inv[order] = torch.arange(order.numel())
    if bool((back_lengths == 1).all()):
        return torch.ones(ids.numel(), dtype=torch.int64), [p[inv] for p in back]
    starts = torch.cumsum(back_lengths, 0) - back_lengths
    lens = back_lengths[inv]
    idx = torch.repeat_interleave(starts[inv], lens) + (
        torch.arange(int(lens.sum())) - torch.repeat_interleave(torch.cumsum(lens, 0) - lens, lens))
    return lens, [p[idx] for p in back]


def push(ids: torch.Tensor, owners: torch.Tensor, rows: Sequence[torch.Tensor],
         apply: Callable[[torch.Tensor, Sequence[torch.Tensor]], None],
         what: str = "distributed write") -> None:
    """Send ``ids`` with their ``rows`` to the owners, who call ``apply(ids, rows)`` once."""
    st = _require()
    ids = ids.reshape(-1).to(torch.int64)
    if st.standalone:
        if owners.numel() and int(owners.max()) > 0:
            raise DGLError("A standalone (single-process) job owns partition 0 only; launch one "
                           "rank per partition with torchrun.")
        apply(ids, list(rows))
        return
    ws = st.world_size
    try:
        order = torch.argsort(owners, stable=True)
        send_counts = torch.bincount(owners, minlength=ws)
        recv_counts = torch.empty_like(send_counts)
        _dist().all_to_all_single(recv_counts, send_counts)
        sc, rc = send_counts.tolist(), recv_counts.tolist()
        got_ids = _a2a(ids[order], sc, rc)
        got_rows = [_a2a(r[order], sc, rc) for r in rows]
    except Exception as err:
        raise _failed(what, err) from None
    apply(got_ids, got_rows)
