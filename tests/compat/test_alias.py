"""graphdl.compat: ``import dgl`` resolves to graphdl, in a subprocess so the alias stays local."""
import os
import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args] if args else [sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_install_aliases_modules_and_names():
    out = _run(textwrap.dedent("""
        import graphdl, graphdl.compat
        graphdl.compat.install()
        import dgl, dgl.function as fn, dgl.nn.pytorch as dglnn
        from dgl.nn.pytorch.conv import GraphConv
        from dgl.data import CoraGraphDataset
        import dgl.backend as F
        assert dgl.graph is graphdl.graph and dgl.DGLGraph is graphdl.DGLGraph
        assert dglnn.GraphConv is graphdl.nn.GraphConv is GraphConv
        assert fn.copy_u is graphdl.function.copy_u
        assert dgl.sampling.sample_neighbors is graphdl.sampling.sample_neighbors
        assert dgl.AddSelfLoop is graphdl.transforms.AddSelfLoop
        assert F.backend_name == "pytorch" and dgl.backend.backend_name == "pytorch"
        g = dgl.graph(([0, 1], [1, 2]))
        assert isinstance(g, dgl.DGLGraph)
        print("ok")
    """))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_missing_names_say_graphdl_does_not_implement_them():
    out = _run(textwrap.dedent("""
        import graphdl.compat
        graphdl.compat.install()
        import dgl
        for expr in ["dgl.no_such_function", "dgl.nn.NoSuchConv"]:
            try:
                eval(expr)
            except AttributeError as err:
                assert str(err) == "graphdl does not implement " + expr, err
            else:
                raise SystemExit(expr + " did not raise")
        assert not hasattr(dgl, "no_such_function")
        try:
            import dgl.no_such_module
        except ModuleNotFoundError as err:
            assert "graphdl does not implement dgl.no_such_module" in str(err), err
        else:
            raise SystemExit("import did not raise")
        print("ok")
    """))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_alias_leaves_graphdl_modules_untouched():
    out = _run(textwrap.dedent("""
        import graphdl, graphdl.compat
        graphdl.compat.install()
        import dgl.nn.pytorch, dgl.backend
        assert not hasattr(graphdl, "backend")
        assert graphdl.nn.__spec__.name == "graphdl.nn"
        graphdl.compat.uninstall()
        import sys
        assert "dgl" not in sys.modules
        try:
            import dgl
        except ModuleNotFoundError:
            print("ok")
    """))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_python_dash_m_runs_a_dgl_script(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import sys
        import dgl
        import dgl.function as fn
        import torch
        g = dgl.graph(([0, 0, 1], [1, 2, 2]))
        g.ndata["h"] = torch.tensor([1.0, 2.0, 4.0])
        g.update_all(fn.copy_u("h", "m"), fn.sum("m", "s"))
        print(sys.argv[1:], g.ndata["s"].tolist())
    """))
    out = _run("", "-m", "graphdl.compat", str(script), "--epochs", "3")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['--epochs', '3'] [0.0, 1.0, 3.0]"


def test_spawned_children_get_the_alias(tmp_path):
    # A spawn child re-runs the script (``import dgl`` at its top) and imports its target's
    # module afresh; both need the alias before anything else runs there.
    script = tmp_path / "spawner.py"
    script.write_text(textwrap.dedent("""
        import multiprocessing as mp
        import dgl

        def entry(g, q):
            q.put((type(g).__module__, g.num_edges(), dgl.__name__))

        if __name__ == "__main__":
            ctx = mp.get_context("spawn")
            q = ctx.Queue(1)
            p = ctx.Process(target=entry, args=(dgl.graph(([0, 1], [1, 2])), q))
            p.start()
            print(q.get(timeout=120))
            p.join()
            print(p.exitcode)
    """))
    out = _run("", "-m", "graphdl.compat", str(script))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == ["('graphdl.heterograph', 2, 'dgl')", "0"]


def test_uninstall_stops_marking_children():
    out = _run(textwrap.dedent("""
        import multiprocessing.spawn as spawn
        import graphdl.compat
        graphdl.compat.install()
        marked = "graphdl_compat_alias" in spawn.get_preparation_data("x")
        graphdl.compat.uninstall()
        print(marked, "graphdl_compat_alias" in spawn.get_preparation_data("x"))
    """))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True False"
