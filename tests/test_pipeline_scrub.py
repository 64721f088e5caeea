"""The scrub removes what changes from run to run or reveals the machine, and nothing else."""

from __future__ import annotations

import nbformat
from hypothesis import given
from hypothesis import strategies as st

from analysis.pipeline.scrub import notebook_text, replace_text, scrub_notebook


def _executed(tmp: str, altair_id: str, started: str) -> nbformat.NotebookNode:
    params = nbformat.v4.new_code_cell('artifacts_dir = "_build/default"')
    params.metadata["tags"] = ["parameters"]
    params["id"] = "p0"
    injected = nbformat.v4.new_code_cell(f'artifacts_dir = "{tmp}"')
    injected.metadata["tags"] = ["injected-parameters"]
    injected.metadata["papermill"] = {"start_time": started, "duration": 0.5}
    chart = nbformat.v4.new_code_cell("#| label: fig-x\nchart")
    chart["id"] = "c2"
    chart.execution_count = 2
    chart.metadata["execution"] = {"iopub.execute_input": started}
    chart.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": f'<div id="{altair_id}"></div><script>"#{altair_id}"</script>'},
        ),
        nbformat.v4.new_output("stream", text=f"wrote {tmp}/charts/x.svg from /home/someone\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[params, injected, chart])
    nb.metadata = {
        "papermill": {"start_time": started, "input_path": "/abs/in.ipynb", "parameters": {}},
        "language_info": {"name": "python", "version": "3.11.9"},
        "kernelspec": {"name": "rand-brief", "display_name": "Python (rand-brief)"},
    }
    return nb


SOURCE_META = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _scrub(nb, tmp):
    reps = [(tmp, "_build/default"), ("/home/someone", "~")]
    return scrub_notebook(nb, SOURCE_META, reps)


def test_two_runs_scrub_to_the_same_bytes():
    a = _executed("/x/_build/.tmp-default-aaaa", "altair-viz-" + "1" * 32, "2026-01-01T00:00")
    b = _executed("/x/_build/.tmp-default-bbbb", "altair-viz-" + "2" * 32, "2027-02-02T11:11")
    b.cells[1]["id"] = "f00dbabe"  # papermill gives the injected cell a random id
    assert notebook_text(_scrub(a, "/x/_build/.tmp-default-aaaa")) == notebook_text(
        _scrub(b, "/x/_build/.tmp-default-bbbb")
    )


def test_scrub_removes_timings_environment_paths_and_random_ids():
    tmp = "/x/_build/.tmp-default-aaaa"
    out = _scrub(_executed(tmp, "altair-viz-" + "a" * 32, "2026-01-01T00:00"), tmp)
    text = notebook_text(out)
    for gone in ("2026-01-01", "papermill", "3.11.9", ".tmp-default", "/home/someone", "a" * 32):
        assert gone not in text, gone
    assert out.metadata["kernelspec"]["name"] == "python3"
    assert out.metadata["language_info"] == {"name": "python"}
    assert out.cells[1]["id"] == "injected-parameters"
    assert out.cells[2]["id"] == "c2"  # committed ids are kept (embeds stay stable)
    html = out.cells[2].outputs[0]["data"]["text/html"]
    assert html == '<div id="altair-viz-1"></div><script>"#altair-viz-1"</script>'
    assert out.cells[2].outputs[1]["text"] == "wrote _build/default/charts/x.svg from ~\n"
    assert out.cells[2].execution_count == 2  # outputs and counts are kept: Quarto embeds them


def test_scrub_is_idempotent():
    tmp = "/x/_build/.tmp-default-aaaa"
    once = _scrub(_executed(tmp, "altair-viz-" + "c" * 32, "t"), tmp)
    assert notebook_text(_scrub(once, tmp)) == notebook_text(once)


def test_replace_text_reaches_nested_strings_only():
    value = {"a": ["/tmp/x/1", 2, {"b": "/tmp/x"}], "n": None}
    assert replace_text(value, [("/tmp/x", "_build/d")]) == {
        "a": ["_build/d/1", 2, {"b": "_build/d"}],
        "n": None,
    }


@given(
    pieces=st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=20), max_size=6),
    hexid=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
)
def test_scrubbed_text_never_holds_the_temp_folder_or_a_random_altair_id(pieces, hexid):
    tmp = "/x/_build/.tmp-default-q1w2"
    text = tmp.join(pieces) + f' id="altair-viz-{hexid}"'
    nb = _executed(tmp, "altair-viz-" + hexid, "t")
    nb.cells[2].outputs[1]["text"] = text
    out = notebook_text(_scrub(nb, tmp))
    assert ".tmp-default-q1w2" not in out
    assert f"altair-viz-{hexid}" not in out
    assert notebook_text(_scrub(nbformat.reads(out, as_version=4), tmp)) == out
