"""Widget controls as a screen reader meets them: Chromium's own accessibility tree.

:func:`control_problems` reads Chromium's accessibility tree (DevTools
``Accessibility.getFullAXTree``) for every visible control inside one
part of the page (an experiment's cell): each must have a non-empty
accessible name, and each slider must announce the value its readout shows
(e.g. 2000 points rather than an option index 5, 0.33 rather than 0.3).
test_lab.py calls it on every experiment of every chapter, once the
chapter has run, so the chapters are not run twice.
"""

CONTROLS = (
    ".jp-OutputArea-output .jupyter-widgets :is(.noUi-handle, [role=slider], select, button, "
    "input:not([type=hidden]), textarea, [role=checkbox], [role=combobox], [role=button])"
)
COLLECT = f"""(root) => {{
    const seen = new Set();
    window.__emteachControls = [...root.querySelectorAll({CONTROLS!r})].filter(e => {{
        if (seen.has(e) || e.getClientRects().length === 0) return false;
        seen.add(e); return true;
    }});
    return window.__emteachControls.map(e => {{
        const box = e.closest('.widget-slider, .widget-hslider, .widget-vslider, .emteach-slider');
        const readout = box && box.querySelector('.widget-readout, .emteach-slider-readout');
        return {{html: e.outerHTML.slice(0, 160), readout: readout ? (readout.value || readout.innerText || '').trim() : null}};
    }});
}}"""


def _same_value(spoken, shown):
    """Whether a slider's spoken value is the number its readout shows, to the readout's
    precision (1 and '1.00' are; an option index 5 for '2000' is not; 0.35 for '0.33' is not)."""
    if spoken is None:
        return False
    try:
        digits = len(shown.split(".")[1]) if "." in shown else 0
        return abs(float(spoken) - float(shown)) <= 0.5 * 10.0 ** -digits + 1e-6
    except ValueError:
        return shown in str(spoken)


def _ax_nodes(page, cdp, count):
    """Chromium's accessibility node of each collected control, by DOM node."""
    backend = []
    for index in range(count):
        handle = cdp.send("Runtime.evaluate", {"expression": f"window.__emteachControls[{index}]"})
        backend.append(cdp.send("DOM.describeNode", {"objectId": handle["result"]["objectId"]})["node"]["backendNodeId"])
    tree = {n.get("backendDOMNodeId"): n for n in cdp.send("Accessibility.getFullAXTree")["nodes"]}
    found = []
    for node_id in backend:
        node = tree.get(node_id)
        if node is None or node.get("ignored"):
            reasons = ",".join(str(r.get("name")) for r in (node or {}).get("ignoredReasons", []))
            found.append({"role": f"not in the tree ({reasons or 'missing'})", "name": "", "value": None, "valuetext": None})
            continue
        properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        found.append({
            "role": node.get("role", {}).get("value"),
            "name": (node.get("name") or {}).get("value", ""),
            "value": (node.get("value") or {}).get("value"),
            "valuetext": properties.get("valuetext"),
        })
    return found


def control_problems(page, root):
    """Return (number of controls, problems) for the visible controls inside ``root`` (a locator):
    one line per control without an accessible name or a slider that announces another value than it shows."""
    controls = page.evaluate(COLLECT, root.element_handle())
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("Accessibility.enable")
        nodes = _ax_nodes(page, cdp, len(controls))
    finally:
        cdp.detach()
    problems = []
    for control, node in zip(controls, nodes):
        if not str(node["name"]).strip():
            problems.append(f"no accessible name: {node['role']}: {control['html']}")
        if node["role"] == "slider":
            spoken = node["valuetext"] if node["valuetext"] not in (None, "") else node["value"]
            if not control["readout"] or not _same_value(spoken, control["readout"]):
                problems.append(f"slider announces {spoken!r} but shows {control['readout']!r}: {control['html']}")
    return len(controls), problems
