// Document facts: title, mode, owner, review-by date, description, linked model versions, glossary.
import { useState } from "react";
import { LIMITS } from "../../lib/theme";
import { MODES, type GlossaryEntry, type Mode } from "../../lib/ydoc";
import { MODE_LABEL } from "../../lib/format";
import { useEditor } from "../../store/context";
import { Button } from "../ui/Button";
import { Icon } from "../ui/Icon";

export function DocumentSettings() {
  const meta = useEditor((s) => s.meta);
  const readOnly = useEditor((s) => s.readOnly);
  const patchMeta = useEditor((s) => s.patchMeta);
  const [term, setTerm] = useState("");
  const [definition, setDefinition] = useState("");

  const setGlossary = (glossary: GlossaryEntry[]) => patchMeta({ glossary });
  const addTerm = () => {
    if (!term.trim()) return;
    const rest = meta.glossary.filter((entry) => entry.term.toLowerCase() !== term.trim().toLowerCase());
    setGlossary([...rest, { term: term.trim().slice(0, 80), definition: definition.trim().slice(0, 1000) }].sort((a, b) => a.term.localeCompare(b.term)));
    setTerm("");
    setDefinition("");
  };
  const reviewOverdue = meta.reviewBy && meta.reviewBy < new Date().toISOString().slice(0, 10);

  return (
    <div className="document-settings">
      <fieldset className="panel-section" disabled={readOnly}>
        <div className="section-title">Document</div>
        <label className="field">
          <span>Title</span>
          <input name="title" value={meta.title} maxLength={LIMITS.titleMax} onChange={(event) => patchMeta({ title: event.target.value })} />
        </label>
        <div className="form-row two">
          <label className="field">
            <span>Mode</span>
            <select name="mode" value={meta.mode} onChange={(event) => patchMeta({ mode: event.target.value as Mode })}>
              {MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {MODE_LABEL[mode]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Review by</span>
            <input name="reviewBy" type="date" value={meta.reviewBy} onChange={(event) => patchMeta({ reviewBy: event.target.value })} />
          </label>
        </div>
        {reviewOverdue ? (
          <p className="notice notice-amber">
            <Icon name="warning" size={14} /> The review-by date has passed.
          </p>
        ) : null}
        <label className="field">
          <span>Owner</span>
          <input name="owner" value={meta.owner} maxLength={120} placeholder="Team or person accountable" onChange={(event) => patchMeta({ owner: event.target.value })} />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea name="doc-description" rows={4} value={meta.description} onChange={(event) => patchMeta({ description: event.target.value })} />
        </label>
        <label className="field">
          <span>Linked model versions</span>
          <input
            name="modelVersions"
            value={meta.modelVersions.join(", ")}
            placeholder="fraud-gbm@4.2.1, fraud-rules@2026.09"
            onChange={(event) =>
              patchMeta({ modelVersions: event.target.value.split(",").map((v) => v.trim()).filter(Boolean).slice(0, 100) })
            }
          />
        </label>
      </fieldset>
      <div className="panel-section">
        <div className="section-title">
          Glossary <span className="count">{meta.glossary.length}</span>
        </div>
        {meta.glossary.length === 0 ? <p className="muted small">No terms yet. Expand acronyms once here so every reader understands them.</p> : null}
        <dl className="glossary">
          {meta.glossary.map((entry) => (
            <div key={entry.term} className="glossary-entry">
              <dt>{entry.term}</dt>
              <dd>{entry.definition || <span className="muted">No definition</span>}</dd>
              {!readOnly ? (
                <button
                  type="button"
                  className="icon-btn small"
                  aria-label={`Remove ${entry.term}`}
                  onClick={() => setGlossary(meta.glossary.filter((other) => other.term !== entry.term))}
                >
                  <Icon name="close" size={13} />
                </button>
              ) : null}
            </div>
          ))}
        </dl>
        {!readOnly ? (
          <div className="glossary-add">
            <input aria-label="Term" placeholder="Term (e.g. PSI)" value={term} maxLength={80} onChange={(event) => setTerm(event.target.value)} />
            <input
              aria-label="Definition"
              placeholder="Definition"
              value={definition}
              maxLength={1000}
              onChange={(event) => setDefinition(event.target.value)}
              onKeyDown={(event) => event.key === "Enter" && addTerm()}
            />
            <Button size="sm" icon="plus" onClick={addTerm} disabled={!term.trim()}>
              Add term
            </Button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
