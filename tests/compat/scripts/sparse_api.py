# A DGL script written against dgl.sparse: construction, operators, products, softmax, reductions,
# with the gradients of values and dense operands.
import json

import torch
import dgl
import dgl.sparse as dglsp

R = {}


def rec(name, value):
    if isinstance(value, dglsp.SparseMatrix):
        value = value.to_dense()
    R[name] = value.tolist() if isinstance(value, torch.Tensor) else value


def leaf(t):
    return t.clone().requires_grad_()


torch.manual_seed(0)
indices = torch.tensor([[0, 0, 1, 2, 3, 3, 4, 1, 5], [1, 2, 2, 3, 4, 0, 4, 0, 5]])
val = torch.rand(9) + 0.5
shape = (6, 6)
A = dglsp.spmatrix(indices, val, shape=shape)
B = dglsp.spmatrix(torch.tensor([[0, 1, 2, 4, 5], [0, 2, 3, 1, 5]]), torch.rand(5) + 0.5, shape=shape)
X = torch.randn(6, 3)

rec("repr_shape", [A.shape, A.nnz])
rec("csr", [t.tolist() if t is not None else None for t in A.csr()])
rec("csc", [t.tolist() if t is not None else None for t in A.csc()])
rec("transpose", A.T)
rec("add", A + B)
rec("sub", A - B)
rec("mul", A * B)
rec("mul_scalar", A * 2.5)
rec("div_scalar", A / 4)
rec("power", A ** 2)
rec("neg", -A)
rec("inv", dglsp.inv(dglsp.diag(torch.tensor([1.0, 2.0, 4.0]))))
rec("div_same", A / dglsp.val_like(A, torch.arange(1.0, 10.0)))
rec("identity", dglsp.identity((3, 4)))
rec("coalesce", dglsp.spmatrix(torch.tensor([[1, 0, 0, 0, 1], [1, 1, 1, 2, 2]]), torch.arange(5.0)).coalesce())
rec("is_diag", [A.is_diag(), dglsp.diag(torch.ones(3)).is_diag()])

for name, fn in [("sum", dglsp.sum), ("smax", dglsp.smax), ("smin", dglsp.smin), ("smean", dglsp.smean),
                 ("sprod", dglsp.sprod)]:
    for dim in [None, 0, 1]:
        v = leaf(val - 1.0)
        out = fn(dglsp.val_like(A, v), dim)
        out.sum().backward() if out.dim() == 0 else (out * torch.arange(1.0, out.numel() + 1)).sum().backward()
        rec(f"{name}_{dim}", out)
        rec(f"{name}_{dim}_grad", v.grad)

Vm = torch.randn(9, 2)
rec("sum_multi_0", dglsp.val_like(A, Vm).sum(0))
rec("smax_multi_1", dglsp.val_like(A, Vm).smax(1))

# spmm / bspmm
v, x = leaf(val), leaf(X)
out = dglsp.val_like(A, v) @ x
(out * torch.arange(18.0).reshape(6, 3)).sum().backward()
rec("spmm", out)
rec("spmm_grad_val", v.grad)
rec("spmm_grad_x", x.grad)
rec("spmm_vector", A @ X[:, 0])

vm, xm = leaf(torch.randn(9, 2)), leaf(torch.randn(6, 4, 2))
out = dglsp.bspmm(dglsp.val_like(A, vm), xm)
(out ** 2).sum().backward()
rec("bspmm", out)
rec("bspmm_grad_val", vm.grad)
rec("bspmm_grad_x", xm.grad)

# spspmm
va, vb = leaf(val), leaf(B.val)
C = dglsp.val_like(A, va) @ dglsp.val_like(B, vb)
Cd = C.to_dense()
(Cd * torch.arange(36.0).reshape(6, 6)).sum().backward()
rec("spspmm", Cd)
rec("spspmm_nnz", C.nnz)
rec("spspmm_grad_a", va.grad)
rec("spspmm_grad_b", vb.grad)

# sddmm
x1, x2, v = leaf(torch.randn(6, 4)), leaf(torch.randn(4, 6)), leaf(val)
S = dglsp.sddmm(dglsp.val_like(A, v), x1, x2)
(S.val * torch.arange(9.0)).sum().backward()
rec("sddmm", S)
rec("sddmm_grads", [x1.grad.tolist(), x2.grad.tolist(), v.grad.tolist()])
x1, x2 = leaf(torch.randn(6, 4, 2)), leaf(torch.randn(4, 6, 2))
S = dglsp.bsddmm(A, x1, x2)
(S.val ** 2).sum().backward()
rec("bsddmm", S.val)
rec("bsddmm_grads", [x1.grad.tolist(), x2.grad.tolist()])

# softmax
for dim in [0, 1]:
    v = leaf(torch.randn(9, 2))
    out = dglsp.softmax(dglsp.val_like(A, v), dim)
    (out.val * torch.arange(18.0).reshape(9, 2)).sum().backward()
    rec(f"softmax_{dim}", out.val)
    rec(f"softmax_{dim}_grad", v.grad)

# broadcast
for op in ["add", "sub", "mul", "truediv"]:
    rec(f"bcast_row_{op}", dglsp.sp_broadcast_v(A, torch.arange(1.0, 7.0), op).val)
    rec(f"bcast_col_{op}", dglsp.sp_broadcast_v(A, torch.arange(1.0, 7.0).reshape(6, 1), op).val)
rec("sp_mul_v", dglsp.sp_mul_v(dglsp.val_like(A, Vm), torch.arange(1.0, 7.0)).val)

# elementwise gradients (DGL 2.1 differentiates A * B, not A + B of different patterns)
va, vb = leaf(val), leaf(B.val)
out = dglsp.val_like(A, va) * dglsp.val_like(B, vb)
(out.to_dense() * torch.arange(36.0).reshape(6, 6)).sum().backward()
rec("mul_grads", [va.grad.tolist(), vb.grad.tolist()])
va = leaf(val)
out = ((dglsp.val_like(A, va) * 3) ** 3) / 2
(out.val * torch.arange(9.0)).sum().backward()
rec("scalar_chain", out)
rec("scalar_chain_grad", va.grad)

# selection
rec("index_select_0", A.index_select(0, torch.tensor([4, 1, 1])))
rec("index_select_1", A.index_select(1, torch.tensor([2, 0])))
rec("range_select", A.range_select(1, slice(1, 4)))
Cm, idx = A.compact(0, torch.tensor([3, 1]))
rec("compact", [Cm.to_dense().tolist(), idx.tolist()])

# graph adjacency
g = dgl.graph((indices[0], indices[1]), num_nodes=6)
rec("g_adj", g.adj())

print(json.dumps(R))
