// The inspector: what the selected step or edge says, with the structured fields of its stage.
import { memo } from "react";
import type { SopEdge, SopNode } from "../../lib/flow";
import { EDGE_KINDS, LAYOUT, LIMITS, NODE_KINDS, STAGES, edgeKindOf, fieldsForStage, laneLeft, nodeKindOf, stageOf, type FieldSpec } from "../../lib/theme";
import type { FieldValue } from "../../lib/ydoc";
import { useEditor } from "../../store/context";
import { Button } from "../ui/Button";
import { Icon } from "../ui/Icon";
import { EdgePreview } from "./Palette";

function FieldInput({ spec, value, disabled, onChange }: { spec: FieldSpec; value: FieldValue | undefined; disabled: boolean; onChange: (value: FieldValue | null) => void }) {
  const id = `field-${spec.key}`;
  const text = value === undefined ? "" : String(value);
  return (
    <label className="field" htmlFor={id}>
      <span>{spec.label}</span>
      {spec.type === "longtext" ? (
        <textarea
          id={id}
          name={spec.key}
          rows={3}
          value={text}
          disabled={disabled}
          placeholder={spec.placeholder ?? ""}
          maxLength={LIMITS.fieldTextMax}
          onChange={(event) => onChange(event.target.value)}
        />
      ) : spec.type === "number" ? (
        <input
          id={id}
          name={spec.key}
          type="number"
          inputMode="decimal"
          value={text}
          disabled={disabled}
          placeholder={spec.placeholder ?? ""}
          onChange={(event) => {
            const raw = event.target.value;
            const parsed = Number(raw);
            onChange(raw === "" || !Number.isFinite(parsed) ? null : parsed);
          }}
        />
      ) : (
        <input
          id={id}
          name={spec.key}
          value={text}
          disabled={disabled}
          placeholder={spec.placeholder ?? ""}
          maxLength={LIMITS.fieldTextMax}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </label>
  );
}

function NodeInspector({ node }: { node: SopNode }) {
  const readOnly = useEditor((s) => s.readOnly);
  const patchNode = useEditor((s) => s.patchNode);
  const setField = useEditor((s) => s.setField);
  const deleteSelection = useEditor((s) => s.deleteSelection);
  const record = node.data.record;
  const stage = stageOf(record.stage);
  const kind = nodeKindOf(record.kind);
  const fields = fieldsForStage(record.stage);
  const ownerSpec = fields.find((spec) => spec.key === "owner");
  const otherFields = fields.filter((spec) => spec.key !== "owner");

  const changeStage = (stageId: string) => {
    // A step's stage is its lane: moving it to another stage moves it into that lane.
    const left = laneLeft(stageId);
    patchNode(record.id, { stage: stageId, x: left + Math.round((LAYOUT.laneWidth - record.w) / 2) });
  };

  const changeKind = (kindId: string) => {
    const next = nodeKindOf(kindId);
    patchNode(record.id, { kind: next.id, w: next.w, h: next.h });
  };

  return (
    <div className="inspector" data-inspecting={record.id}>
      <div className="inspector-head" style={{ ["--stage" as string]: stage.color, ["--stage-fill" as string]: stage.fill }}>
        <span className="inspector-icon">
          <Icon name={kind.icon} size={18} strokeWidth={2} />
        </span>
        <div>
          <div className="inspector-kicker">
            {stage.name} · {kind.name}
          </div>
          <div className="inspector-title">{record.label || "Untitled step"}</div>
        </div>
      </div>
      <p className="stage-help">{stage.help}</p>
      <fieldset className="panel-section" disabled={readOnly}>
        <label className="field">
          <span>Label</span>
          <input name="label" value={record.label} maxLength={LIMITS.labelMax} onChange={(event) => patchNode(record.id, { label: event.target.value })} />
        </label>
        <div className="form-row two">
          <label className="field">
            <span>Stage</span>
            <select name="stage" value={record.stage} onChange={(event) => changeStage(event.target.value)}>
              {STAGES.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Shape</span>
            <select name="kind" value={record.kind} onChange={(event) => changeKind(event.target.value)}>
              {NODE_KINDS.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {ownerSpec ? (
          <FieldInput spec={ownerSpec} value={record.fields.owner} disabled={readOnly} onChange={(value) => setField(record.id, "owner", value)} />
        ) : null}
        <label className="field">
          <span>Description</span>
          <textarea
            name="description"
            rows={4}
            value={record.description}
            maxLength={LIMITS.descriptionMax}
            placeholder="What happens in this step, and why"
            onChange={(event) => patchNode(record.id, { description: event.target.value })}
          />
        </label>
      </fieldset>
      <fieldset className="panel-section" disabled={readOnly}>
        <div className="section-title">{stage.name} facts</div>
        {otherFields.map((spec) => (
          <FieldInput key={spec.key} spec={spec} value={record.fields[spec.key]} disabled={readOnly} onChange={(value) => setField(record.id, spec.key, value)} />
        ))}
      </fieldset>
      {!readOnly ? (
        <div className="panel-section panel-actions">
          <Button variant="danger" size="sm" icon="trash" onClick={deleteSelection}>
            Delete step
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function EdgeInspector({ edge }: { edge: SopEdge }) {
  const readOnly = useEditor((s) => s.readOnly);
  const patchEdge = useEditor((s) => s.patchEdge);
  const deleteSelection = useEditor((s) => s.deleteSelection);
  const names = useEditor((s) => {
    const source = s.nodes.find((n) => n.id === edge.source)?.data.record.label ?? edge.source;
    const target = s.nodes.find((n) => n.id === edge.target)?.data.record.label ?? edge.target;
    return `${source}\u0000${target}`;
  });
  const [source, target] = names.split("\u0000");
  const record = edge.data!.record;
  const kind = edgeKindOf(record.kind);
  return (
    <div className="inspector" data-inspecting={record.id}>
      <div className="inspector-head" style={{ ["--stage" as string]: kind.color, ["--stage-fill" as string]: "#f8fafc" }}>
        <span className="inspector-icon">
          <EdgePreview id={kind.id} />
        </span>
        <div>
          <div className="inspector-kicker">Edge · {kind.name}</div>
          <div className="inspector-title">
            {source} → {target}
          </div>
        </div>
      </div>
      <fieldset className="panel-section" disabled={readOnly}>
        <div className="field">
          <span>Kind</span>
          <div className="edge-kind-picker compact" role="radiogroup" aria-label="Edge kind">
            {EDGE_KINDS.map((option) => (
              <button
                type="button"
                key={option.id}
                role="radio"
                aria-checked={record.kind === option.id}
                className={`edge-kind-option${record.kind === option.id ? " is-active" : ""}`}
                onClick={() => patchEdge(record.id, { kind: option.id })}
                data-edge-kind={option.id}
                disabled={readOnly}
              >
                <EdgePreview id={option.id} />
                <span>{option.name}</span>
              </button>
            ))}
          </div>
        </div>
        <label className="field">
          <span>Label</span>
          <input
            name="edge-label"
            value={record.label}
            maxLength={LIMITS.edgeLabelMax}
            placeholder={kind.id === "flow" ? "e.g. score ≥ 0.8" : "e.g. timeout > 60 ms"}
            onChange={(event) => patchEdge(record.id, { label: event.target.value })}
          />
        </label>
      </fieldset>
      {!readOnly ? (
        <div className="panel-section panel-actions">
          <Button variant="danger" size="sm" icon="trash" onClick={deleteSelection}>
            Delete edge
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function InspectorInner() {
  const selection = useEditor((s) => s.selection);
  const node = useEditor((s) => (s.selection.nodes.length === 1 && s.selection.edges.length === 0 ? s.nodes.find((n) => n.id === s.selection.nodes[0]) : undefined));
  const edge = useEditor((s) => (s.selection.edges.length === 1 && s.selection.nodes.length === 0 ? s.edges.find((e) => e.id === s.selection.edges[0]) : undefined));
  const readOnly = useEditor((s) => s.readOnly);
  const deleteSelection = useEditor((s) => s.deleteSelection);
  if (node) return <NodeInspector node={node} />;
  if (edge) return <EdgeInspector edge={edge} />;
  const count = selection.nodes.length + selection.edges.length;
  if (count > 1) {
    return (
      <div className="inspector empty">
        <div className="inspector-multi">
          <strong>{selection.nodes.length}</strong> steps and <strong>{selection.edges.length}</strong> edges selected
        </div>
        {!readOnly ? (
          <Button variant="danger" size="sm" icon="trash" onClick={deleteSelection}>
            Delete selection
          </Button>
        ) : null}
      </div>
    );
  }
  return <DiagramOverview />;
}

/** With nothing selected: what the diagram holds, stage by stage, and how to start. */
function DiagramOverview() {
  const readOnly = useEditor((s) => s.readOnly);
  const meta = useEditor((s) => s.meta);
  const stageCounts = useEditor((s) => STAGES.map((stage) => s.nodes.filter((n) => n.data.record.stage === stage.id).length).join(","));
  const edgeCounts = useEditor((s) => EDGE_KINDS.map((kind) => s.edges.filter((e) => e.data?.record.kind === kind.id).length).join(","));
  const perStage = stageCounts.split(",").map(Number);
  const perKind = edgeCounts.split(",").map(Number);
  const most = Math.max(1, ...perStage);
  const total = perStage.reduce((a, b) => a + b, 0);
  return (
    <div className="inspector overview">
      <div className="panel-section">
        <div className="section-title">This diagram</div>
        <div className="overview-title">{meta.title || "Untitled SOP"}</div>
        {meta.description ? <p className="overview-description">{meta.description}</p> : null}
        <div className="overview-facts">
          <span>
            <strong>{total}</strong> steps
          </span>
          <span>
            <strong>{perKind.reduce((a, b) => a + b, 0)}</strong> edges
          </span>
          {meta.owner ? <span>Owner: {meta.owner}</span> : null}
          {meta.reviewBy ? <span>Review by {meta.reviewBy}</span> : null}
        </div>
      </div>
      <div className="panel-section">
        <div className="section-title">Steps by stage</div>
        <ul className="stage-bars">
          {STAGES.map((stage, index) => (
            <li key={stage.id}>
              <span className="stage-bar-name">{stage.name}</span>
              <span className="stage-bar-track">
                <span className="stage-bar" style={{ width: `${(perStage[index]! / most) * 100}%`, background: stage.color }} />
              </span>
              <span className={`stage-bar-count${perStage[index] ? "" : " is-missing"}`}>{perStage[index] || "none"}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="panel-section">
        <div className="section-title">Edges</div>
        <ul className="legend-list">
          {EDGE_KINDS.map((kind, index) => (
            <li key={kind.id}>
              <EdgePreview id={kind.id} />
              <span className="grow-text">{kind.name}</span>
              <span className="muted">{perKind[index]}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="panel-section">
        <p className="muted small">
          {readOnly
            ? "You can read this diagram but not change it. Select a step to see its facts."
            : "Select a step or an edge to edit it. Double-click a step to rename it; press ? for shortcuts."}
        </p>
      </div>
    </div>
  );
}

export const Inspector = memo(InspectorInner);
