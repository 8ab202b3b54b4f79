"""docs/python.md runs as written: every ```python block, in order, in one namespace, in a new directory."""
import os
import re

from conftest import SOURCE_DIR


def blocks():
    with open(os.path.join(SOURCE_DIR, "docs", "python.md")) as f:
        text = f.read()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_tutorial_runs(tmp_path, monkeypatch, capsys):
    code = blocks()
    assert len(code) >= 6
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for i, block in enumerate(code):
        exec(compile(block, f"docs/python.md block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "generation 6: eval" in out and "cycles" in out and "unrecognised option '--popp'" in out
    for png in ("curve.png", "raster.png"):
        data = (tmp_path / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    assert (tmp_path / "runs" / "hopper" / "checkpoint.ckpt").exists()
    assert not (tmp_path / "runs" / "other").exists()
